import { conditionsOf, ofKind, StatusReader, Verdict, WorkloadObject } from './reader.js'

export function podVerdict(object: WorkloadObject): Verdict {
  const name = `pod/${object.metadata.name}`
  const phase = object.status?.phase as string | undefined
  if (phase === 'Succeeded') return { state: 'done', message: `${name} succeeded` }
  if (phase === 'Failed') return { state: 'failed', message: `${name} failed` }
  const ready = conditionsOf(object).find(c => c.type === 'Ready')
  if (phase === 'Running' && ready?.status === 'True') return { state: 'done', message: `${name} is ready` }
  return { state: 'progressing', message: `${name}: ${phase ?? 'Pending'}, not ready` }
}

/** A bare Pod is its own only pod: the wait judges it from the pod watch. */
export const podReader: StatusReader = {
  supports: ofKind('Pod'),
  waitable: () => true,
  verdict: podVerdict,
  plural: 'pods',
  pods: {
    failFast: true,
    ownersOf: pod => [{ kind: 'Pod', name: pod.metadata.name }],
    isNewRevision: async () => true,
    isThePod: true
  }
}
