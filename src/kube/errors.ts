export interface KubeStatus {
  kind?: string
  code?: number
  reason?: string
  message?: string
  details?: { kind?: string; name?: string; causes?: Array<{ field?: string; message?: string; reason?: string }> }
}

/** An error answer of the API server, with its Status body. */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly status: KubeStatus,
    readonly method: string,
    readonly path: string
  ) {
    super(status.message || `${method} ${path}: HTTP ${statusCode}`)
    this.name = 'KubeApiError'
  }
}

/** A request the API server did not answer in time. The message names the endpoint, never a header. */
export class KubeTimeoutError extends Error {
  constructor(
    readonly phase: 'connect' | 'response' | 'body' | 'watch-idle',
    readonly origin: string,
    readonly method: string,
    readonly path: string,
    readonly afterMs: number,
    note = ''
  ) {
    const seconds = formatSeconds(afterMs)
    const what = {
      connect: `did not accept a connection for ${method} ${path} within ${seconds}`,
      response: `did not answer ${method} ${path} within ${seconds}`,
      body: `stopped sending the response to ${method} ${path}: nothing for ${seconds}`,
      'watch-idle': `sent nothing on the watch ${path} for ${seconds}, well past its timeoutSeconds`
    }[phase]
    super(`The Kubernetes API at ${origin} ${what} (timed out)${note}.`)
    this.name = 'KubeTimeoutError'
  }

  /** The same timeout, saying how many attempts it took, or why the request was not sent again. */
  withNote(attempts: number, repeated: boolean, totalMs: number): KubeTimeoutError {
    const note =
      attempts > 0
        ? `; ${attempts + 1} attempts in ${formatSeconds(totalMs)}`
        : repeated || this.phase === 'connect'
          ? ''
          : `; not sent again, since the ${this.method} may have taken effect`
    return new KubeTimeoutError(this.phase, this.origin, this.method, this.path, this.afterMs, note)
  }
}

const formatSeconds = (ms: number): string => `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`
