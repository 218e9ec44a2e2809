/**
 * What the runner passes to an action as its inputs (INPUT_REGISTRY-PASSWORD, INPUT_GITHUB-TOKEN,
 * INPUT_KUBECONFIG …): the credentials of this step, which no child process needs and any could leak.
 */
const isActionInput = (name: string): boolean => /^INPUT_/i.test(name)

/** The environment of a child process (docker, helm, kustomize, the verify command): the runner's, minus inputs. */
export function childEnv(
  extra: Record<string, string> = {},
  env: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !isActionInput(name)) out[name] = value
  return { ...out, ...extra }
}

/**
 * For a runner that only adds variables to the environment it inherits (client-node's exec credential plugin
 * runner): every input emptied, the plugin's own variables after them.
 */
export function inputsBlanked(env: NodeJS.ProcessEnv = process.env): Array<{ name: string; value: string }> {
  return Object.keys(env)
    .filter(isActionInput)
    .map(name => ({ name, value: '' }))
}
