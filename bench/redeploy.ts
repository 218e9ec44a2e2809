// 5. Redeploys: of an existing SHA (skip-existing), and of a commit that changed one of three workloads, against
// kubectl apply --server-side + rollout status of the same manifests.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { deployment, freshNamespace, kubectl, writeManifest } from './cluster.ts'
import { action, baseEnv, kubectlBin, localEnv as envFile, median, randomSha, root, round, runs } from './measure.ts'

const appInputs = (namespace: string, extra: Record<string, string> = {}) => ({
  image: `${envFile.BND_REGISTRY}/bench/web`,
  context: 'example/web',
  'build-args': `BASE=${envFile.BND_BASE_IMAGE}`,
  'registry-username': envFile.BND_REGISTRY_USER,
  'registry-password': envFile.BND_REGISTRY_PASSWORD,
  manifests: appManifests,
  namespace,
  'create-namespace': 'true',
  ...extra
})
let appManifests = ''

export async function benchRedeploy() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-app-'))
  writeFileSync(
    path.join(dir, 'web.yaml'),
    readFileSync(path.join(root, 'manifests/base/web.yaml'), 'utf8').replaceAll(
      'ghcr.io/acme/web',
      `${envFile.BND_REGISTRY}/bench/web`
    )
  )
  appManifests = dir
  const namespace = freshNamespace('redeploy')
  const sha = randomSha()
  const first = await action(appInputs(namespace), sha)
  if (first.code !== 0) throw new Error(first.output.slice(-2000))
  const action_: number[] = []
  const kubectl_: number[] = []
  for (let i = 0; i < runs; i++) {
    const run = await action(appInputs(namespace), sha)
    if (run.code !== 0 || !run.output.includes('skip-existing')) throw new Error(run.output.slice(-2000))
    action_.push(run.ms)
    // Baseline: what a script does for the same redeploy, with the image already built: apply and wait.
    const patched = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-kubectl-')), 'web.yaml')
    writeFileSync(
      patched,
      readFileSync(path.join(dir, 'web.yaml'), 'utf8').replace(
        /image: \S+/,
        `image: ${envFile.BND_REGISTRY}/bench/web:${sha}`
      )
    )
    const started = performance.now()
    execFileSync(
      kubectlBin,
      ['apply', '--server-side', '--force-conflicts', '--field-manager=bench-kubectl', '-n', namespace, '-f', patched],
      { env: baseEnv }
    )
    execFileSync(kubectlBin, ['-n', namespace, 'rollout', 'status', 'deployment/web', '--timeout=2m'], { env: baseEnv })
    kubectl_.push(performance.now() - started)
  }
  return {
    medianMs: round(median(action_)),
    kubectlApplyAndStatusMedianMs: round(median(kubectl_)),
    ratio: round(median(action_) / median(kubectl_), 3),
    samples: { action: action_, kubectl: kubectl_ }
  }
}

// ---- 5b. redeploy where one of three workloads changed -----------------------------------------------------------

const podUids = (namespace: string): Map<string, Set<string>> => {
  const byApp = new Map<string, Set<string>>()
  for (const pod of JSON.parse(kubectl(['-n', namespace, 'get', 'pods', '-o', 'json'])).items) {
    if (pod.metadata.deletionTimestamp) continue
    const app = pod.metadata.labels.app
    if (!byApp.has(app)) byApp.set(app, new Set())
    byApp.get(app)!.add(pod.metadata.uid)
  }
  return byApp
}
const replaced = (before: Map<string, Set<string>>, after: Map<string, Set<string>>, app: string): number =>
  [...(before.get(app) ?? [])].filter(uid => !after.get(app)?.has(uid)).length

/**
 * A new commit whose only change is workload a's image: the action (mode apply, a new SHA each run) against
 * kubectl apply --server-side + rollout status of a, b and c, in a namespace of its own. Pods restarted counts
 * the pods of each workload that no longer run after the command ends.
 */
export async function benchPartialRedeploy() {
  // a's image comes from the images input, as a deploy's built image would; b and c are applied as written.
  const written = ['a', 'b', 'c']
    .map(name => deployment(name, 3).replace('bench/app:1', `bench/${name}:1`))
    .join('---\n')
  const dir = writeManifest(written)
  const manifest = (tag: number) => written.replace('bench/a:1', `bench/a:${tag}`)
  const namespace = freshNamespace('partial')
  const kubectlNamespace = freshNamespace('partial-kubectl')
  const inputs = (tag: number) => ({
    mode: 'apply',
    manifests: dir,
    images: `bench/a=bench/a:${tag}`,
    namespace,
    timeout: '2m'
  })
  const first = await action(inputs(0), randomSha())
  if (first.code !== 0) throw new Error(first.output.slice(-2000))
  execFileSync(
    kubectlBin,
    ['apply', '--server-side', '-n', kubectlNamespace, '-f', path.join(writeManifest(manifest(0)), 'objects.yaml')],
    { env: baseEnv }
  )
  for (const name of ['a', 'b', 'c'])
    execFileSync(kubectlBin, ['-n', kubectlNamespace, 'rollout', 'status', `deployment/${name}`, '--timeout=2m'], {
      env: baseEnv
    })
  const action_: number[] = []
  const kubectl_: number[] = []
  const restarted = {
    a: [] as number[],
    b: [] as number[],
    c: [] as number[],
    kubectlA: [] as number[],
    kubectlOthers: [] as number[]
  }
  for (let i = 1; i <= runs; i++) {
    const before = podUids(namespace)
    const run = await action(inputs(i), randomSha())
    if (run.code !== 0) throw new Error(run.output.slice(-2000))
    action_.push(run.ms)
    const after = podUids(namespace)
    for (const app of ['a', 'b', 'c'] as const) restarted[app].push(replaced(before, after, app))

    const kubectlBefore = podUids(kubectlNamespace)
    const file = path.join(writeManifest(manifest(i)), 'objects.yaml')
    const started = performance.now()
    execFileSync(kubectlBin, ['apply', '--server-side', '-n', kubectlNamespace, '-f', file], { env: baseEnv })
    for (const name of ['a', 'b', 'c'])
      execFileSync(kubectlBin, ['-n', kubectlNamespace, 'rollout', 'status', `deployment/${name}`, '--timeout=2m'], {
        env: baseEnv
      })
    kubectl_.push(performance.now() - started)
    const kubectlAfter = podUids(kubectlNamespace)
    restarted.kubectlA.push(replaced(kubectlBefore, kubectlAfter, 'a'))
    restarted.kubectlOthers.push(
      replaced(kubectlBefore, kubectlAfter, 'b') + replaced(kubectlBefore, kubectlAfter, 'c')
    )
  }
  return {
    medianMs: round(median(action_)),
    kubectlApplyAndStatusMedianMs: round(median(kubectl_)),
    ratio: round(median(action_) / median(kubectl_), 3),
    podsRestarted: {
      a: Math.max(...restarted.a),
      b: Math.max(...restarted.b),
      c: Math.max(...restarted.c),
      kubectlA: Math.max(...restarted.kubectlA),
      kubectlOthers: Math.max(...restarted.kubectlOthers)
    },
    samples: { action: action_, kubectl: kubectl_, restarted }
  }
}

/** Whether benchRedeploy ran in this invocation: the build part runs it first when it did not. */
export const redeployRan = (): boolean => appManifests !== ''
