import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildEnv } from '../../src/build/docker.js'
import { childEnv } from '../../src/process/child-env.js'
import { resolveKubeTarget } from '../../src/kube/kubeconfig.js'
import { verifyCommand } from '../../src/strategies/gate.js'

// What the runner sets for this step's inputs; real child processes below must not see them.
const planted = {
  'INPUT_REGISTRY-PASSWORD': 'canary-pw-4711',
  'INPUT_GITHUB-TOKEN': 'canary-gh-4711',
  INPUT_KUBECONFIG: 'canary-kc-4711'
}

describe('child processes never inherit the step inputs', () => {
  beforeEach(() => {
    Object.assign(process.env, planted)
  })
  afterEach(() => {
    for (const name of Object.keys(planted)) delete process.env[name]
  })

  it('childEnv drops INPUT_* whatever its case, keeps the rest, adds the extras', () => {
    const env = childEnv(
      { BND_COLOUR: 'blue' },
      { PATH: '/bin', INPUT_X: 'a', input_y: 'b', 'INPUT_REGISTRY-PASSWORD': 'pw', RUNNER_TEMP: '/t' }
    )
    expect(env).toEqual({ PATH: '/bin', RUNNER_TEMP: '/t', BND_COLOUR: 'blue' })
  })

  it('the docker build environment', () => {
    const env = buildEnv({ kind: 'buildkit', clientVersion: '20.10' })
    expect(env.DOCKER_BUILDKIT).toBe('1')
    expect(Object.keys(env).filter(name => name.startsWith('INPUT_'))).toEqual([])
    expect(env.PATH).toBe(process.env.PATH)
  })

  it('the verify command (a real process)', async () => {
    await expect(
      verifyCommand(['sh', '-c', 'env | grep -q "^INPUT_" && exit 1; test "$BND_COLOUR" = green'], 5000, 'green')
    ).resolves.toBeUndefined()
  })

  it("an exec credential plugin (a real process, through client-node's runner)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plugin-'))
    const plugin = path.join(dir, 'plugin.sh')
    // Its token says whether any input reached it with a value, and that its own variable did.
    writeFileSync(
      plugin,
      '#!/bin/sh\nif env | grep -q "^INPUT_[^=]*=."; then t=leaked; else t=clean-$OWN; fi\nprintf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\' "$t"\n',
      { mode: 0o755 }
    )
    const kubeconfig = `apiVersion: v1
kind: Config
current-context: one
clusters: [{name: c1, cluster: {server: 'https://127.0.0.1:6443'}}]
users: [{name: u1, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, env: [{name: OWN, value: mine}], interactiveMode: Never}}}]
contexts: [{name: one, context: {cluster: c1, user: u1}}]
`
    const target = resolveKubeTarget({ kubeconfig }, { HOME: dir })
    expect(await target.authenticate()).toEqual({ Authorization: 'Bearer clean-mine' })
  })
})
