import { preloadHttpClient } from '../lazy/http-client-lazy.js'
import { preloadUndici } from '../lazy/undici-lazy.js'

type Octokit = ReturnType<typeof import('@actions/github').getOctokit>

/** The GitHub API for this run's repository, or why there is none here (act, no token, no repository). */
export async function gitHubApi(
  token: string | undefined,
  env: NodeJS.ProcessEnv
): Promise<{ octokit: Octokit; owner: string; repo: string } | { unavailable: string }> {
  if (env.ACT) return { unavailable: 'running under act, which has no GitHub API' }
  if (!token) return { unavailable: 'no github-token' }
  if (!env.GITHUB_REPOSITORY) return { unavailable: 'GITHUB_REPOSITORY is not set' }
  const [owner, repo] = env.GITHUB_REPOSITORY.split('/')
  // Loaded only here: Octokit is most of @actions/github and most runs never need it; it fetches through undici and
  // sets up its proxy with @actions/http-client.
  await Promise.all([preloadUndici(), preloadHttpClient()])
  const { getOctokit } = await import('@actions/github')
  return { octokit: getOctokit(token), owner, repo }
}

/** One call's deadline: @octokit/request 10 honours an AbortSignal, not its timeout option. */
export const callDeadline = (ms: number) => ({ signal: AbortSignal.timeout(ms) })
