import { describe, expect, it } from '@jest/globals'
import { exec, getExecOutput } from '../../src/lazy/exec-lazy.js'
import { HttpClient, preloadHttpClient } from '../../src/lazy/http-client-lazy.js'
import { fetch, preloadUndici, ProxyAgent } from '../../src/lazy/undici-lazy.js'

// The bundle maps these packages to the stand-ins (tsconfig paths); each must behave as the real module once loaded.

describe('the lazy undici stand-in', () => {
  it('refuses use before the real module is loaded, then hands out the real ProxyAgent and fetch', async () => {
    expect(() => new ProxyAgent({ uri: 'http://127.0.0.1:3128' })).toThrow('undici was used before preloadUndici()')
    await preloadUndici()
    const real = await import('../../node_modules/undici/index.js')
    const agent = new ProxyAgent({ uri: 'http://127.0.0.1:3128' })
    expect(agent).toBeInstanceOf(real.ProxyAgent)
    await (agent as unknown as InstanceType<typeof real.ProxyAgent>).close()
    await expect(fetch('http://127.0.0.1:1/')).rejects.toThrow('fetch failed')
  })
})

describe('the lazy @actions/http-client stand-in', () => {
  it('refuses use before the real module is loaded, then hands out the real HttpClient', async () => {
    expect(() => new HttpClient('bnd')).toThrow('@actions/http-client was used before preloadHttpClient()')
    await preloadHttpClient()
    const real = await import('../../node_modules/@actions/http-client/lib/index.js')
    const client = new HttpClient('bnd')
    expect(client).toBeInstanceOf(real.HttpClient)
    expect((client as unknown as InstanceType<typeof real.HttpClient>).userAgent).toBe('bnd')
  })
})

describe('the lazy @actions/exec stand-in', () => {
  it('runs a program through the real module on first use, with its output and exit code', async () => {
    const output = await getExecOutput('sh', ['-c', 'echo out; echo err >&2; exit 3'], {
      silent: true,
      ignoreReturnCode: true
    })
    expect(output).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' })
    await expect(exec('sh', ['-c', 'exit 4'], { silent: true })).rejects.toThrow('failed with exit code 4')
  })
})
