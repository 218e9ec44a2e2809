import type { Diagnosis } from './wait.js'

/** A failed pod's diagnosis as log lines: the reason, its Warning events and its last log lines. */
export function formatDiagnosis(diagnosis: Diagnosis): string[] {
  const lines = [
    `pod ${diagnosis.pod}${diagnosis.container ? `, container ${diagnosis.container}` : ''}: ${diagnosis.reason}${diagnosis.message ? ` — ${diagnosis.message}` : ''}` +
      (diagnosis.restartCount ? ` (restarts: ${diagnosis.restartCount})` : '')
  ]
  for (const event of diagnosis.events) lines.push(`  event ${event}`)
  if (diagnosis.logs.length > 0) {
    lines.push(`  last log lines${diagnosis.previousLog ? ' (previous container)' : ''}:`)
    for (const line of diagnosis.logs) lines.push(`    ${line}`)
  }
  return lines
}
