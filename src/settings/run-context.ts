import { readFileSync } from 'node:fs'

/** What this run is: the commit, branch and links that tags and annotations are made of. */
export interface RunContext {
  sha: string
  branch?: string
  defaultBranch?: string
  runNumber?: string
  runUrl?: string
  repositoryUrl?: string
  actor?: string
  workflow?: string
}

/**
 * Reads the GITHUB_* variables that every runner (and act) sets. Reading them here rather than through
 * @actions/github keeps Octokit out of the start-up path; it is loaded only when the GitHub API is used.
 */
export function readRunContext(env: NodeJS.ProcessEnv): RunContext {
  let defaultBranch: string | undefined
  if (env.GITHUB_EVENT_PATH) {
    try {
      const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
        repository?: { default_branch?: string }
      }
      defaultBranch = payload.repository?.default_branch
    } catch {
      // No event payload (a local run): `latest: auto` then tags nothing as latest.
    }
  }
  const ref = env.GITHUB_REF ?? ''
  const branch =
    env.GITHUB_HEAD_REF ||
    env.GITHUB_REF_NAME ||
    (ref.startsWith('refs/heads/')
      ? ref.slice('refs/heads/'.length)
      : ref.startsWith('refs/tags/')
        ? ref.slice('refs/tags/'.length)
        : undefined)
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  const repositoryUrl = env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined
  return {
    sha: env.GITHUB_SHA ?? '',
    branch: branch || undefined,
    defaultBranch,
    runNumber: env.GITHUB_RUN_NUMBER,
    runUrl: repositoryUrl && env.GITHUB_RUN_ID ? `${repositoryUrl}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    repositoryUrl,
    actor: env.GITHUB_ACTOR,
    workflow: env.GITHUB_WORKFLOW
  }
}
