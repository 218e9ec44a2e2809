import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { env, kubectl, kubectlJson, namespacesForThisFile, randomSha, runAction } from './harness.js'

const namespace = namespacesForThisFile()

/** A chart that needs Kubernetes 1.23+ (as podinfo's) and records what it was told of the cluster in a ConfigMap. */
function capabilitiesChart(kubeVersion: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-chart-'))
  mkdirSync(path.join(dir, 'templates'))
  writeFileSync(
    path.join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: caps\nversion: 0.1.0\nkubeVersion: "${kubeVersion}"\n`
  )
  writeFileSync(
    path.join(dir, 'templates', 'capabilities.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-capabilities',
      'data:',
      '  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}',
      '  deployment: {{ .Capabilities.APIVersions.Has "apps/v1/Deployment" | quote }}',
      '  coordination: {{ .Capabilities.APIVersions.Has "coordination.k8s.io/v1" | quote }}',
      ''
    ].join('\n')
  )
  return dir
}

describe('helm-chart is rendered for the live cluster', () => {
  it('passes the server version and API versions to helm template: kubeVersion ">=1.23.0-0" renders, .Capabilities is the server', async () => {
    const target = namespace('helm-caps')
    const chart = capabilitiesChart('>=1.23.0-0')
    const run = await runAction(
      {
        mode: 'apply',
        'helm-chart': chart,
        'helm-release': 'caps',
        namespace: target,
        'create-namespace': 'true',
        timeout: '1m'
      },
      { sha: randomSha() }
    )
    expect(run.stderr + run.stdout).not.toContain('::error::')
    expect(run.code).toBe(0)
    const server = (await kubectlJson(['version'])).serverVersion.gitVersion
    const configMap = await kubectlJson(['-n', target, 'get', 'configmap', 'caps-capabilities'])
    // apps/v1/Deployment is a group/version/Kind entry: helm template's built-in set has none, so it came from discovery.
    expect(configMap.data).toEqual({ kubeVersion: server, deployment: 'true', coordination: 'true' })
  }, 90_000)

  it("fails on the chart's kubeVersion naming the live server's version, having applied nothing", async () => {
    const target = namespace('helm-old')
    const run = await runAction(
      {
        mode: 'apply',
        'helm-chart': capabilitiesChart('<1.23.0-0'),
        'helm-release': 'caps',
        namespace: target,
        'create-namespace': 'true'
      },
      { sha: randomSha() }
    )
    const server = (await kubectlJson(['version'])).serverVersion.gitVersion
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `chart requires kubeVersion: <1.23.0-0 which is incompatible with Kubernetes ${server}`
    )
    expect(run.stdout).toContain('--api-versions <')
    expect((await kubectl(['get', 'namespace', target, '--ignore-not-found', '-o', 'name'])).trim()).toBe('')
  }, 60_000)

  it('names the chart and the cluster problem when the cluster cannot be reached, rather than guessing a version', async () => {
    const chart = capabilitiesChart('>=1.23.0-0')
    const kubeconfig = readFileSync(env.KUBECONFIG, 'utf8').replace(/server: \S+/, 'server: https://127.0.0.1:1')
    const run = await runAction(
      { mode: 'apply', 'helm-chart': chart, 'helm-release': 'caps', namespace: namespace('helm-down'), kubeconfig },
      { sha: randomSha() }
    )
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      new RegExp(
        `helm-chart '${chart}' is rendered for the target cluster's Kubernetes version and API versions, and the cluster could not be asked for them: Cannot reach the Kubernetes API at https://127\\.0\\.0\\.1:1 .*ECONNREFUSED`
      )
    )
  }, 60_000)
})
