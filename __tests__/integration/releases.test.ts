// Release records (issue 21.1, 21.3): each deploy that succeeded or was rolled back leaves a Secret with what it
// applied, history-max of them are kept, and mode history lists them.
import { describe, expect, it } from '@jest/globals'
import { gunzipSync } from 'node:zlib'
import {
  deployInputs,
  env,
  kubectl,
  kubectlJson,
  liveImage,
  manifestCopy,
  namespacesForThisFile,
  randomSha,
  runAction,
  testRepository
} from './harness.js'

const ns = namespacesForThisFile()

/** The manifests with a Secret beside the app, and the app's ConfigMap greeting set. */
const manifestsWith = (greeting: string, secretValue: string, fault?: string) =>
  manifestCopy('app.yaml', text => {
    let edited = text.replace('GREETING: hello', `GREETING: ${greeting}`)
    if (fault)
      edited = edited.replace('labels: {app: web}\n    spec:', `labels: {app: web, bnd.dev/fault: ${fault}}\n    spec:`)
    return `${edited}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: web-secret\nstringData:\n  token: ${secretValue}\n`
  })

async function releaseSecrets(namespace: string): Promise<any[]> {
  const list = await kubectlJson([
    '-n',
    namespace,
    'get',
    'secrets',
    '-l',
    'build-and-deploy/release=deploy',
    '-o',
    'json'
  ])
  return list.items.sort(
    (a: any, b: any) =>
      Number(a.metadata.labels['build-and-deploy/release-number']) -
      Number(b.metadata.labels['build-and-deploy/release-number'])
  )
}

const decoded = (secret: any) => JSON.parse(gunzipSync(Buffer.from(secret.data.release, 'base64')).toString('utf8'))

describe('release records', () => {
  it('records each release with its objects (Secret values as hashes only), keeps history-max, and lists them in mode history', async () => {
    const namespace = ns('releases')
    const canary = `tok-${randomSha().slice(0, 20)}`
    const inputs = (greeting: string, extra: Record<string, string> = {}, fault?: string) =>
      deployInputs(namespace, { manifests: manifestsWith(greeting, canary, fault), 'history-max': '2', ...extra })

    const a = randomSha()
    const first = await runAction(inputs('hello'), { sha: a, secrets: [canary] })
    expect(first.code).toBe(0)
    expect(first.outputs.release).toBe('1')
    expect(first.stdout).toContain(`Recorded release 1 of deploy in ${namespace} (succeeded; history-max 2).`)
    const [one] = await releaseSecrets(namespace)
    expect(one.metadata.name).toBe('build-and-deploy.release.deploy.v1')
    expect(one.type).toBe('build-and-deploy/release.v1')
    const record = decoded(one)
    expect(record).toMatchObject({ number: 1, commit: a, result: 'succeeded', actor: 'octo-tester' })
    expect(record.images[0]).toContain(`:${a}`)
    expect(record.objects.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining(['ConfigMap/web-config', 'Deployment/web', 'Service/web', 'Secret/web-secret'])
    )
    const secret = record.objects.find((o: any) => o.kind === 'Secret')
    expect(secret.secretHashes.token).toMatch(/^sha256:[0-9a-f]{64}$/)
    // Neither the value nor its base64 anywhere in the record.
    const text = JSON.stringify(record)
    expect(text).not.toContain(canary)
    expect(text).not.toContain(Buffer.from(canary).toString('base64'))

    const b = randomSha()
    const second = await runAction(inputs('bonjour'), { sha: b, secrets: [canary] })
    expect(second.code).toBe(0)
    expect(second.outputs.release).toBe('2')
    expect(decoded((await releaseSecrets(namespace))[1]).changes).toEqual(
      expect.arrayContaining([
        { kind: 'ConfigMap', namespace, name: 'web-config', action: 'configured' },
        { kind: 'Deployment', namespace, name: 'web', action: 'configured' }
      ])
    )

    // A release that fails and is rolled back is recorded as such; history-max 2 drops release 1.
    const bad = await runAction(inputs('hallo', {}, 'crashloop'), { sha: randomSha(), secrets: [canary] })
    expect(bad.code).toBe(1)
    expect(bad.outputs.result).toBe('rolled-back')
    expect(bad.outputs.release).toBe('3')
    const kept = await releaseSecrets(namespace)
    expect(kept.map((s: any) => s.metadata.name)).toEqual([
      'build-and-deploy.release.deploy.v2',
      'build-and-deploy.release.deploy.v3'
    ])
    expect(kept[1].metadata.labels['build-and-deploy/release-result']).toBe('rolled-back')

    const history = await runAction(
      deployInputs(namespace, { mode: 'history', manifests: manifestsWith('x', canary) }),
      {
        sha: b,
        secrets: [canary]
      }
    )
    expect(history.code).toBe(0)
    const lines = history.stdout.split('\n')
    const heading = lines.findIndex(line => line === `Releases of deploy (namespace ${namespace}):`)
    expect(heading).toBeGreaterThanOrEqual(0)
    expect(lines[heading + 2]).toMatch(/^ {2}3 +[0-9a-f]{7} +rolled-back /)
    expect(lines[heading + 3]).toMatch(
      new RegExp(`^ {2}2 +${b.slice(0, 7)} +succeeded .*web:${b.slice(0, 7)} +2 configured`)
    )
    expect(history.summary).toContain('### Releases')
    const releases = JSON.parse(history.outputs.releases)
    expect(releases.map((r: any) => r.number)).toEqual([2, 3])
    expect(releases[0]).not.toHaveProperty('objects')

    // history-max 0: nothing recorded, nothing deleted.
    const none = await runAction(inputs('hej', { 'history-max': '0' }), { sha: randomSha(), secrets: [canary] })
    expect(none.code).toBe(0)
    expect(none.outputs.release).toBeUndefined()
    expect((await releaseSecrets(namespace)).length).toBe(2)
  }, 300_000)

  it('rolls back a whole release: previous restores the ConfigMap and the image, a 7-character SHA and release-N too', async () => {
    const namespace = ns('whole')
    const canary = `tok-${randomSha().slice(0, 20)}`
    const deploy = (greeting: string) => deployInputs(namespace, { manifests: manifestsWith(greeting, canary) })
    const rollback = (to: string) =>
      deployInputs(namespace, { mode: 'rollback', 'rollback-to': to, manifests: manifestsWith('ignored', canary) })
    const greeting = async () =>
      (await kubectlJson(['-n', namespace, 'get', 'configmap', 'web-config', '-o', 'json'])).data.GREETING
    const [a, b] = [randomSha(), randomSha()]
    expect((await runAction(deploy('hello'), { sha: a, secrets: [canary] })).code).toBe(0)
    expect((await runAction(deploy('bonjour'), { sha: b, secrets: [canary] })).code).toBe(0)
    expect(await greeting()).toBe('bonjour')

    // A per-workload undo would bring A's image back beside B's ConfigMap; the release brings both.
    const previous = await runAction(rollback('previous'), { sha: b, secrets: [canary] })
    expect(previous.code).toBe(0)
    expect(previous.stdout).toContain(`rollback-to previous: release 1 (commit ${a.slice(0, 12)}`)
    expect(previous.stdout).toContain('secret/web-secret: holds what release 1 had (same value hashes); left as it is.')
    expect(await greeting()).toBe('hello')
    expect(await liveImage(namespace)).toBe(`${env.BND_REGISTRY}/${testRepository}:${a}`)
    expect(previous.outputs.release).toBe('3')
    expect(decoded((await releaseSecrets(namespace))[2])).toMatchObject({ number: 3, commit: a, result: 'succeeded' })

    // By a 7-character SHA, after the Secret was changed by hand: B's set comes back, the Secret is left and said so.
    await kubectl([
      '-n',
      namespace,
      'patch',
      'secret',
      'web-secret',
      '-p',
      '{"stringData":{"token":"changed-by-hand"}}'
    ])
    const bySha = await runAction(rollback(b.slice(0, 7)), { sha: a, secrets: [canary] })
    expect(bySha.code).toBe(0)
    expect(bySha.stdout).toContain(`rollback-to ${b.slice(0, 7)}: commit ${b}, release 2`)
    expect(bySha.stdout).toContain(
      'secret/web-secret: not restored: it differs from release 2, and the record keeps only hashes of its values; left as it is.'
    )
    expect(await greeting()).toBe('bonjour')
    expect(await liveImage(namespace)).toBe(`${env.BND_REGISTRY}/${testRepository}:${b}`)

    // release-4 is what runs: nothing rolls, nothing changes.
    const same = await runAction(rollback('release-4'), { sha: a, secrets: [canary] })
    expect(same.code).toBe(0)
    const resources = JSON.parse(same.outputs.resources)
    expect(resources.find((r: any) => r.kind === 'Deployment').action).toBe('unchanged')
    expect(resources.find((r: any) => r.kind === 'ConfigMap').action).toBe('unchanged')

    const unknown = await runAction(rollback('release-9'), { sha: a, secrets: [canary] })
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toContain('rollback-to release-9: no such release of deploy; kept: 1, 2, 3, 4, 5.')
  }, 300_000)

  it('with prune, a plan lists the prune candidates, and a whole-release rollback brings back what the release had', async () => {
    const namespace = ns('prune')
    const withExtra = (name: string) =>
      manifestCopy(
        'app.yaml',
        text => `${text}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata: {k: v}\n`
      )
    const inputs = (name: string, extra: Record<string, string> = {}) =>
      deployInputs(namespace, { manifests: withExtra(name), prune: 'true', ...extra })
    const configMaps = async () =>
      (await kubectlJson(['-n', namespace, 'get', 'configmaps'])).items
        .map((c: any) => c.metadata.name)
        .filter((n: string) => n.startsWith('extra-'))
    expect((await runAction(inputs('extra-a'), { sha: randomSha() })).code).toBe(0)
    expect((await runAction(inputs('extra-b'), { sha: randomSha() })).code).toBe(0)
    expect(await configMaps()).toEqual(['extra-b'])

    const plan = await runAction(
      inputs('extra-a', { mode: 'plan', 'registry-username': '', 'registry-password': '' }),
      {
        sha: randomSha()
      }
    )
    expect(plan.code).toBe(0)
    expect(plan.summary).toContain('| Would create | ConfigMap/extra-a |')
    expect(plan.summary).toContain('| Would prune | ConfigMap/extra-b |')
    expect(await configMaps()).toEqual(['extra-b'])

    const back = await runAction(inputs('ignored', { mode: 'rollback', 'rollback-to': 'previous' }), {
      sha: randomSha()
    })
    expect(back.code).toBe(0)
    expect(back.stdout).toContain('rollback-to previous: release 1')
    expect(await configMaps()).toEqual(['extra-a'])
  }, 300_000)
})
