/**
 * The verify input: a health gate the new version must pass before it takes traffic (blue-green) or keeps it
 * (canary). An URL must answer 2xx ({colour} is replaced by the new colour); a Job of the manifests must
 * complete; a command (no shell: its words are the arguments) must exit 0.
 */
export type Gate = { kind: 'url'; url: string } | { kind: 'job'; name: string } | { kind: 'command'; argv: string[] }

/** strategy: blue-green. The new colour is deployed beside the live one and the Services switched once it is ready. */
export interface BlueGreenSettings {
  verify?: Gate
  verifyTimeoutMs: number
  /** How long the old colour stays scaled after the switch; undefined: until the next deploy. */
  keepMs?: number
}

/** strategy: canary. The new version runs beside the stable one with a share of the traffic until promote or abort. */
export interface CanarySettings {
  /** The share of traffic (canary pods among all; an ingress-nginx canary Ingress's weight), 1 to 99. */
  percent: number
  /** Promote in the same step once the canary has been ready (and its gate green) this long. */
  autoPromoteAfterMs?: number
  verify?: Gate
  verifyTimeoutMs: number
}
