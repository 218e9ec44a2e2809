import * as core from '@actions/core'
import { rm } from 'node:fs/promises'
import { logout } from './build/docker.js'
import { readSettings } from './inputs.js'
import { connect } from './kube/connect.js'
import { releaseLease } from './deploy/lock.js'

/** A lock the main step could not release (cancelled, crashed) would block the next run for its lease time. */
async function releaseLock(): Promise<void> {
  const state = core.getState('lock')
  if (!state) return
  const { namespace, name, identity } = JSON.parse(state) as { namespace: string; name: string; identity: string }
  // Cleanup after the main step, which has already had its timeout: a dead server gets a short try, not another one.
  const kube = connect(readSettings().kube, { responseTimeoutMs: 10_000, stallLimitMs: 10_000 })
  try {
    await kube.authenticate()
    if (await releaseLease(kube, namespace, name, identity)) core.info(`Released the deploy lock ${namespace}/${name}.`)
  } finally {
    kube.close()
  }
}

/** The post step: undo what the main step left behind, even when it failed or was cancelled. */
async function cleanup(): Promise<void> {
  for (const registry of core.getState('logged-in-registry').split('\n').filter(Boolean)) {
    await logout(registry)
    core.info(`Logged out of ${registry}.`)
  }
  await releaseLock().catch(error => core.warning(`Could not release the deploy lock: ${(error as Error).message}`))
  const workDir = core.getState('work-dir')
  if (workDir) await rm(workDir, { recursive: true, force: true })
}

await cleanup().catch(error => core.warning(`Cleanup: ${(error as Error).message}`))
