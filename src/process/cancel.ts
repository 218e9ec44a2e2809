import * as core from '@actions/core'

/**
 * The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that. With handlers
 * installed Node no longer exits on those signals: the run stops waiting, and still writes its outputs, its summary
 * and releases the lock, well within that grace period.
 */
export function cancelOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController()
  const handler = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    core.info(`Received ${name}: the run is cancelled; stopping the wait, then reporting and releasing the lock.`)
    controller.abort(new Error(`cancelled (${name})`))
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    }
  }
}
