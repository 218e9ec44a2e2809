export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** The health gate: the URL must answer 2xx before the deadline (tried every second; the new pods just turned ready). */
export async function verify(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: string
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now()))) })
      if (response.ok) return
      last = `HTTP ${response.status}`
    } catch (error) {
      last = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message
    }
    if (Date.now() + 1000 > deadline) throw new Error(`The health gate ${url} did not answer 2xx within ${Math.round(timeoutMs / 1000)} s (last: ${last}).`)
    await sleep(1000)
  }
}
