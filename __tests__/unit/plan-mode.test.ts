import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { driftOf } from '../../src/modes/plan-drift.js'
import { recordedObject } from '../../src/releases/record.js'
import { commentMarker, pullRequestNumber } from '../../src/github/pr-comment.js'
import { wouldRoll } from '../../src/modes/plan.js'
import type { AppliedObject } from '../../src/deploy/apply.js'

const configMap = (greeting: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-config', namespace: 'shop', ...extra },
  data: { GREETING: greeting }
})

describe('driftOf', () => {
  it.each([
    ['nothing when the live object holds what was set', configMap('hi'), configMap('hi'), []],
    [
      'nothing for what only the live object has (server fields, other managers own keys)',
      configMap('hi'),
      { ...configMap('hi', { uid: 'u', resourceVersion: '7', managedFields: [] }), status: {}, binaryData: {} },
      []
    ],
    [
      'a field the release set and a hand edit changed',
      configMap('hi'),
      configMap('edited'),
      [{ path: 'data.GREETING', from: '"hi"', to: '"edited"' }]
    ],
    [
      'a field the release set and someone removed',
      { ...configMap('hi'), data: { GREETING: 'hi', MODE: 'fast' } },
      configMap('hi'),
      [{ path: 'data.MODE', from: '"fast"', to: undefined }]
    ],
    ['a deleted object', configMap('hi'), undefined, [{ path: '(object)', from: 'as recorded', to: 'deleted' }]]
  ])('%s', (_, recorded, live, drift) => {
    expect(driftOf(recorded, live as never)).toEqual(drift)
  })

  it('leaves out replicas that an autoscaler or kubectl scale owns through the scale subresource', () => {
    const deployment = (replicas: number, managedFields: unknown[] = []) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', managedFields },
      spec: { replicas, paused: false }
    })
    const scaledBy = [{ manager: 'kubectl', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }]
    expect(driftOf(deployment(3), deployment(5, scaledBy) as never)).toEqual([])
    expect(driftOf(deployment(3), deployment(5) as never)).toEqual([{ path: 'spec.replicas', from: '3', to: '5' }])
  })

  it('compares a Secret by the hashes the record keeps, never showing a value', () => {
    const recorded = recordedObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { k: 'v1' }
    })
    const live = (value: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { k: Buffer.from(value).toString('base64') }
    })
    expect(driftOf(recorded, live('v1'))).toEqual([])
    const drift = driftOf(recorded, live('v2-secret-value'))
    expect(drift).toEqual([{ path: 'data', from: '(recorded values, by hash)', to: '(other values)' }])
    expect(JSON.stringify(drift)).not.toContain('v2-secret-value')
  })
})

describe('wouldRoll', () => {
  const applied = (kind: string, action: string, paths: string[]) =>
    ({
      target: { object: { kind, metadata: { name: kind.toLowerCase() } } },
      action,
      changes: paths.map(path => ({ path }))
    }) as unknown as AppliedObject
  it('names the workloads with a changed pod template, and new ones; not a scale or metadata change', () => {
    expect(
      wouldRoll([
        applied('Deployment', 'configured', ['spec.template.spec.containers[0].image']),
        applied('StatefulSet', 'configured', ['spec.replicas', 'metadata.annotations.x']),
        applied('DaemonSet', 'created', []),
        applied('ConfigMap', 'configured', ['data.GREETING']),
        applied('Deployment', 'unchanged', [])
      ])
    ).toEqual(['deployment/deployment', 'daemonset/daemonset (new)'])
  })
})

describe('pullRequestNumber', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bnd-event-'))
  const event = (value: unknown) => {
    const file = path.join(dir, `${Math.random()}.json`)
    writeFileSync(file, JSON.stringify(value))
    return file
  }
  it.each<[string, NodeJS.ProcessEnv, number | undefined]>([
    ['the pull_request event', { GITHUB_EVENT_PATH: event({ number: 7, pull_request: { number: 7 } }) }, 7],
    ['the merge ref when the event has none', { GITHUB_EVENT_PATH: event({}), GITHUB_REF: 'refs/pull/12/merge' }, 12],
    [
      'an unreadable event file, then the ref',
      { GITHUB_EVENT_PATH: path.join(dir, 'absent'), GITHUB_REF: 'refs/pull/3/head' },
      3
    ],
    ['none on a push', { GITHUB_EVENT_PATH: event({ number: 5 }), GITHUB_REF: 'refs/heads/main' }, undefined]
  ])('%s', (_, env, number) => {
    expect(pullRequestNumber(env)).toBe(number)
  })

  it('marks the comment per target', () => {
    expect(commentMarker('deploy')).toBe('<!-- build-and-deploy plan: deploy -->')
  })
})
