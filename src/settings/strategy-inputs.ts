import * as core from '@actions/core'
import { parseDuration } from '../format/duration.js'
import { gateRequest, gateUrlSecrets } from '../strategies/gate-url.js'
import type { Gate } from '../strategies/strategy-settings.js'
import { isStrategyName, strategyNames } from '../strategies/registry.js'
import { dnsSubdomain, InputReader } from './input-forms.js'
import type { Mode, StrategySettings } from './types.js'

export function gateInput(text: string): Gate {
  if (/^https?:\/\/\S+$/.test(text)) {
    for (const secret of gateUrlSecrets(text)) core.setSecret(secret)
    // Refused here, not after the rollout: a URL fetch cannot take (a {colour} that cannot make a host name).
    gateRequest(text, 'blue')
    return { kind: 'url', url: text }
  }
  const job = /^job\/(\S+)$/.exec(text)
  if (job && dnsSubdomain.test(job[1])) return { kind: 'job', name: job[1] }
  const command = /^command:\s*(\S.*)$/.exec(text)
  if (command) return { kind: 'command', argv: command[1].trim().split(/\s+/) }
  throw new Error(
    `Invalid verify '${text}'. Expected an http(s) URL that answers 2xx, job/NAME (a Job of the manifests that must complete) or command: PROGRAM ARGS (run without a shell, must exit 0).`
  )
}

export function strategyInput(read: InputReader, mode: Mode): StrategySettings {
  const given = read('strategy').trim()
  // promote and abort act on a canary: the strategy need not be repeated.
  const strategy = given || (mode === 'promote' || mode === 'abort' ? 'canary' : 'rolling')
  if (!isStrategyName(strategy))
    throw new Error(
      `Invalid strategy '${strategy}'. Expected ${strategyNames.slice(0, -1).join(', ')} or ${strategyNames.at(-1)}.`
    )
  if ((mode === 'promote' || mode === 'abort') && strategy !== 'canary')
    throw new Error(`Mode ${mode} is for strategy canary (strategy is ${strategy}).`)
  const verify = read('verify').trim()
  const keep = read('blue-green-keep').trim()
  const percentText = read('canary-percent').trim()
  const autoPromote = read('canary-auto-promote-after').trim()
  const misplaced = [
    ...(strategy === 'rolling' && verify ? ['verify'] : []),
    ...(strategy !== 'blue-green' && keep ? ['blue-green-keep'] : []),
    ...(strategy !== 'canary' && percentText ? ['canary-percent'] : []),
    ...(strategy !== 'canary' && autoPromote ? ['canary-auto-promote-after'] : [])
  ]
  if (misplaced.length > 0)
    throw new Error(
      `${misplaced[0]} is only used with strategy: ${misplaced[0] === 'verify' ? 'blue-green or canary' : misplaced[0].startsWith('canary') ? 'canary' : 'blue-green'}.`
    )
  if (strategy === 'rolling') return { strategy }
  const gate = verify ? gateInput(verify) : undefined
  const verifyTimeoutMs = parseDuration(read('verify-timeout').trim() || '1m', 'verify-timeout')
  if (strategy === 'blue-green')
    return {
      strategy,
      blueGreen: { verify: gate, verifyTimeoutMs, keepMs: keep ? parseDuration(keep, 'blue-green-keep') : undefined }
    }
  const percent = Number(percentText || '20')
  if (!/^\d+$/.test(percentText || '20') || percent < 1 || percent > 99)
    throw new Error(
      `Invalid canary-percent '${percentText}'. Expected a whole number from 1 to 99 (the canary's share of the traffic).`
    )
  return {
    strategy,
    canary: {
      percent,
      autoPromoteAfterMs: autoPromote ? parseDuration(autoPromote, 'canary-auto-promote-after') : undefined,
      verify: gate,
      verifyTimeoutMs
    }
  }
}
