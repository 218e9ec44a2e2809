// npm run bench: the action against kubectl on the same local control plane (scripts/env). Separate from the
// tests' pass/fail: it prints results and writes bench/results/latest.{json,md}. Every figure is the median of
// RUNS runs (default 5), and each comparison is a ratio against a baseline measured in the same invocation.
// BENCH_ONLY picks parts: apply, wait, start, redeploy, partial, bluegreen, build.
import { existsSync } from 'node:fs'
import os from 'node:os'
import { benchApply } from './apply.ts'
import { benchBlueGreenSwitch } from './bluegreen.ts'
import { benchBuild } from './build.ts'
import { dropNamespaces, kubectl } from './cluster.ts'
import { node, runs } from './measure.ts'
import { benchPartialRedeploy, benchRedeploy, redeployRan } from './redeploy.ts'
import { coldEnvironment, writeResults } from './report.ts'
import { benchColdStart } from './start.ts'
import { benchWait } from './wait.ts'

/** Each part: its BENCH_ONLY name, its key in latest.json, how it runs, and what its console line shows. */
const parts: Array<{
  name: string
  key: string
  run: (results: any) => Promise<unknown>
  line: (r: any) => unknown
  drop?: boolean
}> = [
  {
    name: 'apply',
    key: 'apply',
    run: async () => [
      await benchApply(100),
      await benchApply(500),
      await benchApply(2000, { iterations: Math.min(runs, 3), clientSide: false })
    ],
    line: rows => rows.map((r: any) => ({ objects: r.objects, medianMs: r.medianMs, ratio: r.ratio })),
    drop: true
  },
  {
    name: 'wait',
    key: 'wait',
    run: async () => [
      await benchWait(1),
      await benchWait(10),
      await benchWait(50),
      await benchWait(200, { iterations: Math.min(runs, 3) })
    ],
    line: rows =>
      rows.map((r: any) => ({
        deployments: r.deployments,
        overhead: r.overheadMedianMs,
        total: r.totalMedianMs,
        ratio: r.totalRatio,
        detection: r.detectionMedianMs
      })),
    drop: true
  },
  { name: 'start', key: 'coldStart', run: benchColdStart, line: r => ({ ...r, samples: undefined }) },
  { name: 'redeploy', key: 'redeploy', run: benchRedeploy, line: r => ({ ...r, samples: undefined }) },
  {
    name: 'partial',
    key: 'partialRedeploy',
    run: benchPartialRedeploy,
    line: r => ({ ...r, samples: undefined }),
    drop: true
  },
  {
    name: 'bluegreen',
    key: 'blueGreen',
    run: benchBlueGreenSwitch,
    line: r => ({ ...r, samples: undefined }),
    drop: true
  },
  {
    name: 'build',
    key: 'build',
    run: async results => {
      if (!redeployRan()) await benchRedeploy().then(r => (results.redeploy ??= r))
      return benchBuild()
    },
    line: r => ({ ...r, samples: undefined })
  }
]

async function main(): Promise<void> {
  if (!existsSync(node)) throw new Error('node_modules/node is missing: run npm install')
  const only = (process.env.BENCH_ONLY ?? 'apply,wait,start,redeploy,partial,bluegreen,build').split(',')
  const results: any = {
    date: new Date().toISOString(),
    runs,
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    kubernetes: JSON.parse(kubectl(['version', '-o', 'json'])).serverVersion.gitVersion
  }
  try {
    for (const part of parts.filter(p => only.includes(p.name))) {
      results[part.key] = await part.run(results)
      if (part.drop) dropNamespaces()
      console.log(part.name, JSON.stringify(part.line(results[part.key])))
    }
  } finally {
    dropNamespaces()
  }
  results.coldEnvironment = coldEnvironment()
  console.log(writeResults(results, runs))
}

await main()
