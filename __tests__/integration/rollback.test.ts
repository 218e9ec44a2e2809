import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import {
  deployInputs,
  env,
  kubectl,
  kubectlJson,
  liveImage,
  manifestCopy,
  namespacedDeployer,
  namespaceExists,
  namespacesForThisFile,
  randomSha,
  runAction,
  testRepository
} from './harness.js'

const ns = namespacesForThisFile()

const withStrategy = (text: string): string =>
  text.replace(
    'replicas: 3',
    'replicas: 3\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}'
  )
const withFault =
  (fault: string) =>
  (text: string): string =>
    withStrategy(text).replace(
      'labels: {app: web}\n    spec:',
      `labels: {app: web, bnd.dev/fault: ${fault}}\n    spec:`
    )

/** Records status.availableReplicas on every change of the Deployment, through a watch. */
function sampleAvailability(namespace: string): { samples: number[]; stop: () => void } {
  const samples: number[] = []
  const child = spawn(
    env.BND_KUBECTL,
    ['-n', namespace, 'get', 'deployment', 'web', '--watch', '-o', 'jsonpath={.status.availableReplicas}{"\\n"}'],
    { env: { ...process.env, KUBECONFIG: env.KUBECONFIG } }
  )
  let buffered = ''
  child.stdout.on('data', chunk => {
    buffered += chunk
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) samples.push(Number(line || 0))
  })
  return { samples, stop: () => child.kill() }
}

describe('automatic rollback', () => {
  it.each([['crashloop'], ['never-ready']])(
    'restores the previous SHA after a %s release, never dropping below the replicas',
    async fault => {
      const namespace = ns(`auto-${fault.slice(0, 5)}`)
      const good = randomSha()
      expect(
        (await runAction(deployInputs(namespace, { manifests: manifestCopy('app.yaml', withStrategy) }), { sha: good }))
          .code
      ).toBe(0)
      const sampler = sampleAvailability(namespace)
      const manifests = manifestCopy('app.yaml', text => {
        const faulty = withFault(fault)(text)
        return fault === 'never-ready'
          ? faulty.replace('replicas: 3', 'replicas: 3\n  progressDeadlineSeconds: 5')
          : faulty
      })
      const bad = await runAction(deployInputs(namespace, { manifests }), { sha: randomSha() })
      await new Promise(resolve => setTimeout(resolve, 500))
      sampler.stop()

      expect(bad.code).toBe(1)
      expect(bad.outputs.result).toBe('rolled-back')
      expect(bad.stdout).toContain('Rolled back: deployment/web to revision 1.')
      expect(await liveImage(namespace)).toBe(`${env.BND_REGISTRY}/${testRepository}:${good}`)
      expect(bad.summary).toMatch(/### Rollback completed in \S+/)
      // The revision with what it brings back: the image and the commit.
      expect(bad.summary).toContain(
        `| Deployment/web | revision 1: \`${env.BND_REGISTRY}/${testRepository}:${good.slice(0, 12)}\` (commit \`${good.slice(0, 12)}\`) | succeeded |`
      )
      // maxUnavailable: 0 keeps the old pods available throughout.
      expect(sampler.samples.length).toBeGreaterThan(0)
      expect(Math.min(...sampler.samples)).toBeGreaterThanOrEqual(3)
      // The next deploy is not blocked by the rollback's field ownership.
      const next = await runAction(deployInputs(namespace, { manifests: manifestCopy('app.yaml', withStrategy) }), {
        sha: randomSha()
      })
      expect(next.stderr).toBe('')
      expect(next.code).toBe(0)
    },
    180_000
  )

  it('reports objects it created and deletes them only with rollback-delete-new', async () => {
    const namespace = ns('delnew')
    expect((await runAction(deployInputs(namespace), { sha: randomSha() })).code).toBe(0)
    const extra = (text: string) =>
      withFault('crashloop')(text) + '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: added}\ndata: {a: b}\n'
    const kept = await runAction(deployInputs(namespace, { manifests: manifestCopy('app.yaml', extra) }), {
      sha: randomSha()
    })
    expect(kept.outputs.result).toBe('rolled-back')
    expect(kept.summary).toContain('left in place (rollback-delete-new: false): configmap/added')
    await kubectl(['-n', namespace, 'delete', 'configmap', 'added'])
    const deleted = await runAction(
      deployInputs(namespace, { manifests: manifestCopy('app.yaml', extra), 'rollback-delete-new': 'true' }),
      { sha: randomSha() }
    )
    expect(deleted.outputs.result).toBe('rolled-back')
    expect(deleted.summary).toContain('and deleted again: configmap/added')
    expect(await kubectl(['-n', namespace, 'get', 'configmap', 'added', '--ignore-not-found', '-o', 'name'])).toBe('')
  }, 180_000)
})

describe('automatic rollback of StatefulSets and DaemonSets', () => {
  it('restores both from their ControllerRevisions', async () => {
    const namespace = ns('sts')
    const good = randomSha()
    const inputs = (extra: Record<string, string> = {}) =>
      deployInputs(namespace, { manifests: manifestCopy('db.yaml'), timeout: '90s', ...extra })
    expect((await runAction(inputs(), { sha: good })).code).toBe(0)
    const crashing = manifestCopy('db.yaml', text =>
      text.replaceAll('labels: {app: db}\n    spec:', 'labels: {app: db, bnd.dev/fault: crashloop}\n    spec:')
    )
    const bad = await runAction(inputs({ manifests: crashing }), { sha: randomSha() })
    expect(bad.code).toBe(1)
    expect(bad.outputs.result).toBe('rolled-back')
    expect(bad.stdout).toContain('statefulset/db: rolled back to revision 1')
    expect(bad.stdout).toContain('daemonset/agent: rolled back to revision 1')
    const expected = `${env.BND_REGISTRY}/${testRepository}:${good}`
    for (const kind of ['statefulset/db', 'daemonset/agent']) {
      expect((await kubectlJson(['-n', namespace, 'get', kind])).spec.template.spec.containers[0].image).toBe(expected)
    }
    // History reads ControllerRevisions: the live revision is the restored one.
    const history = await runAction(inputs({ mode: 'history' }), { sha: good })
    const rows = JSON.parse(history.outputs.history)
    expect(rows.map((h: any) => [h.workload.kind, h.rows.find((r: any) => r.live).commit])).toEqual([
      ['StatefulSet', good],
      ['DaemonSet', good]
    ])
  }, 180_000)
})

describe('mode rollback and history', () => {
  it('goes back one revision, to a revision number, and to a commit SHA without rebuilding', async () => {
    const namespace = ns('manual')
    const [first, second] = [randomSha(), randomSha()]
    for (const sha of [first, second]) expect((await runAction(deployInputs(namespace), { sha })).code).toBe(0)
    const image = (sha: string) => `${env.BND_REGISTRY}/${testRepository}:${sha}`

    const history = await runAction(deployInputs(namespace, { mode: 'history' }), { sha: second })
    expect(history.code).toBe(0)
    const rows = JSON.parse(history.outputs.history)[0].rows
    expect(rows.map((r: any) => [r.revision, r.commit, r.live])).toEqual([
      [2, second, true],
      [1, first, false]
    ])
    expect(history.summary).toContain(`| 2 | \`${second.slice(0, 12)}\` | \`${image(second)}\``)

    const previous = await runAction(deployInputs(namespace, { mode: 'rollback', 'rollback-to': 'previous' }), {
      sha: second
    })
    expect(previous.code).toBe(0)
    expect(await liveImage(namespace)).toBe(image(first))

    // Rolling back renumbers: revision 1 (first) is now revision 3, as with kubectl rollout undo.
    const unknownRevision = await runAction(deployInputs(namespace, { mode: 'rollback', 'rollback-to': '7' }), {
      sha: second
    })
    expect(unknownRevision.code).toBe(1)
    expect(unknownRevision.stdout).toContain('deployment/web has no revision 7 in its history (revisions: 2, 3).')
    expect(
      (await runAction(deployInputs(namespace, { mode: 'rollback', 'rollback-to': '2' }), { sha: second })).code
    ).toBe(0)
    expect(await liveImage(namespace)).toBe(image(second))

    const bySha = await runAction(deployInputs(namespace, { mode: 'rollback', 'rollback-to': first }), { sha: second })
    expect(bySha.code).toBe(0)
    expect(bySha.stdout).not.toContain('docker build')
    expect(await liveImage(namespace)).toBe(image(first))

    const unknown = randomSha()
    const missing = await runAction(deployInputs(namespace, { mode: 'rollback', 'rollback-to': unknown }), {
      sha: second
    })
    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain(`${image(unknown)} is not in the registry`)
  }, 240_000)

  it('goes back to a commit named by a 7-character prefix, found in the history, and says what is live', async () => {
    const namespace = ns('prefix')
    // Digits alone, as one short SHA in 27 is: a commit, not revision 4417563.
    const first = String(1_000_000 + Math.floor(Math.random() * 9_000_000)) + randomSha().slice(7)
    let second = randomSha()
    while (second.startsWith(first.slice(0, 7))) second = randomSha()
    for (const sha of [first, second]) expect((await runAction(deployInputs(namespace), { sha })).code).toBe(0)
    const image = (sha: string) => `${env.BND_REGISTRY}/${testRepository}:${sha}`

    const byPrefix = await runAction(deployInputs(namespace, { mode: 'rollback', 'rollback-to': first.slice(0, 7) }), {
      sha: second
    })
    expect(byPrefix.code).toBe(0)
    expect(byPrefix.stdout).toContain(`rollback-to ${first.slice(0, 7)}: commit ${first}`)
    expect(byPrefix.stdout).not.toContain('docker build')
    expect(await liveImage(namespace)).toBe(image(first))
    expect(byPrefix.stdout).toContain(
      `deployment/web: live revision 3, image ${image(first)}, commit ${first.slice(0, 12)}`
    )
    expect(byPrefix.summary).toContain(`| deployment/web | 3 | \`${image(first)}\` | \`${first.slice(0, 12)}\` |`)
    expect(byPrefix.stdout.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(
        `^build-and-deploy rollback: succeeded in \\S+ — live: deployment/web at revision 3 \\(commit ${first.slice(0, 7)}\\)$`
      )
    )

    // mode history prints its table to the log, narrow: short commits and images, no change-cause.
    const history = await runAction(deployInputs(namespace, { mode: 'history' }), { sha: second })
    expect(history.code).toBe(0)
    // The workload's table, up to the releases' (listed after it).
    const lines = history.stdout.split('\n')
    const table = lines
      .slice(
        0,
        lines.findIndex(line => line.startsWith('Releases of'))
      )
      .filter(line => line.startsWith('History of') || line.startsWith('  '))
    expect(table[0]).toBe(`History of deployment/web (namespace ${namespace}):`)
    expect(table[1]).toMatch(/^ {2}REVISION {2}COMMIT {3}IMAGE +CREATED$/)
    expect(table[2]).toMatch(
      new RegExp(
        `^ {2}3 +${first.slice(0, 7)} {2}web:${first.slice(0, 7)} {2}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d {2}live$`
      )
    )
    expect(table[3]).toMatch(new RegExp(`^ {2}2 +${second.slice(0, 7)} {2}web:${second.slice(0, 7)} {2}\\d{4}-`))
    expect(Math.max(...table.map(line => line.length))).toBeLessThan(80)

    const unknown = [...'abcdef'].map(d => d.repeat(7)).find(p => !first.startsWith(p) && !second.startsWith(p))!
    const missing = await runAction(deployInputs(namespace, { mode: 'rollback', 'rollback-to': unknown }), {
      sha: second
    })
    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain(
      `rollback-to '${unknown}' matches no commit in the history of deployment/web. Known commits: ${first} (deployment/web revision 3, live), ${second} (deployment/web revision 2)`
    )
    expect(await liveImage(namespace)).toBe(image(first))
  }, 240_000)

  it('refuses a Deployment with no history or a paused one, changing nothing', async () => {
    const namespace = ns('refuse')
    const sha = randomSha()
    expect((await runAction(deployInputs(namespace), { sha })).code).toBe(0)
    const none = await runAction(deployInputs(namespace, { mode: 'rollback' }), { sha })
    expect(none.code).toBe(1)
    expect(none.stdout).toContain('deployment/web has no previous revision to roll back to (no rollout history).')
    expect((await runAction(deployInputs(namespace), { sha: randomSha() })).code).toBe(0)
    await kubectl(['-n', namespace, 'rollout', 'pause', 'deployment/web'])
    const before = await liveImage(namespace)
    const paused = await runAction(deployInputs(namespace, { mode: 'rollback' }), { sha })
    expect(paused.code).toBe(1)
    expect(paused.stdout).toContain(
      'deployment/web is paused; resume it (kubectl rollout resume deployment/web) before rolling back.'
    )
    expect(await liveImage(namespace)).toBe(before)
  }, 180_000)
})

describe('deploy lock', () => {
  const lease = (namespace: string, holder: string, renewed: Date) => `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: build-and-deploy-deploy
  namespace: ${namespace}
  annotations: {build-and-deploy/lock-run-url: 'https://github.com/acme/web/actions/runs/999', build-and-deploy/lock-actor: ${holder}}
spec:
  holderIdentity: ${holder}
  leaseDurationSeconds: 30
  acquireTime: '${renewed.toISOString().replace('Z', '000Z')}'
  renewTime: '${renewed.toISOString().replace('Z', '000Z')}'
`
  const applyLease = async (text: string) => {
    const { writeFileSync, mkdtempSync } = await import('node:fs')
    const dir = mkdtempSync('/tmp/bnd-lease-')
    writeFileSync(`${dir}/lease.yaml`, text)
    await kubectl(['apply', '-f', `${dir}/lease.yaml`])
  }

  it('waits for a held lock, fails naming the holder, and takes over an expired one', async () => {
    const namespace = ns('lock')
    await kubectl(['create', 'namespace', namespace])
    await applyLease(lease(namespace, 'other-run', new Date()))
    const blocked = await runAction(deployInputs(namespace, { 'lock-timeout': '3s' }), { sha: randomSha() })
    expect(blocked.code).toBe(1)
    expect(blocked.stdout).toContain(
      `Deploy lock ${namespace}/build-and-deploy-deploy is held by run https://github.com/acme/web/actions/runs/999, actor other-run`
    )
    expect(await kubectl(['-n', namespace, 'get', 'deployment', '--ignore-not-found', '-o', 'name'])).toBe('')

    await applyLease(lease(namespace, 'gone-run', new Date(Date.now() - 120_000)))
    const takeover = await runAction(deployInputs(namespace), { sha: randomSha() })
    expect(takeover.code).toBe(0)
    expect(takeover.stdout).toContain('Taking over the expired deploy lock')
    expect(await kubectl(['-n', namespace, 'get', 'lease', '--ignore-not-found', '-o', 'name'])).toBe('')
  }, 120_000)

  it('serialises two concurrent runs to one target', async () => {
    const namespace = ns('race')
    expect((await runAction(deployInputs(namespace), { sha: randomSha() })).code).toBe(0)
    const slow = (text: string) =>
      text.replace(
        'labels: {app: web}\n    spec:',
        'labels: {app: web}\n      annotations: {pod-ready.stage.kwok.x-k8s.io/delay: "2s"}\n    spec:'
      )
    const [a, b] = await Promise.all([
      runAction(deployInputs(namespace, { manifests: manifestCopy('app.yaml', slow) }), { sha: randomSha() }),
      runAction(deployInputs(namespace, { manifests: manifestCopy('app.yaml', slow) }), { sha: randomSha() })
    ])
    expect([a.code, b.code]).toEqual([0, 0])
    expect([a.stdout, b.stdout].filter(out => out.includes('Waiting for the deploy lock'))).toHaveLength(1)
    expect(await namespaceExists(namespace)).toBe(true)
  }, 180_000)

  it('a run that waited reads the cluster after the lock: its rollback restores the good revision, not the broken one the other run left', async () => {
    const namespace = ns('race-rb')
    const good = randomSha()
    expect(
      (await runAction(deployInputs(namespace, { manifests: manifestCopy('app.yaml', withStrategy) }), { sha: good }))
        .code
    ).toBe(0)
    const broken = (fault: string, edit = (text: string) => text) =>
      deployInputs(namespace, { manifests: manifestCopy('app.yaml', text => edit(withFault(fault)(text))) })
    const first = randomSha()
    // A fails slowly (its progress deadline), so B, building meanwhile, reaches the lock while A holds it.
    const a = runAction(
      broken('never-ready', text => text.replace('replicas: 3', 'replicas: 3\n  progressDeadlineSeconds: 15')),
      { sha: first }
    )
    // B starts once A holds the lock and its broken template is live: what B reads before the lock is A's release.
    const deadline = Date.now() + 60_000
    while (!(await liveImage(namespace)).endsWith(first)) {
      if (Date.now() > deadline) throw new Error('the first run never applied its template')
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    const b = runAction(broken('crashloop'), { sha: randomSha() })
    const [ra, rb] = await Promise.all([a, b])
    expect([ra.outputs.result, rb.outputs.result]).toEqual(['rolled-back', 'rolled-back'])
    expect(rb.stdout).toContain(`Waiting for the deploy lock ${namespace}/build-and-deploy-deploy`)
    expect(await liveImage(namespace)).toBe(`${env.BND_REGISTRY}/${testRepository}:${good}`)
  }, 240_000)

  it('lives in the namespace of the workloads, so a deployer bound to that namespace alone can take it', async () => {
    const namespace = ns('lock-ns')
    await kubectl(['create', 'namespace', namespace])
    // No namespace in the context and no namespace input: only the manifests say where the app goes.
    const kubeconfig = await namespacedDeployer(
      namespace,
      `[{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]`,
      false
    )
    const placed = manifestCopy('app.yaml', text =>
      text.replaceAll(/^ {2}name: (web|web-config)$/gm, `  name: $1\n  namespace: ${namespace}`)
    )
    const inputs = deployInputs(namespace, { manifests: placed, kubeconfig, 'create-namespace': 'false' })
    delete inputs.namespace
    const run = await runAction(inputs, { sha: randomSha() })
    expect(run.stdout).not.toMatch(/forbidden/i)
    expect(run.code).toBe(0)
    expect(JSON.parse(run.outputs.resources).map((r: any) => r.namespace)).toEqual([namespace, namespace, namespace])
    expect(await kubectl(['-n', namespace, 'get', 'lease', '--ignore-not-found', '-o', 'name'])).toBe('')
    expect(
      await kubectl(['-n', 'default', 'get', 'lease', 'build-and-deploy-deploy', '--ignore-not-found', '-o', 'name'])
    ).toBe('')
  }, 120_000)
})
