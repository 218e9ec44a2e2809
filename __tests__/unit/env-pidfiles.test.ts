import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// The local environment survives a restart of the machine or sandbox only if scripts/env/lib.sh tells a PID file
// of a live daemon from one left behind, whose number may since belong to another program (CI failed on this).
const lib = path.resolve('scripts/env/lib.sh')

function inLib(script: string, ...args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync('bash', ['-c', `. "$0" && ${script}`, lib, ...args], { encoding: 'utf8' })
  return { status: result.status, stdout: result.stdout }
}

describe('scripts/env/lib.sh PID files', () => {
  let dir: string
  let sleeper: ChildProcess
  let sleeperProgram: string

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-pidfiles-'))
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' })
    sleeperProgram = path.basename(readlinkSync(`/proc/${sleeper.pid}/exe`))
  })

  afterAll(() => {
    sleeper.kill()
    rmSync(dir, { recursive: true, force: true })
  })

  function pidFile(name: string, pid: number): string {
    const file = path.join(dir, name)
    writeFileSync(file, String(pid))
    return file
  }

  // A PID above the kernel's pid_max limit (4194304) can never be running.
  const deadPid = 4194305

  it.each([
    ['a live process of the named program', () => sleeperProgram, true],
    ['a live process when no program is named', () => '', true],
    ['a live process of another program (a reused PID)', () => 'dockerd', false]
  ])('counts %s', (_, program, alive) => {
    const file = pidFile('live.pid', sleeper.pid as number)
    expect(inLib('pid_alive "$1" "$2"', file, program()).status).toBe(alive ? 0 : 1)
  })

  it('does not count a PID that no longer runs, or a missing file', () => {
    expect(inLib('pid_alive "$1"', pidFile('dead.pid', deadPid)).status).toBe(1)
    expect(inLib('pid_alive "$1"', path.join(dir, 'missing.pid')).status).toBe(1)
  })

  it('drops a stale file and keeps a live one', () => {
    const stale = pidFile('stale.pid', sleeper.pid as number)
    const live = pidFile('keep.pid', sleeper.pid as number)
    expect(
      inLib('drop_stale_pidfile "$1" dockerd && drop_stale_pidfile "$2" "$3"', stale, live, sleeperProgram).status
    ).toBe(0)
    expect(existsSync(stale)).toBe(false)
    expect(existsSync(live)).toBe(true)
  })

  it('never signals a reused PID when stopping: the other program keeps running and the file goes', () => {
    const file = pidFile('registry.pid', sleeper.pid as number)
    expect(inLib('stop_pidfile "$1" registry docker-registry', file).status).toBe(0)
    expect(existsSync(file)).toBe(false)
    expect(sleeper.exitCode).toBeNull()
    expect(sleeper.signalCode).toBeNull()
  })
})
