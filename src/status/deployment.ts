import { conditionsOf, num, ofKind, specObserved, StatusReader, Verdict, WorkloadObject } from './reader.js'

export function deploymentVerdict(object: WorkloadObject): Verdict {
  const name = `deployment/${object.metadata.name}`
  const status = object.status ?? {}
  if (num(object.metadata.generation) > num(status.observedGeneration)) {
    return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` }
  }
  // kubectl checks only the reason, whatever the condition's status.
  const progressing = conditionsOf(object).find(c => c.type === 'Progressing')
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      message: `${name} exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}`
    }
  }
  const replicas = object.spec?.replicas === undefined ? 1 : num(object.spec.replicas)
  const updated = num(status.updatedReplicas)
  const current = num(status.replicas)
  // kubectl would wait on a paused Deployment until its timeout; nothing will move, so say so at once.
  if (object.spec?.paused === true && (updated < replicas || current > updated)) {
    return {
      state: 'failed',
      message: `${name} is paused with an update pending; resume it (kubectl rollout resume ${name}) to roll out`
    }
  }
  const available = num(status.availableReplicas)
  if (updated < replicas) {
    return { state: 'progressing', message: `${name}: ${updated} of ${replicas} new replicas have been updated` }
  }
  if (current > updated) {
    return { state: 'progressing', message: `${name}: ${current - updated} old replicas are pending termination` }
  }
  if (available < updated) {
    return { state: 'progressing', message: `${name}: ${available} of ${updated} updated replicas are available` }
  }
  return { state: 'done', message: `${name} successfully rolled out` }
}

const revisionAnnotation = 'deployment.kubernetes.io/revision'

/** Deployments by kubectl's rules; their pods belong to the ReplicaSet of the Deployment's current revision. */
export const deploymentReader: StatusReader = {
  supports: ofKind('Deployment'),
  waitable: () => true,
  verdict: deploymentVerdict,
  plural: 'deployments',
  undo: 'ReplicaSet',
  pods: {
    failFast: true,
    ownersOf: pod => {
      // A Deployment's ReplicaSet is named <deployment>-<pod-template-hash>.
      const hash = pod.metadata.labels?.['pod-template-hash']
      return (pod.metadata.ownerReferences ?? [])
        .filter(o => o.kind === 'ReplicaSet' && hash && o.name.endsWith(`-${hash}`))
        .map(o => ({ kind: 'Deployment', name: o.name.slice(0, -hash!.length - 1) }))
    },
    isNewRevision: async (object, pod, lookup) => {
      if (!specObserved(object)) return false
      const owner = pod.metadata.ownerReferences?.find(o => o.kind === 'ReplicaSet')
      const revision = object.metadata.annotations?.[revisionAnnotation]
      if (!owner || !revision) return false
      return (await lookup.replicaSetRevision(owner.name, revision)) === revision
    }
  }
}
