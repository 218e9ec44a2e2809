/**
 * Stands in for `@actions/exec` in the bundle (tsconfig `paths`, which ncc follows). @actions/core imports it
 * for `platform`, which this action never calls, and it loads child_process, @actions/io and assert: start-up
 * cost for every run, while only builds and rendering run a program. The real module becomes a chunk loaded on
 * the first call; both functions are async already, so callers cannot tell.
 */
import type * as Exec from '../../node_modules/@actions/exec/lib/exec.js'

export type { ExecListeners, ExecOptions, ExecOutput } from '../../node_modules/@actions/exec/lib/exec.js'

const load = (): Promise<typeof Exec> => import('../../node_modules/@actions/exec/lib/exec.js')

export async function exec(...args: Parameters<typeof Exec.exec>): ReturnType<typeof Exec.exec> {
  return (await load()).exec(...args)
}

export async function getExecOutput(
  ...args: Parameters<typeof Exec.getExecOutput>
): ReturnType<typeof Exec.getExecOutput> {
  return (await load()).getExecOutput(...args)
}
