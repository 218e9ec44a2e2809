/** Exponential backoff with full jitter, capped, honouring Retry-After from API Priority and Fairness. */
export function retryDelayMs(attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds && retryAfterSeconds > 0) return Math.min(retryAfterSeconds * 1000, 10_000)
  const cap = Math.min(200 * 2 ** attempt, 5_000)
  return cap / 2 + Math.random() * (cap / 2)
}
