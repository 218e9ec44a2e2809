import { describe, expect, it } from '@jest/globals'
import { RegistryClient } from '../../src/build/registry.js'
import {
  deployInputs,
  env,
  kubectlJson,
  namespacesForThisFile,
  randomSha,
  runAction,
  testRepository,
  uniqueName
} from './harness.js'

const ns = namespacesForThisFile()

describe('skip-existing with a mutable tag (issue 23)', () => {
  it('rebuilds a {branch} tag that holds another commit, and reuses it for a rerun of the same commit', async () => {
    const namespace = ns('skip-branch')
    // A branch of its own, so no other test moves this tag between the runs.
    const branch = uniqueName('skip')
    const extraEnv = { GITHUB_REF: `refs/heads/${branch}`, GITHUB_REF_NAME: branch }
    const inputs = deployInputs(namespace, { tag: '{branch}', 'skip-existing': 'true' })
    const registry = new RegistryClient(env.BND_REGISTRY, {
      username: env.BND_REGISTRY_USER,
      password: env.BND_REGISTRY_PASSWORD
    })
    const revisionOf = async (digest: string): Promise<string | undefined> =>
      (await registry.imageLabels(testRepository, digest))['org.opencontainers.image.revision']

    const a = randomSha()
    const first = await runAction(inputs, { sha: a, extraEnv })
    expect(first.code).toBe(0)
    expect(first.outputs.image).toBe(`${env.BND_REGISTRY}/${testRepository}:${branch}`)
    expect(
      (await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])).spec.template.spec.containers[0].image
    ).toBe(`${first.outputs.image}@${first.outputs.digest}`)
    expect(await revisionOf(first.outputs.digest)).toBe(a)

    const b = randomSha()
    const second = await runAction(inputs, { sha: b, extraEnv })
    expect(second.code).toBe(0)
    expect(second.stdout).not.toContain('skip-existing: not rebuilding')
    const reason = `building: tag ${branch} exists but its org.opencontainers.image.revision label is ${a}, not this commit ${b}.`
    expect(second.stdout.split(reason).length - 1).toBe(1)
    expect(second.summary).not.toContain('reused (tag existed)')
    expect(second.outputs.digest).not.toBe(first.outputs.digest)
    expect(await revisionOf(second.outputs.digest)).toBe(b)
    expect(await registry.manifestDigest(testRepository, branch)).toBe(second.outputs.digest)
    // The pod template changes (pinned to the new digest), so the pods roll onto B's image.
    const live = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
    expect(live.spec.template.spec.containers[0].image).toBe(
      `${env.BND_REGISTRY}/${testRepository}:${branch}@${second.outputs.digest}`
    )
    expect(live.spec.template.metadata.annotations['build-and-deploy/commit']).toBe(b)
    expect(JSON.parse(second.outputs.resources).find((r: any) => r.kind === 'Deployment')).toMatchObject({
      action: 'configured',
      rollout: 'succeeded'
    })

    const rerun = await runAction(inputs, { sha: b, extraEnv })
    expect(rerun.code).toBe(0)
    expect(rerun.stdout).toContain(
      `skip-existing: not rebuilding: tag ${branch} exists and its org.opencontainers.image.revision label is this commit.`
    )
    expect(rerun.stdout).not.toContain('docker build')
    expect(rerun.outputs.digest).toBe(second.outputs.digest)
    expect(rerun.summary).toContain('reused (tag existed)')
    expect(JSON.parse(rerun.outputs.resources).find((r: any) => r.kind === 'Deployment').action).toBe('unchanged')
  }, 300_000)
})
