import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  deployInputs,
  env,
  liveImage,
  namespaceExists,
  namespacesForThisFile,
  randomSha,
  runAction,
  snapshot,
  testRepository
} from './harness.js'

const ns = namespacesForThisFile()

/** A key pair of this file's own, made by the real cosign (offline: no transparency log). */
let keys: { dir: string; privateKey: string; publicKey: string; password: string }
beforeAll(() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-cosign-'))
  const password = `pw-${randomSha().slice(0, 12)}`
  execFileSync('cosign', ['generate-key-pair'], {
    cwd: dir,
    env: { PATH: env.PATH, HOME: dir, COSIGN_PASSWORD: password },
    stdio: 'ignore'
  })
  keys = {
    dir,
    password,
    privateKey: readFileSync(path.join(dir, 'cosign.key'), 'utf8'),
    publicKey: readFileSync(path.join(dir, 'cosign.pub'), 'utf8')
  }
})
afterAll(() => rmSync(keys.dir, { recursive: true, force: true }))

const keyLines = (): string[] => [
  keys.password,
  ...keys.privateKey.split('\n').filter(l => l.length >= 16 && !l.startsWith('-'))
]

describe('sign and verify-signature with cosign (issue 22.4)', () => {
  it('signs what it builds and deploys it verified; refuses an unsigned digest in apply and in rollback, changing nothing', async () => {
    const namespace = ns('signed')
    const offline = { 'transparency-log': 'false', 'verify-signature': keys.publicKey }
    const signing = { sign: 'cosign', 'cosign-key': keys.privateKey, 'cosign-password': keys.password }
    const signed = randomSha()
    const run = await runAction(deployInputs(namespace, { ...offline, ...signing }), {
      sha: signed,
      secrets: keyLines()
    })
    expect(run.code).toBe(0)
    const reference = `${env.BND_REGISTRY}/${testRepository}@${run.outputs.digest}`
    expect(run.stdout).toContain(`Signed ${reference} with cosign (cosign-key, not in the transparency log).`)
    expect(run.stdout).toContain(`Signature of ${reference} verified (by the verify-signature key).`)
    expect(run.summary).toContain('| built, signed, signature verified |')
    expect(await liveImage(namespace)).toBe(`${env.BND_REGISTRY}/${testRepository}:${signed}`)

    // The same commit again: skip-existing reuses it, and as it verifies, it is not signed again.
    const rerun = await runAction(deployInputs(namespace, { ...offline, ...signing }), {
      sha: signed,
      secrets: keyLines()
    })
    expect(rerun.code).toBe(0)
    expect(rerun.stdout).not.toContain('Signed ')
    expect(rerun.summary).toContain('| reused (tag existed), signature verified |')

    // Built and pushed without signing (into another namespace), then asked for here.
    const unsigned = randomSha()
    expect((await runAction(deployInputs(ns('unsigned')), { sha: unsigned })).code).toBe(0)
    const before = await snapshot(namespace)
    // With sign set too: an image found in the registry is verified, never signed, so it cannot sign itself in.
    const apply = await runAction(deployInputs(namespace, { ...offline, ...signing, mode: 'apply' }), {
      sha: unsigned,
      secrets: keyLines()
    })
    expect(apply.code).toBe(1)
    expect(apply.stdout).toMatch(
      new RegExp(
        `::error::${env.BND_REGISTRY.replace(/\./g, '\\.')}/${testRepository}@sha256:[0-9a-f]{64} has no signature that verify-signature accepts, so it is not deployed: no signatures found`
      )
    )
    const rollback = await runAction(
      deployInputs(namespace, { ...offline, mode: 'rollback', 'rollback-to': unsigned }),
      {
        sha: signed
      }
    )
    expect(rollback.code).toBe(1)
    expect(rollback.stdout).toContain('has no signature that verify-signature accepts')
    expect(apply.stdout).not.toContain('Signed ')
    expect(await snapshot(namespace)).toEqual(before)
    expect(await liveImage(namespace)).toBe(`${env.BND_REGISTRY}/${testRepository}:${signed}`)
  }, 300_000)

  it('fails before deploying when the key password is wrong, without printing either', async () => {
    const namespace = ns('badpass')
    const wrong = `wrong-${randomSha().slice(0, 12)}`
    const run = await runAction(
      deployInputs(namespace, {
        'transparency-log': 'false',
        sign: 'cosign',
        'cosign-key': keys.privateKey,
        'cosign-password': wrong
      }),
      { sha: randomSha(), secrets: [...keyLines(), wrong] }
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/cosign sign \S+@sha256:[0-9a-f]{64} failed: .*decryption failed/)
    expect(await namespaceExists(namespace)).toBe(false)
  }, 300_000)
})
