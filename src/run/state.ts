import * as core from '@actions/core'

// What the main step leaves for the post step, which runs even when the main step failed or was cancelled. The
// runner hands each saved value to the post step as STATE_<key>; the keys are named here only.
const keys = { lock: 'lock', loggedInRegistries: 'logged-in-registry', workDir: 'work-dir' } as const

/** The deploy lock the main step took, for the post step to release when the main step could not. */
export interface HeldLock {
  namespace: string
  name: string
  identity: string
}

export function saveHeldLock(lock: HeldLock): void {
  core.saveState(keys.lock, JSON.stringify({ namespace: lock.namespace, name: lock.name, identity: lock.identity }))
}

export function heldLock(): HeldLock | undefined {
  const state = core.getState(keys.lock)
  return state ? (JSON.parse(state) as HeldLock) : undefined
}

/** Saved after each login, so a login that fails part way still has the earlier ones logged out. */
export function saveLoggedInRegistries(hosts: string[]): void {
  core.saveState(keys.loggedInRegistries, hosts.join('\n'))
}

export function loggedInRegistries(): string[] {
  return core.getState(keys.loggedInRegistries).split('\n').filter(Boolean)
}

/** The build's temporary directory (secret files among its contents), removed by the post step. */
export function saveWorkDir(dir: string): void {
  core.saveState(keys.workDir, dir)
}

export function workDir(): string | undefined {
  return core.getState(keys.workDir) || undefined
}
