import * as core from '@actions/core'
import type { GitHubSettings, Settings } from '../settings/types.js'
import { callDeadline, gitHubApi } from './api.js'

type DeploymentState = 'in_progress' | 'success' | 'failure'

/**
 * Records the run as a GitHub Deployment of the commit, with statuses in_progress → success | failure, when
 * `environment` is set. The GitHub API is optional: without a token, under act, or offline, it says so once
 * and the deploy goes on; the deploy's result never depends on it.
 */
export class GitHubDeployment {
  private constructor(
    private readonly update: (state: DeploymentState) => Promise<void>,
    readonly id: number
  ) {}

  static async start(
    settings: GitHubSettings & Pick<Settings, 'mode' | 'run'>,
    env: NodeJS.ProcessEnv = process.env
  ): Promise<GitHubDeployment | undefined> {
    if (!settings.environment) return undefined
    const skip = (why: string): undefined => {
      core.notice(`GitHub Deployment for environment '${settings.environment}' skipped: ${why}.`)
      return undefined
    }
    try {
      const api = await gitHubApi(settings.githubToken, env)
      if ('unavailable' in api) return skip(api.unavailable)
      const { octokit, owner, repo } = api
      const created = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: settings.run.sha,
        environment: settings.environment,
        auto_merge: false,
        required_contexts: [],
        description: `build-and-deploy ${settings.mode}`,
        request: callDeadline(10_000)
      })
      if (!('id' in created.data))
        return skip(`GitHub did not create it (${String((created.data as { message?: string }).message)})`)
      const id = created.data.id
      const update = async (state: DeploymentState): Promise<void> => {
        await octokit.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: id,
          state,
          environment_url: settings.environmentUrl,
          log_url: settings.run.runUrl,
          auto_inactive: state === 'success',
          request: callDeadline(10_000)
        })
      }
      const deployment = new GitHubDeployment(update, id)
      await deployment.set('in_progress')
      core.info(`GitHub Deployment ${id} for ${settings.environment} is in progress.`)
      return deployment
    } catch (error) {
      return skip(`the GitHub API failed (${(error as Error).message})`)
    }
  }

  async set(state: DeploymentState): Promise<void> {
    await this.update(state).catch(error =>
      core.warning(`Could not set GitHub Deployment ${this.id} to ${state}: ${(error as Error).message}`)
    )
  }
}
