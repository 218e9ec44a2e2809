import * as core from '@actions/core'
import { spawn } from 'node:child_process'
import { childEnv } from '../process/child-env.js'
import type { GateRequest } from './gate-url.js'

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Runs the health gate of the new version (colour, for blue-green); throws saying why it did not pass. */
export type GateRunner = (colour?: string) => Promise<void>

/**
 * The health gate: the URL must answer 2xx before the deadline (tried every second; the new pods just turned
 * ready). Messages name it as `request.shown`, without its credentials.
 */
export async function verifyUrl(request: GateRequest, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: string
  for (;;) {
    try {
      const response = await fetch(request.url, {
        headers: request.headers,
        signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now())))
      })
      if (response.ok) return
      last = `HTTP ${response.status}`
    } catch (error) {
      last = ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message).replaceAll(
        request.url,
        request.shown
      )
    }
    if (Date.now() + 1000 > deadline)
      throw new Error(
        `The health gate ${request.shown} did not answer 2xx within ${Math.round(timeoutMs / 1000)} s (last: ${last}).`
      )
    await sleep(1000)
  }
}

/**
 * The command gate: the program runs with the words of the input as its arguments (no shell), BND_COLOUR set for
 * blue-green, its output in the log; it passes by exiting 0 within the timeout.
 */
export function verifyCommand(argv: string[], timeoutMs: number, colour?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      env: childEnv(colour ? { BND_COLOUR: colour } : {}),
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const log = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) core.info(`  ${line}`)
    }
    child.stdout.on('data', log)
    child.stderr.on('data', log)
    child.on('error', error =>
      reject(new Error(`The health gate command ${argv[0]} could not run: ${error.message}`, { cause: error }))
    )
    child.on('close', (code, signal) => {
      if (code === 0) resolve()
      else
        reject(
          new Error(
            `The health gate command ${argv.join(' ')} ${signal ? `was stopped (${signal}${signal === 'SIGTERM' ? `, after ${Math.round(timeoutMs / 1000)} s` : ''})` : `exited with ${code}`}.`
          )
        )
    })
  })
}
