import { describe, expect, it } from '@jest/globals'
import { deployInputs, env, liveImage, namespacesForThisFile, randomSha, runAction, testRepository } from './harness.js'

const ns = namespacesForThisFile()

describe('pin-digest (issue 22.2)', () => {
  it('deploys repo:sha@digest, leaves a rerun unchanged, and a rollback to a SHA restores the pinned reference', async () => {
    const namespace = ns('pin')
    const inputs = deployInputs(namespace, { 'pin-digest': 'true' })
    const repository = `${env.BND_REGISTRY}/${testRepository}`
    const a = randomSha()
    const b = randomSha()

    const first = await runAction(inputs, { sha: a })
    expect(first.code).toBe(0)
    expect(first.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(await liveImage(namespace)).toBe(`${repository}:${a}@${first.outputs.digest}`)

    const second = await runAction(inputs, { sha: b })
    expect(second.code).toBe(0)
    expect(await liveImage(namespace)).toBe(`${repository}:${b}@${second.outputs.digest}`)

    // The same commit again: the same pinned string, so the pod template is not touched.
    const rerun = await runAction(inputs, { sha: b })
    expect(rerun.code).toBe(0)
    expect(rerun.stdout).not.toContain('docker build')
    expect(JSON.parse(rerun.outputs.resources).find((r: any) => r.kind === 'Deployment').action).toBe('unchanged')

    const back = await runAction(
      deployInputs(namespace, { 'pin-digest': 'true', mode: 'rollback', 'rollback-to': a }),
      {
        sha: b
      }
    )
    expect(back.code).toBe(0)
    expect(back.stdout).not.toContain('docker build')
    expect(await liveImage(namespace)).toBe(`${repository}:${a}@${first.outputs.digest}`)

    const history = await runAction(deployInputs(namespace, { mode: 'history' }), { sha: b })
    expect(history.code).toBe(0)
    const short = (sha: string, digest: string) => `web:${sha.slice(0, 7)}@${digest.slice(0, 14)}`
    // The workload's revisions, above the releases' table.
    const lines = history.stdout.split('\n')
    const rows = lines
      .slice(
        0,
        lines.findIndex(line => line.startsWith('Releases of'))
      )
      .filter(line => /^ {2}\d+ /.test(line))
    expect(rows[0]).toContain(short(a, first.outputs.digest))
    expect(rows[0]).toMatch(/live$/)
    expect(rows[1]).toContain(short(b, second.outputs.digest))
  }, 300_000)
})
