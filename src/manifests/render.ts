import * as exec from '@actions/exec'
import path from 'node:path'

/** A command as an argument array; nothing here goes through a shell. */
export interface Command {
  tool: string
  args: string[]
}

export interface HelmRelease {
  chart: string
  release: string
  values: string[]
  namespace?: string
}

/** kustomize itself when installed (it tracks kustomize releases), otherwise the copy built into kubectl. */
export function kustomizeCommand(dir: string, tools: { kustomize?: string; kubectl?: string }): Command {
  if (tools.kustomize) return { tool: tools.kustomize, args: ['build', dir] }
  if (tools.kubectl) return { tool: tools.kubectl, args: ['kustomize', dir] }
  throw new Error(
    `manifests entry '${dir}' is a kustomization directory; rendering it needs kustomize or kubectl on PATH, and neither was found. Install one (e.g. azure/setup-kubectl), or list the rendered files instead.`
  )
}

/** `helm template`: rendered on this machine, with no access to the cluster, and without the chart's tests. */
export function helmTemplateCommand(release: HelmRelease, helm: string | undefined): Command {
  if (!helm) {
    throw new Error(`helm-chart '${release.chart}' is rendered with helm template, and helm is not on PATH. Install it (e.g. azure/setup-helm).`)
  }
  const args = ['template', release.release, release.chart, '--skip-tests']
  if (release.namespace) args.push('--namespace', release.namespace)
  for (const values of release.values) args.push('--values', values)
  return { tool: helm, args }
}

async function run(command: Command, what: string): Promise<string> {
  const result = await exec.getExecOutput(command.tool, command.args, { silent: true, ignoreReturnCode: true })
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-10).join('\n') || `exit code ${result.exitCode}`
    throw new Error(`${what} failed (${path.basename(command.tool)} ${command.args.join(' ')}):\n${detail}`)
  }
  return result.stdout
}

/** The tool's path on PATH, or undefined. Loaded on use: @actions/io brings assert, which most runs never need. */
async function installed(tool: string): Promise<string | undefined> {
  const io = await import('@actions/io')
  return (await io.which(tool, false)) || undefined
}

export async function renderKustomization(dir: string): Promise<string> {
  const command = kustomizeCommand(dir, { kustomize: await installed('kustomize'), kubectl: await installed('kubectl') })
  return run(command, `Rendering the kustomization '${dir}'`)
}

export async function renderHelmChart(release: HelmRelease): Promise<string> {
  return run(helmTemplateCommand(release, await installed('helm')), `Rendering helm-chart '${release.chart}'`)
}
