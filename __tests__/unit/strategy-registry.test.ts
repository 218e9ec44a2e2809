import { describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'
import type { TrafficReport } from '../../src/strategies/traffic.js'

jest.unstable_mockModule('@actions/core', () => core)
const { parseSettings } = await import('../../src/settings/parse.js')
const { isStrategyName, strategyNamed, strategyNames } = await import('../../src/strategies/registry.js')

const env = { GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567', GITHUB_REPOSITORY: 'acme/api' }
const base = { image: 'localhost:5000/acme/api', manifests: 'manifests/' }
const settingsOf = (inputs: Record<string, string>) => parseSettings(name => ({ ...base, ...inputs })[name] ?? '', env)

const blueGreen: TrafficReport = {
  strategy: 'blue-green',
  before: 'blue',
  after: 'green',
  services: ['web'],
  switched: true,
  coloured: ['web'],
  rolling: []
}
const blueGreenDropped: TrafficReport = { ...blueGreen, after: 'blue', switched: false }
const canary: TrafficReport = {
  strategy: 'canary',
  stage: 'canary',
  replicaPercent: 25,
  weight: 25,
  canaries: [{ name: 'web-canary', replicas: 1, stable: 'web', stableReplicas: 3 }],
  added: ['deployment/web-canary']
}
const aborted: TrafficReport = { ...canary, stage: 'aborted' }

describe('the strategy registry', () => {
  it('names each strategy by the key it is registered under, and refuses other names', () => {
    expect(strategyNames).toEqual(['rolling', 'blue-green', 'canary'])
    for (const name of strategyNames) expect(strategyNamed(name).name).toBe(name)
    expect(isStrategyName('recreate')).toBe(false)
    expect(isStrategyName('toString')).toBe(false)
    expect(() => strategyNamed('recreate')).toThrow("Unknown strategy 'recreate'.")
  })

  it('lists the registered strategies in the error for an unknown one', () => {
    expect(() => settingsOf({ strategy: 'recreate' })).toThrow(
      "Invalid strategy 'recreate'. Expected rolling, blue-green or canary."
    )
  })
})

describe('each strategy validates the parsed settings', () => {
  it.each([
    [{ strategy: 'rolling', mode: 'build' }, undefined],
    [{ strategy: 'rolling', wait: 'false' }, undefined],
    [
      { strategy: 'blue-green', mode: 'history' },
      'strategy blue-green is used in modes deploy, apply and rollback, not in mode history.'
    ],
    [
      { strategy: 'blue-green', wait: 'false' },
      'strategy blue-green needs wait: true: the Services switch once the new colour is ready.'
    ],
    [
      { strategy: 'blue-green', mode: 'rollback', 'rollback-to': '3' },
      'rollback-to a revision number is not for strategy blue-green'
    ],
    [{ strategy: 'blue-green', mode: 'rollback', 'rollback-to': 'previous' }, undefined],
    [
      { strategy: 'canary', mode: 'build' },
      'strategy canary is used in modes deploy, apply, promote and abort, not in mode build.'
    ],
    [{ strategy: 'canary', mode: 'rollback', 'rollback-to': 'previous' }, 'mode rollback is not for strategy canary'],
    [
      { strategy: 'canary', wait: 'false' },
      'strategy canary needs wait: true: the canary is checked once it is ready.'
    ],
    [{ mode: 'abort' }, undefined]
  ])('%j → %s', (inputs, error) => {
    if (error) expect(() => settingsOf(inputs)).toThrow(error)
    else expect(() => settingsOf(inputs)).not.toThrow()
  })
})

describe('each strategy owns its part of the report', () => {
  it.each([
    ['rolling', blueGreen, {}, undefined, undefined, undefined],
    [
      'blue-green',
      blueGreen,
      { 'live-colour': 'green' },
      'traffic switched to green',
      undefined,
      '### Traffic (blue-green)'
    ],
    [
      'blue-green',
      blueGreenDropped,
      { 'live-colour': 'blue' },
      'traffic stays on blue',
      'Blue-green: the new colour was deleted; blue still serves, untouched.',
      '### Traffic (blue-green)'
    ],
    ['blue-green', canary, {}, undefined, undefined, undefined],
    ['canary', canary, { 'canary-stage': 'canary' }, 'canary canary', undefined, '### Canary: canary'],
    [
      'canary',
      aborted,
      { 'canary-stage': 'aborted' },
      'canary aborted',
      'Canary: the canary was deleted; the stable version was not touched.',
      '### Canary: aborted'
    ],
    ['canary', blueGreen, {}, undefined, undefined, undefined]
  ] as const)('%s with a %j report', (name, traffic, outputs, detail, untouched, heading) => {
    const strategy = strategyNamed(name)
    expect(strategy.outputs(traffic)).toEqual(outputs)
    expect(strategy.resultDetail(traffic)).toBe(detail)
    expect(strategy.untouchedLine(traffic)).toBe(untouched)
    expect(strategy.summary(traffic)[0]).toBe(heading)
  })

  it('reads history where the workloads live: both colours under blue-green, the name itself otherwise', () => {
    const web = { kind: 'Deployment', namespace: 'shop', name: 'web' }
    const db = { kind: 'StatefulSet', namespace: 'shop', name: 'db' }
    expect(
      strategyNamed('blue-green')
        .historyOf(web)
        .map(w => w.name)
    ).toEqual(['web', 'web-blue', 'web-green'])
    expect(strategyNamed('blue-green').historyOf(db)).toEqual([db])
    expect(strategyNamed('rolling').historyOf(web)).toEqual([web])
    expect(strategyNamed('canary').historyOf(web)).toEqual([web])
    expect(strategyNames.filter(n => !strategyNamed(n).liveUnderManifestNames)).toEqual(['blue-green'])
  })

  it('gives a way back to mode rollback only for blue-green, and mode abort only for canary', () => {
    expect(strategyNames.filter(n => strategyNamed(n).switchBack)).toEqual(['blue-green'])
    expect(strategyNames.filter(n => strategyNamed(n).abort)).toEqual(['canary'])
  })

  it('leaves a rolling deploy to the plain apply', async () => {
    await expect(strategyNamed('rolling').prepare({} as never)).resolves.toBeUndefined()
  })
})
