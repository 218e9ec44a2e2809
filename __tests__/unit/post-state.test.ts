import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  heldLock,
  loggedInRegistries,
  saveHeldLock,
  saveLoggedInRegistries,
  saveWorkDir,
  workDir
} from '../../src/run/state.js'

/**
 * The main step saves through the GITHUB_STATE file; the runner passes each entry (NAME<<DELIMITER, the value,
 * DELIMITER) to the post step as STATE_NAME. This does what the runner does in between.
 */
function handOver(file: string): void {
  const lines = readFileSync(file, 'utf8').split(os.EOL)
  for (let i = 0; i < lines.length; i++) {
    const heading = /^(.+?)<<(.+)$/.exec(lines[i])
    if (!heading) continue
    const end = lines.indexOf(heading[2], i + 1)
    process.env[`STATE_${heading[1]}`] = lines.slice(i + 1, end).join(os.EOL)
    i = end
  }
}

describe('the post step state', () => {
  let dir: string
  const saved = { ...process.env }
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'state-'))
    process.env.GITHUB_STATE = path.join(dir, 'state')
    writeFileSync(process.env.GITHUB_STATE, '')
    for (const name of Object.keys(process.env).filter(name => name.startsWith('STATE_'))) delete process.env[name]
  })
  afterEach(() => {
    process.env = { ...saved }
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads nothing when the main step saved nothing (it failed before building or locking)', () => {
    handOver(process.env.GITHUB_STATE!)
    expect([heldLock(), loggedInRegistries(), workDir()]).toEqual([undefined, [], undefined])
  })

  it('reads back what the main step saved; the last save of a key wins', () => {
    saveLoggedInRegistries(['ghcr.io'])
    saveLoggedInRegistries(['ghcr.io', 'localhost:5000'])
    saveWorkDir('/runner/temp/build-and-deploy-x1')
    saveHeldLock({ namespace: 'web', name: 'build-and-deploy-deploy', identity: 'run 7/1' })
    handOver(process.env.GITHUB_STATE!)
    expect(loggedInRegistries()).toEqual(['ghcr.io', 'localhost:5000'])
    expect(workDir()).toBe('/runner/temp/build-and-deploy-x1')
    expect(heldLock()).toEqual({ namespace: 'web', name: 'build-and-deploy-deploy', identity: 'run 7/1' })
  })
})
