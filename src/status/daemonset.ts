import { num, ofKind, ownersOfKind, StatusReader, Verdict, WorkloadObject } from './reader.js'

export function daemonSetVerdict(object: WorkloadObject): Verdict {
  const name = `daemonset/${object.metadata.name}`
  const status = object.status ?? {}
  const strategy = (object.spec?.updateStrategy as { type?: string } | undefined)?.type ?? 'RollingUpdate'
  if (strategy !== 'RollingUpdate') {
    return { state: 'failed', message: `${name}: rollout status is only available for RollingUpdate strategy type` }
  }
  if (num(object.metadata.generation) > num(status.observedGeneration)) {
    return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` }
  }
  const desired = num(status.desiredNumberScheduled)
  const updated = num(status.updatedNumberScheduled)
  const available = num(status.numberAvailable)
  if (updated < desired) {
    return { state: 'progressing', message: `${name}: ${updated} of ${desired} updated pods have been scheduled` }
  }
  if (available < desired) {
    return { state: 'progressing', message: `${name}: ${available} of ${desired} updated pods are available` }
  }
  return { state: 'done', message: `${name} successfully rolled out` }
}

/** DaemonSets by kubectl's rules; their new pods carry the object's generation as pod-template-generation. */
export const daemonSetReader: StatusReader = {
  supports: ofKind('DaemonSet'),
  waitable: () => true,
  verdict: daemonSetVerdict,
  plural: 'daemonsets',
  undo: 'ControllerRevision',
  pods: {
    failFast: true,
    ownersOf: pod => ownersOfKind('DaemonSet', pod),
    isNewRevision: async (object, pod) =>
      pod.metadata.labels?.['pod-template-generation'] === String(object.metadata.generation)
  }
}
