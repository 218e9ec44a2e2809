/**
 * Stands in for `undici` in the bundle (tsconfig `paths`, which ncc follows). @actions/core imports
 * @actions/http-client, which imports undici — 900 KB whose evaluation was ~100 ms of a ~230 ms start — for a
 * proxy agent and a fetch that only Octokit uses. The real module becomes a chunk loaded by preloadUndici(),
 * which github-deployments.ts awaits before it creates Octokit; nothing else reaches these exports.
 */
import type * as Undici from '../../node_modules/undici/index.js'

let real: typeof Undici | undefined

export async function preloadUndici(): Promise<void> {
  const loaded = (await import('../../node_modules/undici/index.js')) as typeof Undici & { default?: typeof Undici }
  real ??= loaded.default ?? loaded
}

function undici(): typeof Undici {
  if (!real) throw new Error('undici was used before preloadUndici(); load it first (see src/undici-lazy.ts).')
  return real
}

export class ProxyAgent {
  constructor(...args: ConstructorParameters<typeof Undici.ProxyAgent>) {
    // A constructor may return another object: callers get the real ProxyAgent.
    return new (undici().ProxyAgent)(...args)
  }
}

export function fetch(...args: Parameters<typeof Undici.fetch>): ReturnType<typeof Undici.fetch> {
  return undici().fetch(...args)
}
