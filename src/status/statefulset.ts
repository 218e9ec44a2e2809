import { num, ofKind, ownersOfKind, specObserved, StatusReader, Verdict, WorkloadObject } from './reader.js'

export function statefulSetVerdict(object: WorkloadObject): Verdict {
  const name = `statefulset/${object.metadata.name}`
  const status = object.status ?? {}
  const updateStrategy = object.spec?.updateStrategy as
    { type?: string; rollingUpdate?: { partition?: number } } | undefined
  if (updateStrategy?.type === 'OnDelete') {
    return { state: 'failed', message: `${name}: rollout status is only available for RollingUpdate strategy type` }
  }
  const observed = num(status.observedGeneration)
  if (observed === 0 || num(object.metadata.generation) > observed) {
    return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` }
  }
  const replicas = object.spec?.replicas === undefined ? 1 : num(object.spec.replicas)
  const ready = num(status.readyReplicas)
  if (ready < replicas) {
    return { state: 'progressing', message: `${name}: ${ready} of ${replicas} pods are ready` }
  }
  // The API server defaults rollingUpdate to {partition: 0}; only an object without it compares revisions.
  if (updateStrategy?.rollingUpdate) {
    const partition = num(updateStrategy.rollingUpdate.partition)
    const updated = num(status.updatedReplicas)
    if (updated < replicas - partition) {
      return {
        state: 'progressing',
        message: `${name}: ${updated} of ${replicas - partition} pods updated (partition ${partition})`
      }
    }
    return { state: 'done', message: `${name}: partitioned roll out complete: ${updated} new pods have been updated` }
  }
  if (status.updateRevision !== status.currentRevision) {
    return {
      state: 'progressing',
      message: `${name}: waiting for the update to revision ${String(status.updateRevision)} to complete`
    }
  }
  return {
    state: 'done',
    message: `${name}: rolling update complete ${String(status.currentReplicas ?? replicas)} pods at revision ${String(status.currentRevision)}`
  }
}

/** StatefulSets by kubectl's rules; their new pods carry the updateRevision as controller-revision-hash. */
export const statefulSetReader: StatusReader = {
  supports: ofKind('StatefulSet'),
  waitable: () => true,
  verdict: statefulSetVerdict,
  plural: 'statefulsets',
  undo: 'ControllerRevision',
  pods: {
    failFast: true,
    ownersOf: pod => ownersOfKind('StatefulSet', pod),
    isNewRevision: async (object, pod) => {
      if (!specObserved(object)) return false
      return (
        !!object.status?.updateRevision &&
        pod.metadata.labels?.['controller-revision-hash'] === object.status.updateRevision
      )
    }
  }
}
