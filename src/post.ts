import * as core from '@actions/core'
import { rm } from 'node:fs/promises'
import { logout } from './build/docker.js'
import { readKubeSettings } from './settings/inputs.js'
import { connect } from './kube/connect.js'
import { releaseLease } from './run/lock.js'
import { heldLock, loggedInRegistries, workDir } from './run/state.js'

/** A lock the main step could not release (cancelled, crashed) would block the next run for its lease time. */
async function releaseLock(): Promise<void> {
  const lock = heldLock()
  if (!lock) return
  const { namespace, name, identity } = lock
  // Cleanup after the main step, which has already had its timeout: a dead server gets a short try, not another one.
  const kube = connect(readKubeSettings(), { responseTimeoutMs: 10_000, stallLimitMs: 10_000 })
  try {
    await kube.authenticate()
    if (await releaseLease(kube, namespace, name, identity)) core.info(`Released the deploy lock ${namespace}/${name}.`)
  } finally {
    kube.close()
  }
}

/** The post step: undo what the main step left behind, even when it failed or was cancelled. */
async function cleanup(): Promise<void> {
  for (const registry of loggedInRegistries()) {
    await logout(registry)
    core.info(`Logged out of ${registry}.`)
  }
  await releaseLock().catch(error => core.warning(`Could not release the deploy lock: ${(error as Error).message}`))
  const dir = workDir()
  if (dir) await rm(dir, { recursive: true, force: true })
}

await cleanup().catch(error => core.warning(`Cleanup: ${(error as Error).message}`))
