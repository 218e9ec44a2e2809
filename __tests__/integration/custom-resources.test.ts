/**
 * The wait on what kubectl's rollout status does not cover, on the real API server: a CRD applied with its
 * custom resources, a stand-in controller (this test, patching the status subresource) that reports late or
 * gives up, a kind whose controller never writes a status, and a PVC of a WaitForFirstConsumer class.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { kubectl, kubectlJson, namespacesForThisFile, randomSha, runAction } from './harness.js'

const ns = namespacesForThisFile()
// Cluster-scoped names of this run, so runs and files never share a CRD or a StorageClass.
const run = randomSha().slice(0, 8)
const group = `bnd${run}.example.com`
const storageClass = `bnd-wffc-${run}`

const crd = (kind: string, plural: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()}}
  versions:
    - name: v1
      served: true
      storage: true
      subresources: {status: {}}
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`
const widget = (name: string, size: number, annotations = '') => `apiVersion: ${group}/v1
kind: Widget
metadata: {name: ${name}${annotations ? `, annotations: {${annotations}}` : ''}}
spec: {size: ${size}}
`
const alertRule = `apiVersion: ${group}/v1
kind: AlertRule
metadata: {name: high-latency}
spec: {expr: "latency > 1"}
`
const manifests = (...documents: string[]): string => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'bnd-cr-')), 'cr.yaml')
  writeFileSync(file, documents.join('---\n'))
  return file
}
const inputs = (namespace: string, file: string, extra: Record<string, string> = {}) => ({
  mode: 'apply',
  manifests: file,
  namespace,
  'create-namespace': 'true',
  timeout: '1m',
  ...extra
})

/** The stand-in controller: once the Widget has `generation`, after `delayMs`, writes `conditions` as its status. */
async function controller(
  namespace: string,
  name: string,
  generation: number,
  delayMs: number,
  conditions: object[]
): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const live = await kubectlJson(['-n', namespace, 'get', `widgets.${group}`, name]).catch(() => undefined)
    if (live?.metadata.generation === generation) break
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  await new Promise(resolve => setTimeout(resolve, delayMs))
  await kubectl([
    '-n',
    namespace,
    'patch',
    `widgets.${group}`,
    name,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: { observedGeneration: generation, conditions } })
  ])
}
const ready = [
  { type: 'Ready', status: 'True', reason: 'Provisioned', message: 'ok', lastTransitionTime: new Date().toISOString() }
]

afterAll(async () => {
  await kubectl(['delete', 'crd', `widgets.${group}`, `alertrules.${group}`, '--ignore-not-found', '--wait=false'])
  await kubectl(['delete', 'storageclass', storageClass, '--ignore-not-found'])
})

describe('the wait on custom resources, CRDs, PVCs and load balancers', () => {
  it('waits for a late controller, then for the new generation, not the old Ready', async () => {
    const namespace = ns('late')
    const sha = randomSha()
    const [first] = await Promise.all([
      runAction(inputs(namespace, manifests(crd('Widget', 'widgets'), widget('w', 1))), { sha }),
      controller(namespace, 'w', 1, 3000, ready)
    ])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/customresourcedefinition\/widgets\.\S+ is established/)
    expect(first.stdout).toMatch(/widget\/w: waiting for its controller to report a status/)
    expect(first.stdout).toMatch(/✓ widget\/w is ready \(([3-9]|\d\d)\.\ds\)/)
    // The live status still says Ready=True of generation 1 when the update lands: that is no proof.
    const [second] = await Promise.all([
      runAction(inputs(namespace, manifests(crd('Widget', 'widgets'), widget('w', 2))), { sha: randomSha() }),
      controller(namespace, 'w', 2, 3000, ready)
    ])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('widget/w: waiting for its controller to observe generation 2')
    expect(second.stdout).toMatch(/✓ widget\/w is ready \(([3-9]|\d\d)\.\ds\)/)
  }, 120_000)

  it('fails at once on Stalled, naming its reason and message, and skips an object annotated out', async () => {
    const namespace = ns('stalled')
    const stalled = [
      {
        type: 'Stalled',
        status: 'True',
        reason: 'InvalidSpec',
        message: 'size must be at most 10',
        lastTransitionTime: new Date().toISOString()
      }
    ]
    const file = manifests(
      crd('Widget', 'widgets'),
      widget('big', 99),
      widget('ignored', 1, 'build-and-deploy/wait: skip')
    )
    const started = Date.now()
    const [result] = await Promise.all([
      runAction(inputs(namespace, file), { sha: randomSha() }),
      controller(namespace, 'big', 1, 1000, stalled)
    ])
    expect(result.code).toBe(1)
    expect(Date.now() - started).toBeLessThan(45_000)
    expect(result.stdout).toContain('widget/big is stalled: InvalidSpec: size must be at most 10')
    expect(result.stdout).not.toMatch(/widget\/ignored[: ](?!\()/)
    const resources = JSON.parse(result.outputs.resources)
    expect(resources.find((r: any) => r.name === 'big').rollout).toBe('failed')
    expect(resources.find((r: any) => r.name === 'ignored').rollout).toBeUndefined()
  }, 120_000)

  it('counts a kind that never reports a status as ready after a grace, and says so; off with the input', async () => {
    const namespace = ns('nostatus')
    const file = manifests(crd('AlertRule', 'alertrules'), alertRule)
    const result = await runAction(inputs(namespace, file), { sha: randomSha() })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/✓ alertrule\/high-latency: no status reported \([5-9]\.\ds\)/)
    expect(result.summary).toMatch(/AlertRule\/high-latency \|.*\(no status reported\) \| succeeded/)
    const off = await runAction(inputs(namespace, file, { 'wait-for-custom-resources': 'false' }), { sha: randomSha() })
    expect(off.code).toBe(0)
    expect(off.stdout).not.toMatch(/alertrule\/high-latency: (waiting|no status)/)
  }, 120_000)

  it('takes a PVC of a WaitForFirstConsumer class as ready, and waits on one of an Immediate class', async () => {
    const namespace = ns('pvc')
    await kubectl([
      'apply',
      '-f',
      manifests(
        `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: ${storageClass}}\nprovisioner: example.com/none\nvolumeBindingMode: WaitForFirstConsumer\n`
      )
    ])
    const claim = (name: string, className: string) =>
      `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${name}}\nspec: {storageClassName: ${className}, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n`
    const waiting = await runAction(inputs(namespace, manifests(claim('data', storageClass))), { sha: randomSha() })
    expect(waiting.code).toBe(0)
    expect(waiting.stdout).toContain('persistentvolumeclaim/data waits for its first consumer (WaitForFirstConsumer)')
    // No class of that name: nothing will bind it, and the timeout says what it waited for.
    const unbound = await runAction(inputs(namespace, manifests(claim('orphan', 'no-such-class')), { timeout: '5s' }), {
      sha: randomSha()
    })
    expect(unbound.code).toBe(1)
    expect(unbound.stdout).toMatch(/timed out after 5\.0s: persistentvolumeclaim\/orphan: Pending, not bound yet/)
  }, 120_000)

  it("waits for a LoadBalancer Service's address when asked, and not otherwise", async () => {
    const namespace = ns('lb')
    const service = manifests(
      'apiVersion: v1\nkind: Service\nmetadata: {name: front}\nspec: {type: LoadBalancer, selector: {app: front}, ports: [{port: 80}]}\n'
    )
    const plain = await runAction(inputs(namespace, service), { sha: randomSha() })
    expect(plain.code).toBe(0)
    expect(plain.stdout).not.toMatch(/service\/front: waiting/)
    // The stand-in load-balancer controller publishes an address after 5 s, well after the wait began.
    const publish = (async () => {
      await new Promise(resolve => setTimeout(resolve, 5000))
      await kubectl([
        '-n',
        namespace,
        'patch',
        'service',
        'front',
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"}]}}}'
      ])
    })()
    const [asked] = await Promise.all([
      runAction(inputs(namespace, service, { 'wait-for-load-balancers': 'true' }), { sha: randomSha() }),
      publish
    ])
    expect(asked.code).toBe(0)
    expect(asked.stdout).toContain('service/front: waiting for a load balancer address')
    expect(asked.stdout).toMatch(/✓ service\/front has its address 203\.0\.113\.7/)
  }, 120_000)
})
