/**
 * Canaries planted where credentials live (kubeconfigs that fail to parse, build secrets, a Secret of a release
 * that fails) and looked for by the harness's leak scan (scanForLeaks) in everything the runs leave: the log, the
 * summary, the outputs, the post step's state and RUNNER_TEMP. Every other run of the suite is scanned for the
 * registry password and the cluster's client key the same way.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { deployInputs, env, manifestCopy, namespacesForThisFile, randomSha, runAction } from './harness.js'

const ns = namespacesForThisFile()
const canary = (what: string): string => `canary-${what}-${randomSha().slice(0, 20)}`

describe('the leak scan', () => {
  it.each([
    [
      'a duplicate token key',
      (token: string) =>
        `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: ${token}\n    token: ${token}-again\n`
    ],
    [
      'a tab-indented line',
      (token: string) => `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n\ttoken: ${token}\n`
    ],
    [
      'an unclosed quote',
      (token: string) => `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {token: "${token}\n`
    ]
  ])(
    'a kubeconfig with %s fails without quoting it, as input and as a KUBECONFIG file',
    async (_, kubeconfig) => {
      const token = canary('token')
      const asInput = await runAction(
        { ...deployInputs(ns('leak-kc')), kubeconfig: kubeconfig(token) },
        { sha: randomSha(), secrets: [token] }
      )
      expect(asInput.code).toBe(1)
      expect(asInput.stdout).toMatch(/::error::.*kubeconfig/i)
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bnd-kc-')), 'config')
      writeFileSync(file, kubeconfig(token))
      const asFile = await runAction(deployInputs(ns('leak-kcf')), {
        sha: randomSha(),
        secrets: [token],
        extraEnv: { KUBECONFIG: file }
      })
      expect(asFile.code).toBe(1)
      expect(asFile.stdout).toContain(file)
    },
    120_000
  )

  it('a build secret and the Secret of a release that fails and rolls back stay out of everything', async () => {
    const namespace = ns('leak-rel')
    const buildSecret = canary('build')
    const password = canary('password')
    const withSecret = (text: string) =>
      `${text}---\napiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: ${password}\n  url: postgres://app:${password}@db:5432/app\n`
    const secrets = [buildSecret, password]
    const good = await runAction(
      deployInputs(namespace, {
        manifests: manifestCopy('app.yaml', withSecret),
        'build-secrets': `token=${buildSecret}`
      }),
      { sha: randomSha(), secrets }
    )
    expect(good.code).toBe(0)
    const crashing = (text: string) =>
      withSecret(text).replace(
        'labels: {app: web}\n    spec:',
        'labels: {app: web, bnd.dev/fault: crashloop}\n    spec:'
      )
    const bad = await runAction(
      deployInputs(namespace, {
        manifests: manifestCopy('app.yaml', crashing),
        'build-secrets': `token=${buildSecret}`
      }),
      { sha: randomSha(), secrets }
    )
    expect(bad.outputs.result).toBe('rolled-back')
    // A dry run against the live release, with the password changed and a second Secret new: both diffed, neither shown.
    const changed = canary('changed')
    const dryManifests = (text: string) =>
      withSecret(text).replaceAll(password, changed) +
      `---\napiVersion: v1\nkind: Secret\nmetadata: {name: extra}\nstringData: {key: ${changed}}\n`
    const dry = await runAction(
      deployInputs(namespace, { manifests: manifestCopy('app.yaml', dryManifests), 'dry-run': 'true' }),
      { sha: randomSha(), secrets: [...secrets, changed] }
    )
    expect(dry.code).toBe(0)
    expect(dry.summary).toMatch(/password: \(redacted, \d+ bytes\)/)
    expect(dry.summary).toMatch(/"key":"\(redacted, \d+ bytes\)"/)
    // The scan covered the manifests file the runs left in RUNNER_TEMP.
    expect(readFileSync(good.outputs['manifests-file'], 'utf8')).toContain('kind: Secret')
    expect(env.BND_REGISTRY_PASSWORD.length).toBeGreaterThanOrEqual(8)
  }, 180_000)
})
