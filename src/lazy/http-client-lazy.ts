/**
 * Stands in for `@actions/http-client` in the bundle (tsconfig `paths`, which ncc follows). @actions/core imports
 * it for OIDC tokens, which this action never requests, and its proxy support loads `tunnel` and with it assert:
 * start-up cost for every run. Only Octokit's proxy setup uses HttpClient, so the real module becomes a chunk
 * that github-deployments.ts loads (preloadHttpClient) before it creates Octokit.
 */
import type * as HttpClientModule from '../../node_modules/@actions/http-client/lib/index.js'

let real: typeof HttpClientModule | undefined

export async function preloadHttpClient(): Promise<void> {
  real ??= await import('../../node_modules/@actions/http-client/lib/index.js')
}

export class HttpClient {
  constructor(...args: ConstructorParameters<typeof HttpClientModule.HttpClient>) {
    if (!real)
      throw new Error(
        '@actions/http-client was used before preloadHttpClient(); load it first (see src/http-client-lazy.ts).'
      )
    // A constructor may return another object: callers get the real HttpClient.
    return new real.HttpClient(...args)
  }
}
