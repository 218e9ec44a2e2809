// 5c. Strategies: blue-green's time from the new colour ready to the Service switched.
import { deployment, freshNamespace, kubectl, watchObjects, writeManifest } from './cluster.ts'
import { action, median, randomSha, round, runs } from './measure.ts'

/**
 * strategy blue-green, 3 replicas behind one Service: the bench's own watches time the new colour's Deployment
 * meeting kubectl's completion rule (at a generation past the one before the run) and the Service's selector
 * turning to that colour. The action's verify gate is off, so this is the action's own latency.
 */
export async function benchBlueGreenSwitch() {
  const namespace = freshNamespace('bluegreen')
  const written =
    deployment('web', 3) +
    '---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n'
  const dir = writeManifest(written)
  const inputs = (tag: number) => ({
    mode: 'apply',
    strategy: 'blue-green',
    manifests: dir,
    images: `bench/app=bench/app:${tag}`,
    namespace,
    timeout: '2m'
  })
  const first = await action(inputs(0), randomSha())
  if (first.code !== 0) throw new Error(first.output.slice(-2000))
  const readyToSwitched: number[] = []
  const total: number[] = []
  for (let i = 1; i <= runs; i++) {
    const live = JSON.parse(kubectl(['-n', namespace, 'get', 'service', 'web', '-o', 'json'])).spec.selector[
      'build-and-deploy/colour'
    ]
    const next = live === 'blue' ? 'green' : 'blue'
    const before = kubectl([
      '-n',
      namespace,
      'get',
      'deployment',
      `web-${next}`,
      '--ignore-not-found',
      '-o',
      'jsonpath={.metadata.generation}'
    ])
    const startGeneration = Number(before || 0)
    // The whole list: kubectl's watch of one name ends at once when that Deployment does not exist yet.
    const deployments = watchObjects(['-n', namespace, 'get', 'deployments'])
    const services = watchObjects(['-n', namespace, 'get', 'service', 'web'])
    await new Promise(resolve => setTimeout(resolve, 300))
    const run = await action(inputs(i), randomSha())
    await new Promise(resolve => setTimeout(resolve, 300))
    deployments.stop()
    services.stop()
    if (run.code !== 0) throw new Error(run.output.slice(-2000))
    const ready = deployments.seen.find(({ object: d }) => {
      const n = (v: unknown) => Number(v ?? 0)
      return (
        d.metadata.name === `web-${next}` &&
        n(d.metadata.generation) > startGeneration &&
        n(d.status?.observedGeneration) >= n(d.metadata.generation) &&
        n(d.status?.updatedReplicas) >= n(d.spec.replicas) &&
        n(d.status?.replicas) <= n(d.status?.updatedReplicas) &&
        n(d.status?.availableReplicas) >= n(d.status?.updatedReplicas)
      )
    })
    const switched = services.seen.find(({ object }) => object.spec.selector['build-and-deploy/colour'] === next)
    if (!ready || !switched)
      throw new Error(`blue-green bench: ${ready ? '' : 'no completion'} ${switched ? '' : 'no switch'} seen`)
    readyToSwitched.push(switched.at - ready.at)
    total.push(run.ms)
  }
  return {
    readyToSwitchedMedianMs: round(median(readyToSwitched)),
    deployMedianMs: round(median(total)),
    samples: { readyToSwitched: readyToSwitched.map(v => round(v)), total }
  }
}
