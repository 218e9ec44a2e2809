// The parts of the harness that need no jest, so the bench (plain node, bench/) shares them with the tests.
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** The local environment as `npm run env:up` wrote it (scripts/env/up.sh), or the cluster of DEPLOY_TEST_KUBECONFIG. */
export interface LocalEnv {
  KUBECONFIG: string
  BND_KUBECTL: string
  BND_ACT: string
  BND_DOCKER: string
  BND_REGISTRY: string
  BND_REGISTRY_USER: string
  BND_REGISTRY_PASSWORD: string
  BND_BASE_IMAGE: string
  BND_GO_IMAGE: string
  BND_HELM: string
  BND_PG_BIN: string
  /** The real node's name (scripts/env/real-node.sh); empty with DEPLOY_TEST_KUBECONFIG. */
  BND_REAL_NODE: string
  /** The host's address on the real node's pod bridge: where its pods reach a service of the host. */
  BND_REAL_NODE_GATEWAY: string
  BND_STATE: string
  PATH: string
}

export function loadEnv(): LocalEnv {
  const state =
    process.env.BND_STATE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'build-and-deploy', 'state')
  const file = path.join(state, 'env.sh')
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run env:up first (npm test does it).`)
  const values: Record<string, string> = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^export (\w+)='([^']*)'/.exec(line)
    if (match) values[match[1]] = match[2]
  }
  values.PATH = `${values.BND_STATE}/bin:${process.env.PATH}`
  if (process.env.DEPLOY_TEST_KUBECONFIG) values.KUBECONFIG = process.env.DEPLOY_TEST_KUBECONFIG
  return values as unknown as LocalEnv
}

export const env = loadEnv()

export function randomSha(): string {
  return Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('')
}
