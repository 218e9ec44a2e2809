import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { callDeadline, gitHubApi } from './api.js'

/** The pull request this run is for: the event's, or the number in refs/pull/N/merge; undefined on a push. */
export function pullRequestNumber(env: NodeJS.ProcessEnv): number | undefined {
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
        pull_request?: { number?: number }
        number?: number
      }
      const number = event.pull_request?.number ?? (event.pull_request ? event.number : undefined)
      if (Number.isInteger(number)) return number
    } catch {
      // An unreadable event file: the ref may still name the pull request.
    }
  }
  const match = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')
  return match ? Number(match[1]) : undefined
}

/** The hidden line that finds the comment again on the next push: one per target (lock-name and namespace). */
export const commentMarker = (target: string): string => `<!-- build-and-deploy plan: ${target} -->`

/**
 * One comment per pull request and target, created once and then edited (needs pull-requests: write). The plan's
 * result never depends on it: without a token, a pull request or the API, it says so and goes on.
 */
export async function upsertPlanComment(
  body: string,
  target: string,
  token: string | undefined,
  env: NodeJS.ProcessEnv = process.env
): Promise<{ action: 'created' | 'updated'; id: number } | undefined> {
  const skip = (why: string): undefined => {
    core.notice(`Plan comment skipped: ${why}; the plan is in the job summary.`)
    return undefined
  }
  const number = pullRequestNumber(env)
  if (number === undefined) return skip('this run is not for a pull request')
  const marker = commentMarker(target)
  const text = `${marker}\n${body}`
  try {
    const api = await gitHubApi(token, env)
    if ('unavailable' in api) return skip(api.unavailable)
    const { octokit, owner, repo } = api
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
      request: callDeadline(15_000)
    })
    // The first line exactly, so that a plan of another target (staging beside production) is never overwritten.
    const mine = comments.find(comment => comment.body?.split('\n', 1)[0] === marker)
    if (mine) {
      await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: mine.id,
        body: text,
        request: callDeadline(15_000)
      })
      core.info(`Plan comment updated on pull request #${number} (comment ${mine.id}).`)
      return { action: 'updated', id: mine.id }
    }
    const created = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: number,
      body: text,
      request: callDeadline(15_000)
    })
    core.info(`Plan comment created on pull request #${number} (comment ${created.data.id}).`)
    return { action: 'created', id: created.data.id }
  } catch (error) {
    const status = (error as { status?: number }).status
    return skip(
      `the GitHub API answered ${status ? `HTTP ${status}` : (error as Error).message}${status === 403 ? ' (the job needs permissions: pull-requests: write)' : ''}`
    )
  }
}
