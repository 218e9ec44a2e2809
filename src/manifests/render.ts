import * as exec from '@actions/exec'
import { childEnv } from '../process/child-env.js'
import path from 'node:path'
import type { ServerCapabilities } from '../kube/capabilities.js'

/** A command as an argument array; nothing here goes through a shell. */
export interface Command {
  tool: string
  args: string[]
  /** The arguments as an error prints them, when some are too long to read. */
  shown?: string[]
}

export interface HelmRelease {
  chart: string
  release: string
  values: string[]
  namespace?: string
  /** The target cluster's, for .Capabilities and the chart's kubeVersion constraint; helm's built-in guess otherwise. */
  capabilities?: Pick<ServerCapabilities, 'kubeVersion' | 'apiVersions'>
}

/** kustomize itself when installed (it tracks kustomize releases), otherwise the copy built into kubectl. */
export function kustomizeCommand(dir: string, tools: { kustomize?: string; kubectl?: string }): Command {
  if (tools.kustomize) return { tool: tools.kustomize, args: ['build', dir] }
  if (tools.kubectl) return { tool: tools.kubectl, args: ['kustomize', dir] }
  throw new Error(
    `manifests entry '${dir}' is a kustomization directory; rendering it needs kustomize or kubectl on PATH, and neither was found. Install one (e.g. azure/setup-kubectl), or list the rendered files instead.`
  )
}

/**
 * `helm template`: rendered on this machine, without the chart's tests. helm itself does not contact the cluster,
 * so the cluster's version and API versions are passed in: without them a chart sees helm's compiled-in default
 * (v1.20 in a helm built without its Makefile's ldflags) and fails a `kubeVersion: ">=1.23.0-0"` constraint.
 * helm template adds --api-versions to the versions it was compiled with; it cannot remove those.
 */
export function helmTemplateCommand(release: HelmRelease, helm: string | undefined): Command {
  if (!helm) {
    throw new Error(
      `helm-chart '${release.chart}' is rendered with helm template, and helm is not on PATH. Install it (e.g. azure/setup-helm).`
    )
  }
  const args = ['template', release.release, release.chart, '--skip-tests']
  if (release.namespace) args.push('--namespace', release.namespace)
  for (const values of release.values) args.push('--values', values)
  if (!release.capabilities) return { tool: helm, args }
  const { kubeVersion, apiVersions } = release.capabilities
  const shown = [...args, '--kube-version', kubeVersion]
  args.push('--kube-version', kubeVersion)
  // One comma-separated value (helm reads the flag as a string slice): 100 entries on a bare 1.36 cluster, more with CRDs.
  if (apiVersions.length > 0) {
    args.push('--api-versions', apiVersions.join(','))
    shown.push('--api-versions', `<${apiVersions.length} API versions of the cluster>`)
  }
  return { tool: helm, args, shown }
}

async function run(command: Command, what: string): Promise<string> {
  const result = await exec.getExecOutput(command.tool, command.args, {
    silent: true,
    ignoreReturnCode: true,
    env: childEnv()
  })
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-10).join('\n') || `exit code ${result.exitCode}`
    throw new Error(
      `${what} failed (${path.basename(command.tool)} ${(command.shown ?? command.args).join(' ')}):\n${detail}`
    )
  }
  return result.stdout
}

/** The tool's path on PATH, or undefined. Loaded on use: @actions/io brings assert, which most runs never need. */
async function installed(tool: string): Promise<string | undefined> {
  const io = await import('@actions/io')
  return (await io.which(tool, false)) || undefined
}

export async function renderKustomization(dir: string): Promise<string> {
  const command = kustomizeCommand(dir, {
    kustomize: await installed('kustomize'),
    kubectl: await installed('kubectl')
  })
  return run(command, `Rendering the kustomization '${dir}'`)
}

/** Renders the chart for the cluster's capabilities, awaited once helm is found: a missing helm is reported at once. */
export async function renderHelmChart(
  release: Omit<HelmRelease, 'capabilities'>,
  capabilities: Promise<HelmRelease['capabilities']>
): Promise<string> {
  const helm = await installed('helm')
  const command = helmTemplateCommand({ ...release, capabilities: helm ? await capabilities : undefined }, helm)
  return run(command, `Rendering helm-chart '${release.chart}'`)
}
