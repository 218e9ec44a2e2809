import { describe, expect, it } from '@jest/globals'
import { fetch, preloadUndici, ProxyAgent } from '../../src/undici-lazy.js'

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
