import * as core from '@actions/core'
import { rm } from 'node:fs/promises'
import { logout } from './docker.js'

/** The post step: undo what the main step left behind, even when it failed or was cancelled. */
async function cleanup(): Promise<void> {
  const registry = core.getState('logged-in-registry')
  if (registry) {
    await logout(registry)
    core.info(`Logged out of ${registry}.`)
  }
  const workDir = core.getState('work-dir')
  if (workDir) await rm(workDir, { recursive: true, force: true })
}

await cleanup().catch(error => core.warning(`Cleanup: ${(error as Error).message}`))
