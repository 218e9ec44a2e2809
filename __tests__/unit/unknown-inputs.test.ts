import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { actionInputs } from '../../src/settings/action-inputs.js'
import { closestName, editDistance, unknownInputWarnings } from '../../src/settings/unknown-inputs.js'

const actionYml = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, unknown>
}

describe('src/settings/action-inputs.ts', () => {
  it('lists the inputs of action.yml, in order (regenerate with node scripts/action-inputs.mjs)', () => {
    expect(actionInputs).toEqual(Object.keys(actionYml.inputs))
  })
})

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['namespace', 'namespace', 0],
    ['create-namespaces', 'create-namespace', 1],
    ['namsepace', 'namespace', 1],
    ['kubecontext', 'kube-context', 1],
    ['create_namespace', 'create-namespace', 1],
    ['kitten', 'sitting', 3]
  ])('%s → %s: %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance)
    expect(editDistance(b, a)).toBe(distance)
  })
})

describe('closestName', () => {
  it.each([
    ['create-namespaces', 'create-namespace'],
    ['manifest', 'manifests'],
    ['timout', 'timeout'],
    ['kubecontext', 'kube-context'],
    ['create_namespace', 'create-namespace'],
    ['rollback_to', 'rollback-to'],
    ['dryrun', 'dry-run'],
    ['wait-for-job', 'wait-for-jobs'],
    ['tags', 'tag'],
    ['registry-user', 'registry-username'],
    ['token', undefined],
    ['replicas', undefined],
    ['x', undefined]
  ])('%s → %s', (name, expected) => {
    expect(closestName(name, actionInputs)).toBe(expected)
  })
})

describe('unknownInputWarnings', () => {
  it('warns for each INPUT_ variable no input reads, sorted, with the closest name', () => {
    const env = {
      'INPUT_CREATE-NAMESPACES': 'true',
      INPUT_MANIFEST: 'k8s/',
      INPUT_MANIFESTS: 'k8s/',
      'INPUT_CREATE-NAMESPACE': 'false',
      INPUT_REPLICAS: '3',
      PATH: '/usr/bin',
      GITHUB_SHA: 'abc'
    }
    expect(unknownInputWarnings(env, actionInputs)).toEqual([
      "Unknown input 'create-namespaces' (did you mean 'create-namespace'?); it is ignored. The inputs are listed in action.yml and the README.",
      "Unknown input 'manifest' (did you mean 'manifests'?); it is ignored. The inputs are listed in action.yml and the README.",
      "Unknown input 'replicas'; it is ignored. The inputs are listed in action.yml and the README."
    ])
  })

  it('is silent for every declared input, as the runner sets them (its defaults included)', () => {
    const env = Object.fromEntries(actionInputs.map(name => [`INPUT_${name.toUpperCase()}`, '']))
    expect(unknownInputWarnings(env, actionInputs)).toEqual([])
  })

  it('matches names with spaces as core.getInput reads them (space → _)', () => {
    expect(unknownInputWarnings({ INPUT_MY_INPUT: 'x' }, ['my input'])).toEqual([])
  })
})
