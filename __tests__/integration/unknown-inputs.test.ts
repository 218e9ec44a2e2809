import { describe, expect, it } from '@jest/globals'
import { env, randomSha, runAction, testRepository } from './harness.js'

/** A misspelt input is named with the closest declared one, before the error it often explains. */
describe('unknown inputs', () => {
  it('warns for each, with the input meant, and still reports the real error once', async () => {
    const run = await runAction(
      { image: `${env.BND_REGISTRY}/${testRepository}`, manifest: 'k8s/app.yaml', 'create-namespaces': 'true' },
      { sha: randomSha() }
    )
    expect(run.code).toBe(1)
    const warnings = run.stdout.split('\n').filter(line => line.startsWith('::warning::'))
    expect(warnings).toEqual([
      "::warning::Unknown input 'create-namespaces' (did you mean 'create-namespace'?); it is ignored. The inputs are listed in action.yml and the README.",
      "::warning::Unknown input 'manifest' (did you mean 'manifests'?); it is ignored. The inputs are listed in action.yml and the README."
    ])
    const errors = run.stdout.split('\n').filter(line => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('The manifests input is required in mode deploy')
    expect(run.stdout.indexOf('::warning::')).toBeLessThan(run.stdout.indexOf('::error::'))
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^build-and-deploy: failed in \S+ — The manifests input is required in mode deploy/
    )
  })
})
