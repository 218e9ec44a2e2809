// bench/results/latest.{json,md}: the parts' figures (a partial run carries the others over from the last run),
// the sections of each part, the targets, and the cold environment's recorded build times.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { applyMarkdown } from './apply.ts'
import { root, round, stateDir } from './measure.ts'
import { waitMarkdown } from './wait.ts'

const targets = (r: any) => [
  [
    `apply 500 objects ≤ 0.80× kubectl apply --server-side${r.apply[1].floorRatioVsServerSide ? ` (floor on this machine: ${r.apply[1].floorRatioVsServerSide})` : ''}`,
    r.apply[1].ratio.vsServerSide,
    r.apply[1].ratio.vsServerSide <= 0.8
  ],
  [
    'wait overhead with 50 Deployments ≤ 500 ms',
    r.wait[2].overheadMedianMs.action,
    r.wait[2].overheadMedianMs.action <= 500
  ],
  [
    'wait with 50 Deployments ≤ 0.2× sequential kubectl (total apply and wait; the overhead ratio divides by ~0)',
    r.wait[2].totalRatio.vsKubectlSequential,
    r.wait[2].totalRatio.vsKubectlSequential <= 0.2
  ],
  ['detection median ≤ 100 ms', r.wait[2].detectionMedianMs, r.wait[2].detectionMedianMs <= 100],
  [
    'start to first API request ≤ 150 ms',
    r.coldStart.toFirstApiRequestMedianMs,
    r.coldStart.toFirstApiRequestMedianMs <= 150
  ],
  ['start to first write ≤ 100 ms', r.coldStart.toFirstWriteMedianMs, r.coldStart.toFirstWriteMedianMs <= 100],
  ['dist/ ≤ 3 MB', r.coldStart.distBytes, r.coldStart.distBytes <= 3_000_000],
  ['redeploy of an existing SHA ≤ 3 s', r.redeploy.medianMs, r.redeploy.medianMs <= 3000],
  ...scaleTargets(r)
]

/**
 * "No row grows worse than linearly": from the 500-object row to the 2,000-object one and from 50 Deployments to
 * 200, time per object and memory may grow by at most the row's factor (4×), with 10% for the noise of a run.
 */
function scaleTargets(r: any): Array<[string, number, boolean]> {
  const rows: Array<[string, number, boolean]> = []
  const apply500 = r.apply.find((a: any) => a.objects === 500)
  const apply2000 = r.apply.find((a: any) => a.objects === 2000)
  if (apply500 && apply2000) {
    const perObject = round(apply2000.medianMs.action / 2000 / (apply500.medianMs.action / 500), 2)
    rows.push(['apply: time per object at 2,000 ÷ at 500 ≤ 1.1', perObject, perObject <= 1.1])
    if (apply500.maxRssKiB?.action && apply2000.maxRssKiB?.action) {
      const memory = round(apply2000.maxRssKiB.action / apply500.maxRssKiB.action, 2)
      rows.push(['apply: max RSS at 2,000 ÷ at 500 ≤ 4.4', memory, memory <= 4.4])
    }
  }
  const wait50 = r.wait.find((w: any) => w.deployments === 50)
  const wait200 = r.wait.find((w: any) => w.deployments === 200)
  if (wait50 && wait200) {
    const perDeployment = round(wait200.totalMedianMs.action / 200 / (wait50.totalMedianMs.action / 50), 2)
    rows.push(['wait: total time per Deployment at 200 ÷ at 50 ≤ 1.1', perDeployment, perDeployment <= 1.1])
    if (wait50.maxRssKiB?.action && wait200.maxRssKiB?.action) {
      const memory = round(wait200.maxRssKiB.action / wait50.maxRssKiB.action, 2)
      rows.push(['wait: max RSS at 200 ÷ at 50 ≤ 4.4', memory, memory <= 4.4])
    }
  }
  return rows
}

/**
 * What building the local environment's binaries cost, as scripts/env/build-binaries.sh recorded it (one row per
 * build, fetching modules and compiling timed apart). Not re-measured here: a cold build takes minutes, and each
 * fresh machine's first `npm run demo` or `npm test` adds its rows.
 */
export function coldEnvironment() {
  const file = path.join(process.env.BND_CACHE ?? path.dirname(stateDir), 'build-times.tsv')
  if (!existsSync(file)) return undefined
  const [, ...lines] = readFileSync(file, 'utf8').trim().split('\n')
  const builds = lines.map(line => {
    const [date, built, fetchS, compileS, cores] = line.split('\t')
    return { date, built, fetchS: Number(fetchS), compileS: Number(compileS), cores: Number(cores) }
  })
  return { file, builds }
}

const parts = ['apply', 'wait', 'coldStart', 'redeploy', 'partialRedeploy', 'blueGreen', 'build']

/** Writes latest.json and latest.md; returns the markdown. */
export function writeResults(results: any, runs: number): string {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true })
  const latest = path.join(root, 'bench/results/latest.json')
  // A run of some parts (BENCH_ONLY) keeps the other parts' figures from the last run, saying from when.
  const previous = existsSync(latest) ? JSON.parse(readFileSync(latest, 'utf8')) : {}
  results.carriedOver = {}
  for (const part of parts) {
    if (results[part] !== undefined || previous[part] === undefined) continue
    results[part] = previous[part]
    results.carriedOver[part] = previous.carriedOver?.[part] ?? previous.date
  }
  writeFileSync(latest, JSON.stringify(results, null, 2) + '\n')
  const md = markdown(results, runs).join('\n')
  writeFileSync(path.join(root, 'bench/results/latest.md'), md)
  return md
}

function markdown(results: any, runs: number): string[] {
  const md: string[] = [
    `# Benchmarks, ${results.date}`,
    '',
    `${results.machine}; Kubernetes ${results.kubernetes} (kwok nodes); median of ${runs} runs each.`,
    ''
  ]
  const carried = Object.entries(results.carriedOver as Record<string, string>)
  if (carried.length > 0)
    md.push(
      `Not re-run this time, figures from earlier runs: ${carried.map(([part, date]) => `${part} (${date})`).join(', ')}.`,
      ''
    )
  if (results.apply) md.push(...applyMarkdown(results.apply, runs))
  if (results.wait) md.push(...waitMarkdown(results.wait))
  if (results.coldStart) md.push(...startMarkdown(results.coldStart))
  md.push(...redeployMarkdown(results))
  if (results.build) {
    md.push(
      '## Build (example/api and example/web in one step, through the action, mode build)',
      '',
      `First build (cold builder cache, base images present) + push of both: ${results.build.firstBuildMedianMs} ms; rebuild after a source-only change of the API: ${results.build.rebuildAfterSourceChangeMedianMs} ms; plain cold \`docker build\` of both, no push: ${results.build.plainDockerBuildMedianMs} ms. Image sizes: api ${results.build.imageBytes.api} bytes, web ${results.build.imageBytes.web} bytes.`,
      ''
    )
    const buildx = results.build.buildx
    md.push(
      buildx?.skipped
        ? `buildx path: not measured (${buildx.skipped}).`
        : buildx
          ? `Through buildx and the environment's buildkitd (the runners' path; buildkitd's cache emptied before each build): cold build + push of both, exporting a registry cache (\`cache-to: type=registry,ref=…/{name}:buildcache,mode=max\`): ${buildx.coldWithCacheExportMedianMs} ms; rebuild after a source-only change of the API from that registry cache alone (\`cache-from\`): ${buildx.rebuildFromRegistryCacheMedianMs} ms; the same rebuild on a builder that kept its cache: ${buildx.rebuildOnWarmBuilderMedianMs} ms. A registry cache holds layers, not cache mounts: Go's build cache (\`--mount=type=cache\`) stays behind, so after a source change a fresh runner compiles the API (and the standard library) again.`
          : 'buildx path: not measured in the run these figures come from.',
      ''
    )
  }
  if (results.coldEnvironment?.builds.length) md.push(...coldEnvironmentMarkdown(results.coldEnvironment))
  if (results.apply && results.wait && results.coldStart && results.redeploy) {
    md.push('## Targets', '', '| target | measured | met |', '| --- | --- | --- |')
    for (const [name, value, met] of targets(results)) md.push(`| ${name} | ${value} | ${met ? 'yes' : 'no'} |`)
    md.push('')
  }
  return md
}

function startMarkdown(c: any): string[] {
  const was = (key: 'toFirstApiRequestMedianMs' | 'toFirstWriteMedianMs'): string =>
    c.before ? ` (before: ${c.before[key]} ms)` : ''
  return [
    '## Start',
    '',
    `With V8's compile cache warm (a later run on the same runner): start to first API request ${c.toFirstApiRequestMedianMs} ms${was('toFirstApiRequestMedianMs')}, to the first write (the dry-run apply, after credentials, discovery, the namespace check and reading the manifests) ${c.toFirstWriteMedianMs} ms${was('toFirstWriteMedianMs')}. ` +
      (c.coldCache
        ? `With it empty (a fresh runner): ${c.coldCache.toFirstApiRequestMedianMs} ms and ${c.coldCache.toFirstWriteMedianMs} ms. `
        : '') +
      `Bare \`node -e 0\`: ${c.bareNodeStartMedianMs} ms. A loopback stand-in answers discovery and the namespace and refuses the write; median of ${c.samples.toFirstRequest.length} runs each. dist/: ${c.distBytes} bytes; dist/index.js (the loader, which imports the bundle after turning the cache on): ${c.mainBundleBytes} bytes.`,
    ''
  ]
}

/** The redeploy, partial redeploy and blue-green sections. */
function redeployMarkdown(results: any): string[] {
  const md: string[] = []
  if (results.redeploy)
    md.push(
      '## Redeploy of an existing SHA',
      '',
      `Action (skip-existing, apply, wait): ${results.redeploy.medianMs} ms; kubectl apply --server-side + rollout status of the same manifests: ${results.redeploy.kubectlApplyAndStatusMedianMs} ms; ratio ${results.redeploy.ratio}.`,
      ''
    )
  if (results.partialRedeploy) {
    const r = results.partialRedeploy
    md.push(
      '## Redeploy where one of three workloads changed',
      '',
      `Three Deployments of 3 replicas; a new commit changes only a's image (mode apply, a new SHA each run). Action: ${r.medianMs} ms; kubectl apply --server-side + rollout status of a, b and c: ${r.kubectlApplyAndStatusMedianMs} ms; ratio ${r.ratio}. Pods restarted (most in any run): action a ${r.podsRestarted.a}, b ${r.podsRestarted.b}, c ${r.podsRestarted.c}; kubectl a ${r.podsRestarted.kubectlA}, b and c ${r.podsRestarted.kubectlOthers}.`,
      ''
    )
  }
  if (results.blueGreen) {
    const r = results.blueGreen
    md.push(
      '## Blue-green: new colour ready → traffic switched',
      '',
      `3 replicas behind one Service, no verify gate; the bench's own watches see the new colour's Deployment complete and the Service's selector turn: ${r.readyToSwitchedMedianMs} ms (samples ${r.samples.readyToSwitched.join(', ')} ms). Whole deploy: ${r.deployMedianMs} ms.`,
      ''
    )
  }
  return md
}

function coldEnvironmentMarkdown(coldEnvironment: { file: string; builds: any[] }): string[] {
  const md = [
    '## Cold environment: building the binaries',
    '',
    `As scripts/env/build-binaries.sh recorded each build on this machine (${coldEnvironment.file}); \`npm run demo\` builds etcd and the Kubernetes and kwok set, \`npm test\` also act and helm.`,
    '',
    '| date | built | fetching modules | compiling | total | cores |',
    '| --- | --- | --- | --- | --- | --- |'
  ]
  for (const b of coldEnvironment.builds)
    md.push(`| ${b.date} | ${b.built} | ${b.fetchS} s | ${b.compileS} s | ${b.fetchS + b.compileS} s | ${b.cores} |`)
  md.push('')
  return md
}
