import { afterAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { RegistryClient } from '../../src/build/registry.js'
import {
  deployInputs,
  env,
  namespaceExists,
  namespacesForThisFile,
  randomSha,
  runAction,
  testRepository,
  uniqueName
} from './harness.js'

const ns = namespacesForThisFile()
const dirs: string[] = []
afterAll(() => dirs.forEach(dir => rmSync(dir, { recursive: true, force: true })))

/**
 * A Docker config whose only login is a credential helper of this test's own (as gcloud, ECR and ACR set one up):
 * `docker-credential-<name>` answers get (and list, which the docker CLI asks a credsStore on build) for the
 * local registry from a 0600 file, logging each call.
 */
function helperLogin(name: string, setting: 'credHelpers' | 'credsStore', password?: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-helper-'))
  dirs.push(dir)
  const answer = path.join(dir, 'answer.json')
  writeFileSync(
    answer,
    JSON.stringify({ ServerURL: env.BND_REGISTRY, Username: env.BND_REGISTRY_USER, Secret: password }),
    {
      mode: 0o600
    }
  )
  const calls = path.join(dir, 'calls.log')
  const helper = path.join(dir, `docker-credential-${name}`)
  writeFileSync(
    helper,
    [
      '#!/bin/sh',
      `if [ "$1" = list ]; then echo '{"${env.BND_REGISTRY}":"${env.BND_REGISTRY_USER}"}'; exit 0; fi`,
      'read -r server',
      `echo "$1 $server" >> '${calls}'`,
      password === undefined
        ? ''
        : `if [ "$1" = get ] && [ "$server" = '${env.BND_REGISTRY}' ]; then cat '${answer}'; exit 0; fi`,
      'echo "credentials not found in native keychain"; exit 1',
      ''
    ].join('\n')
  )
  chmodSync(helper, 0o755)
  const config = setting === 'credHelpers' ? { credHelpers: { [env.BND_REGISTRY]: name } } : { credsStore: name }
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config))
  return {
    extraEnv: { DOCKER_CONFIG: dir, PATH: `${dir}:${env.PATH}` },
    calls: (): string[] => readFileSync(calls, 'utf8').trim().split('\n')
  }
}

/** No registry-username: the Docker config's login is the only one. */
const withoutInputs = { 'registry-username': '', 'registry-password': '' }

describe('registry credentials from Docker credential helpers (issue 22.5)', () => {
  it('builds and pushes, reuses the tag and moves another onto it, with a credHelpers helper only', async () => {
    const namespace = ns('credhelper')
    const login = helperLogin('bndtest', 'credHelpers', env.BND_REGISTRY_PASSWORD)
    const sha = randomSha()
    const extra = uniqueName('helper')
    const inputs = deployInputs(namespace, { ...withoutInputs, 'skip-existing': 'true', 'extra-tags': extra })

    // The docker CLI pushes with the helper's answer; the action reads the registry (skip-existing) with it too.
    const built = await runAction(inputs, { sha, extraEnv: login.extraEnv })
    expect(built.code).toBe(0)
    expect(built.stdout).toContain('docker build')
    expect(built.stdout).not.toContain('docker login')
    expect(login.calls()).toContain(`get ${env.BND_REGISTRY}`)

    const moved = uniqueName('moved')
    const reused = await runAction({ ...inputs, 'extra-tags': moved }, { sha, extraEnv: login.extraEnv })
    expect(reused.code).toBe(0)
    expect(reused.stdout).toContain('skip-existing: not rebuilding')
    expect(reused.stdout).not.toContain('docker build')
    expect(reused.stdout).toContain(`Tagged ${env.BND_REGISTRY}/${testRepository}:${moved} → ${built.outputs.digest}`)

    const registry = new RegistryClient(env.BND_REGISTRY, {
      username: env.BND_REGISTRY_USER,
      password: env.BND_REGISTRY_PASSWORD
    })
    for (const tag of [sha, extra, moved])
      expect(await registry.manifestDigest(testRepository, tag)).toBe(built.outputs.digest)
  }, 300_000)

  it('refuses before any build or cluster change when the credsStore helper gives a wrong password', async () => {
    const namespace = ns('credbad')
    const wrong = `wrong-${randomSha().slice(0, 16)}`
    const login = helperLogin('bndstale', 'credsStore', wrong)
    const run = await runAction(deployInputs(namespace, { ...withoutInputs, 'skip-existing': 'true' }), {
      sha: randomSha(),
      extraEnv: login.extraEnv,
      secrets: [wrong]
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `Registry ${env.BND_REGISTRY} rejected the credentials of '${env.BND_REGISTRY_USER}' from docker-credential-bndstale (HTTP 401): log in again, or set registry-username and registry-password.`
    )
    expect(run.stdout).not.toContain('docker build')
    expect(login.calls()).toEqual([`get ${env.BND_REGISTRY}`])
    expect(await namespaceExists(namespace)).toBe(false)
  }, 120_000)

  it('says which helper had no login when the registry then refuses anonymous access', async () => {
    const namespace = ns('crednone')
    const login = helperLogin('bndempty', 'credsStore')
    const run = await runAction(deployInputs(namespace, { ...withoutInputs, 'skip-existing': 'true' }), {
      sha: randomSha(),
      extraEnv: login.extraEnv
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `Registry ${env.BND_REGISTRY} requires credentials (docker-credential-bndempty has no login for ${env.BND_REGISTRY}): set registry-username and registry-password.`
    )
    expect(run.stdout).not.toContain('docker build')
    expect(await namespaceExists(namespace)).toBe(false)
  }, 120_000)
})
