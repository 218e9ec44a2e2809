/**
 * The fake API server's controllers: one pass moves each object one step (a new ReplicaSet, its pods, their
 * readiness, the old ReplicaSet's scale-down, the status), so a watch sees the intermediate states a real rollout
 * goes through. The revision rules are the real controllers' (kubernetes pkg/controller/deployment sync.go,
 * pkg/controller/history): a template that matches an old ReplicaSet or ControllerRevision brings it back with the
 * next revision number, the old number kept in deployment.kubernetes.io/revision-history.
 */
import { canonical, clone, type Obj } from './fake-fields.js'

export interface ControllerSwitches {
  deployment: boolean
  replicaSet: boolean
  /** The kubelet's part: pods become Running and ready (or fail as failPods says). */
  pod: boolean
  statefulSet: boolean
  daemonSet: boolean
  job: boolean
  /** CustomResourceDefinitions become Established (their kind served). */
  crd: boolean
  /** Dependents go with their owners (ownerReferences), objects with their namespace. */
  garbageCollector: boolean
}

/** How a pod fails, for fake.failPods. */
export interface PodFailure {
  /**
   * A container waiting reason (CrashLoopBackOff, ErrImagePull, ImagePullBackOff, CreateContainerConfigError,
   * RunContainerError), OOMKilled (a crash loop after the kill), Unschedulable (PodScheduled=False) or Unhealthy
   * (running, readiness probe failing).
   */
  reason: string
  message?: string
  exitCode?: number
  restartCount?: number
  /** The failed container's log: the crashed instance's (podLog with previous) in a crash loop, the current one for a Job's pod. */
  log?: string
}

export interface ControllerHost {
  switches: ControllerSwitches
  nodes: string[]
  now(): string
  suffix(): string
  list(apiVersion: string, kind: string, namespace?: string): Obj[]
  exists(uid: string): boolean
  create(object: Obj): Obj
  update(object: Obj, subresource?: 'status'): Obj | undefined
  remove(object: Obj): void
  podFailure(pod: Obj): PodFailure | undefined
  deadlineExceeded(deployment: Obj): boolean
  setLog(namespace: string, pod: string, container: string, text: string, previous: boolean): void
}

interface Meta {
  name: string
  namespace: string
  uid: string
  generation?: number
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: Array<{ uid: string; controller?: boolean; kind: string; name: string; apiVersion: string }>
}

const meta = (o: Obj): Meta => o.metadata as Meta
const spec = (o: Obj): Obj => (o.spec ?? {}) as Obj
const status = (o: Obj): Obj => (o.status ?? {}) as Obj
const num = (v: unknown): number => (typeof v === 'number' ? v : 0)
const revisionKey = 'deployment.kubernetes.io/revision'

/** Drops the zero counts, as the API's omitempty status fields do. */
const compact = (s: Obj): Obj => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== 0 && v !== undefined))

const ownerRef = (owner: Obj): Obj => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: meta(owner).name,
  uid: meta(owner).uid,
  controller: true,
  blockOwnerDeletion: true
})

const controlledBy = (owner: Obj) => (o: Obj) =>
  meta(o).ownerReferences?.some(r => r.controller && r.uid === meta(owner).uid) ?? false

/** A short stable hash in the alphabet of pod-template-hash (rand.SafeEncodeString of an FNV hash). */
function templateHash(value: unknown): string {
  let h = 0x811c9dc5
  for (const ch of canonical(value)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789'
  let out = ''
  for (let i = 0; i < 10; i++) {
    out += alphabet[h % alphabet.length]
    h = Math.floor(h / alphabet.length) + (i + 1) * 7907
  }
  return out
}

/** Runs every switched-on controller once over the objects. */
export function runControllers(host: ControllerHost): void {
  const s = host.switches
  if (s.garbageCollector) collectGarbage(host)
  if (s.crd) for (const crd of host.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')) establish(host, crd)
  if (s.deployment) for (const d of host.list('apps/v1', 'Deployment')) syncDeployment(host, d)
  if (s.replicaSet) for (const rs of host.list('apps/v1', 'ReplicaSet')) syncReplicaSet(host, rs)
  if (s.statefulSet) for (const sts of host.list('apps/v1', 'StatefulSet')) syncStatefulSet(host, sts)
  if (s.daemonSet) for (const ds of host.list('apps/v1', 'DaemonSet')) syncDaemonSet(host, ds)
  if (s.job) for (const job of host.list('batch/v1', 'Job')) syncJob(host, job)
  if (s.pod) for (const pod of host.list('v1', 'Pod')) runPod(host, pod)
}

function collectGarbage(host: ControllerHost): void {
  const namespaces = new Set(host.list('v1', 'Namespace').map(n => meta(n).name))
  for (const kind of [
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'ReplicaSet'],
    ['apps/v1', 'StatefulSet'],
    ['apps/v1', 'DaemonSet'],
    ['apps/v1', 'ControllerRevision'],
    ['batch/v1', 'Job'],
    ['v1', 'Pod'],
    ['v1', 'Service'],
    ['v1', 'ConfigMap'],
    ['v1', 'Secret'],
    ['v1', 'Event'],
    ['coordination.k8s.io/v1', 'Lease']
  ]) {
    for (const o of host.list(kind[0], kind[1])) {
      const refs = meta(o).ownerReferences ?? []
      if (!namespaces.has(meta(o).namespace) || (refs.length > 0 && refs.every(r => !host.exists(r.uid))))
        host.remove(o)
    }
  }
}

function establish(host: ControllerHost, crd: Obj): void {
  if (status(crd).conditions) return
  const t = host.now()
  crd.status = {
    acceptedNames: spec(crd).names,
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        reason: 'NoConflicts',
        message: 'no conflicts found',
        lastTransitionTime: t
      },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
        lastTransitionTime: t
      }
    ],
    storedVersions: ((spec(crd).versions as Obj[]) ?? []).filter(v => v.storage).map(v => v.name)
  }
  host.update(crd, 'status')
}

const templateWithoutHash = (template: unknown): unknown => {
  const t = clone(template) as Obj
  const labels = (t.metadata as Obj | undefined)?.labels as Record<string, string> | undefined
  if (labels) delete labels['pod-template-hash']
  return t
}

const rsRevision = (rs: Obj): number => Number(meta(rs).annotations?.[revisionKey] ?? 0)

const rollingUpdate = (d: Obj): Obj => ((spec(d).strategy as Obj | undefined)?.rollingUpdate as Obj | undefined) ?? {}

function percent(value: unknown, of: number, roundUp: boolean): number {
  if (typeof value === 'number') return value
  const p = Number(String(value ?? '25%').replace('%', '')) / 100
  return roundUp ? Math.ceil(p * of) : Math.floor(p * of)
}

function condition(
  previous: Obj[] | undefined,
  type: string,
  statusValue: string,
  reason: string,
  message: string,
  now: string
): Obj {
  const old = previous?.find(c => c.type === type)
  const transition = old && old.status === statusValue ? old.lastTransitionTime : now
  const update =
    old && old.reason === reason && old.message === message && old.status === statusValue ? old.lastUpdateTime : now
  return { type, status: statusValue, lastUpdateTime: update, lastTransitionTime: transition, reason, message }
}

function syncDeployment(host: ControllerHost, d: Obj): void {
  const m = meta(d)
  const all = host.list('apps/v1', 'ReplicaSet', m.namespace).filter(controlledBy(d))
  const template = spec(d).template
  const wanted = canonical(templateWithoutHash(template))
  let newRs = all.find(rs => canonical(templateWithoutHash(spec(rs).template)) === wanted)
  const old = all.filter(rs => rs !== newRs)
  const maxOld = Math.max(0, ...old.map(rsRevision))
  const desired = num(spec(d).replicas)
  if (spec(d).paused) {
    if (status(d).observedGeneration !== m.generation)
      host.update({ ...d, status: { ...status(d), observedGeneration: m.generation } }, 'status')
    return
  }
  if (!newRs) {
    const hash = templateHash(template)
    const t = clone(template) as Obj
    const tm = (t.metadata ??= {}) as Obj
    tm.labels = { ...(tm.labels as Obj), 'pod-template-hash': hash }
    const selector = clone(spec(d).selector) as Obj
    selector.matchLabels = { ...(selector.matchLabels as Obj), 'pod-template-hash': hash }
    newRs = host.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${m.name}-${hash}`,
        namespace: m.namespace,
        labels: tm.labels,
        annotations: {
          [revisionKey]: String(maxOld + 1),
          'deployment.kubernetes.io/desired-replicas': String(desired),
          'deployment.kubernetes.io/max-replicas': String(desired + percent(rollingUpdate(d).maxSurge, desired, true))
        },
        ownerReferences: [ownerRef(d)]
      },
      spec: { replicas: desired, selector, template: t }
    })
    return
  }
  if (rsRevision(newRs) <= maxOld) {
    // An old template back (a rollback): its ReplicaSet is reused and takes the next revision, the old one in the history.
    const annotations = { ...meta(newRs).annotations }
    const history = [annotations['deployment.kubernetes.io/revision-history'], annotations[revisionKey]]
      .filter(Boolean)
      .join(',')
    annotations[revisionKey] = String(maxOld + 1)
    annotations['deployment.kubernetes.io/revision-history'] = history
    host.update({ ...newRs, metadata: { ...meta(newRs), annotations } })
    return
  }
  if (m.annotations?.[revisionKey] !== String(rsRevision(newRs))) {
    host.update(
      { ...d, metadata: { ...m, annotations: { ...m.annotations, [revisionKey]: String(rsRevision(newRs)) } } },
      'status'
    )
    return
  }
  const newStatus = status(newRs)
  if (num(spec(newRs).replicas) !== desired) host.update({ ...newRs, spec: { ...spec(newRs), replicas: desired } })
  else if (num(newStatus.availableReplicas) >= desired && newStatus.observedGeneration === meta(newRs).generation) {
    for (const rs of old) if (num(spec(rs).replicas) > 0) host.update({ ...rs, spec: { ...spec(rs), replicas: 0 } })
  }
  const limit = num(spec(d).revisionHistoryLimit)
  const idle = old
    .filter(rs => num(spec(rs).replicas) === 0 && num(status(rs).replicas) === 0)
    .sort((a, b) => rsRevision(a) - rsRevision(b))
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) host.remove(rs)

  writeDeploymentStatus(host, d, all, newRs)
}

/** The status the Deployment controller derives from its ReplicaSets (sync.go calculateStatus, progress.go conditions). */
function writeDeploymentStatus(host: ControllerHost, d: Obj, all: Obj[], newRs: Obj): void {
  const m = meta(d)
  const desired = num(spec(d).replicas)
  const newStatus = status(newRs)
  const sum = (f: string): number => all.reduce((n, rs) => n + num(status(rs)[f]), 0)
  const replicas = sum('replicas')
  const updated = num(newStatus.replicas)
  const available = sum('availableReplicas')
  const complete = updated === desired && replicas === desired && num(newStatus.availableReplicas) >= desired
  const maxUnavailable = percent(rollingUpdate(d).maxUnavailable, desired, false)
  const now = host.now()
  const previous = status(d).conditions as Obj[] | undefined
  const rsName = meta(newRs).name
  const progressing = complete
    ? condition(
        previous,
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
        now
      )
    : host.deadlineExceeded(d)
      ? condition(
          previous,
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${rsName}" has timed out progressing.`,
          now
        )
      : condition(previous, 'Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, now)
  const availableCondition =
    available >= desired - maxUnavailable
      ? condition(
          previous,
          'Available',
          'True',
          'MinimumReplicasAvailable',
          'Deployment has minimum availability.',
          now
        )
      : condition(
          previous,
          'Available',
          'False',
          'MinimumReplicasUnavailable',
          'Deployment does not have minimum availability.',
          now
        )
  const next = {
    ...compact({
      observedGeneration: m.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, all.reduce((n, rs) => n + num(spec(rs).replicas), 0) - available)
    }),
    conditions: [availableCondition, progressing]
  }
  // Timestamps alone do not make a status update: the real controller writes only on a change.
  const strip = (s: Obj): string =>
    canonical({
      ...s,
      conditions: ((s.conditions as Obj[]) ?? []).map(c => ({ ...c, lastUpdateTime: 0, lastTransitionTime: 0 }))
    })
  if (strip(next) !== strip(status(d))) host.update({ ...d, status: next }, 'status')
}

function podsOf(host: ControllerHost, owner: Obj): Obj[] {
  return host.list('v1', 'Pod', meta(owner).namespace).filter(controlledBy(owner))
}

function newPod(owner: Obj, name: string, extraLabels: Record<string, string>, node?: string): Obj {
  const template = clone(spec(owner).template ?? {}) as Obj
  const tm = (template.metadata ?? {}) as Obj
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: meta(owner).namespace,
      labels: { ...(tm.labels as Obj), ...extraLabels },
      ...(tm.annotations ? { annotations: tm.annotations } : {}),
      ownerReferences: [ownerRef(owner)]
    },
    spec: { ...(template.spec as Obj), ...(node ? { nodeName: node } : {}) }
  }
}

const isReady = (pod: Obj): boolean =>
  ((status(pod).conditions as Obj[] | undefined) ?? []).some(c => c.type === 'Ready' && c.status === 'True')

function syncReplicaSet(host: ControllerHost, rs: Obj): void {
  const pods = podsOf(host, rs)
  const wanted = num(spec(rs).replicas)
  if (pods.length < wanted) {
    for (let i = pods.length; i < wanted; i++) host.create(newPod(rs, `${meta(rs).name}-${host.suffix()}`, {}))
    return
  }
  if (pods.length > wanted) {
    for (const pod of pods.slice(wanted)) host.remove(pod)
    return
  }
  const ready = pods.filter(isReady).length
  const next = {
    replicas: pods.length,
    ...compact({ fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready }),
    observedGeneration: meta(rs).generation
  }
  if (canonical(next) !== canonical(status(rs))) host.update({ ...rs, status: next }, 'status')
}

/** ControllerRevisions of a StatefulSet or DaemonSet: the current template's, created or brought back with the next number. */
function currentRevision(host: ControllerHost, owner: Obj): { name: string; all: Obj[] } {
  const all = host.list('apps/v1', 'ControllerRevision', meta(owner).namespace).filter(controlledBy(owner))
  const data = { spec: { template: { ...(spec(owner).template as Obj), $patch: 'replace' } } }
  const max = Math.max(0, ...all.map(r => num(r.revision)))
  const match = all.find(r => canonical(r.data) === canonical(data))
  if (!match) {
    const name = `${meta(owner).name}-${templateHash(data)}`
    const labels = {
      ...((spec(owner).selector as Obj | undefined)?.matchLabels as Obj),
      'controller-revision-hash': name.slice(meta(owner).name.length + 1)
    }
    host.create({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name, namespace: meta(owner).namespace, labels, ownerReferences: [ownerRef(owner)] },
      data,
      revision: max + 1
    })
    return { name, all }
  }
  if (num(match.revision) < max) host.update({ ...match, revision: max + 1 })
  return { name: meta(match).name, all }
}

function syncStatefulSet(host: ControllerHost, sts: Obj): void {
  const { name: revision } = currentRevision(host, sts)
  const replicas = num(spec(sts).replicas)
  const partition = num(((spec(sts).updateStrategy as Obj | undefined)?.rollingUpdate as Obj | undefined)?.partition)
  const pods = podsOf(host, sts)
  let changed = false
  for (let i = 0; i < replicas; i++) {
    const name = `${meta(sts).name}-${i}`
    const pod = pods.find(p => meta(p).name === name)
    if (!pod) {
      host.create(
        newPod(sts, name, {
          'controller-revision-hash': revision,
          'statefulset.kubernetes.io/pod-name': name,
          'apps.kubernetes.io/pod-index': String(i)
        })
      )
      changed = true
    } else if (
      i >= partition &&
      meta(pod).labels?.['controller-revision-hash'] !== revision &&
      (spec(sts).updateStrategy as Obj | undefined)?.type !== 'OnDelete'
    ) {
      host.remove(pod)
      changed = true
    }
  }
  for (const pod of pods) if (Number(/-(\d+)$/.exec(meta(pod).name)?.[1]) >= replicas) host.remove(pod)
  if (changed) return
  const updated = pods.filter(p => meta(p).labels?.['controller-revision-hash'] === revision).length
  const ready = pods.filter(isReady).length
  const previous = status(sts)
  const current = updated === pods.length ? revision : String(previous.currentRevision ?? revision)
  const next = {
    observedGeneration: meta(sts).generation,
    replicas: pods.length,
    readyReplicas: ready,
    currentReplicas: current === revision ? updated : pods.length - updated,
    updatedReplicas: updated,
    currentRevision: current,
    updateRevision: revision,
    collisionCount: 0,
    availableReplicas: ready
  }
  if (canonical(next) !== canonical(previous)) host.update({ ...sts, status: next }, 'status')
}

function syncDaemonSet(host: ControllerHost, ds: Obj): void {
  const { name: revision } = currentRevision(host, ds)
  const hash = revision.slice(meta(ds).name.length + 1)
  const pods = podsOf(host, ds)
  let changed = false
  for (const node of host.nodes) {
    const pod = pods.find(p => spec(p).nodeName === node)
    if (!pod) {
      host.create(newPod(ds, `${meta(ds).name}-${host.suffix()}`, { 'controller-revision-hash': hash }, node))
      changed = true
    } else if (meta(pod).labels?.['controller-revision-hash'] !== hash) {
      host.remove(pod)
      changed = true
    }
  }
  if (changed) return
  const ready = pods.filter(isReady).length
  const next = {
    currentNumberScheduled: pods.length,
    desiredNumberScheduled: host.nodes.length,
    numberMisscheduled: 0,
    numberReady: ready,
    observedGeneration: meta(ds).generation,
    updatedNumberScheduled: pods.length,
    ...compact({ numberAvailable: ready, numberUnavailable: host.nodes.length - ready })
  }
  if (canonical(next) !== canonical(status(ds))) host.update({ ...ds, status: next }, 'status')
}

function syncJob(host: ControllerHost, job: Obj): void {
  const s = status(job)
  if (
    ((s.conditions as Obj[] | undefined) ?? []).some(
      c => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True'
    )
  )
    return
  const pods = podsOf(host, job)
  const succeeded = pods.filter(p => status(p).phase === 'Succeeded').length
  const failed = pods.filter(p => status(p).phase === 'Failed').length
  const active = pods.length - succeeded - failed
  const now = host.now()
  if (succeeded >= num(spec(job).completions)) {
    const conditions = [
      {
        type: 'SuccessCriteriaMet',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
        lastProbeTime: now,
        lastTransitionTime: now
      },
      {
        type: 'Complete',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
        lastProbeTime: now,
        lastTransitionTime: now
      }
    ]
    host.update(
      { ...job, status: { ...s, ...compact({ active: 0, succeeded, failed }), completionTime: now, conditions } },
      'status'
    )
    return
  }
  if (failed > num(spec(job).backoffLimit)) {
    const conditions = [
      {
        type: 'FailureTarget',
        status: 'True',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
        lastProbeTime: now,
        lastTransitionTime: now
      },
      {
        type: 'Failed',
        status: 'True',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
        lastProbeTime: now,
        lastTransitionTime: now
      }
    ]
    host.update({ ...job, status: { ...s, ...compact({ active: 0, succeeded, failed }), conditions } }, 'status')
    return
  }
  if (active === 0) {
    host.create(newPod(job, `${meta(job).name}-${host.suffix()}`, {}))
    return
  }
  const next = {
    ...s,
    startTime: s.startTime ?? now,
    ...compact({ active, succeeded, failed, ready: pods.filter(isReady).length })
  }
  if (canonical(next) !== canonical(s)) host.update({ ...job, status: next }, 'status')
}

const waitingReasons = new Set([
  'CrashLoopBackOff',
  'OOMKilled',
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'RunContainerError',
  'InvalidImageName'
])

/** The kubelet: a new pod is Pending (ContainerCreating), then Running and ready, or fails as the test asked. */
function runPod(host: ControllerHost, pod: Obj): void {
  const m = meta(pod)
  const containers = ((spec(pod).containers as Obj[]) ?? []).map(c => String(c.name))
  const failure = host.podFailure(pod)
  const now = host.now()
  const previous = status(pod)
  const ownedByJob = m.ownerReferences?.some(r => r.kind === 'Job')
  if (previous.phase === 'Succeeded' || previous.phase === 'Failed') return
  let next: Obj
  if (!previous.phase) {
    next = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now }],
      containerStatuses: containers.map(name => ({
        name,
        ready: false,
        restartCount: 0,
        started: false,
        image: imageOf(pod, name),
        imageID: '',
        state: { waiting: { reason: 'ContainerCreating' } }
      })),
      startTime: now
    }
  } else if (failure?.reason === 'Unschedulable') {
    const message =
      failure.message ??
      `0/${host.nodes.length} nodes are available: ${host.nodes.length} Insufficient cpu. preemption: 0/${host.nodes.length} nodes are available.`
    next = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: now }]
    }
    warn(host, pod, 'FailedScheduling', message, 'default-scheduler')
  } else if (failure && ownedByJob) {
    next = {
      ...previous,
      phase: 'Failed',
      containerStatuses: containers.map(name => ({
        name,
        ready: false,
        restartCount: 0,
        image: imageOf(pod, name),
        state: { terminated: { exitCode: failure.exitCode ?? 1, reason: failure.reason } }
      }))
    }
    // Not restarted (restartPolicy Never): the terminated container is the current one, its log read without previous.
    if (failure.log !== undefined) for (const c of containers) host.setLog(m.namespace, m.name, c, failure.log, false)
  } else if (failure) {
    next = {
      ...previous,
      phase: 'Running',
      conditions: podConditions(false, now, previous),
      containerStatuses: containers.map(name => failedContainer(pod, name, failure))
    }
    if (failure.log !== undefined) for (const c of containers) host.setLog(m.namespace, m.name, c, failure.log, true)
    const message =
      failure.message ??
      (failure.reason === 'Unhealthy'
        ? 'Readiness probe failed: HTTP probe failed with statuscode: 503'
        : `Back-off restarting failed container ${containers[0]} in pod ${m.name}`)
    warn(
      host,
      pod,
      failure.reason === 'CrashLoopBackOff' || failure.reason === 'OOMKilled'
        ? 'BackOff'
        : failure.reason === 'Unhealthy'
          ? 'Unhealthy'
          : 'Failed',
      message,
      'kubelet'
    )
  } else if (ownedByJob && previous.phase === 'Running') {
    next = {
      ...previous,
      phase: 'Succeeded',
      conditions: podConditions(false, now, previous),
      containerStatuses: containers.map(name => ({
        name,
        ready: false,
        restartCount: 0,
        image: imageOf(pod, name),
        state: { terminated: { exitCode: 0, reason: 'Completed' } }
      }))
    }
  } else {
    next = {
      ...previous,
      phase: 'Running',
      conditions: podConditions(true, now, previous),
      containerStatuses: containers.map(name => ({
        name,
        ready: true,
        restartCount: 0,
        started: true,
        image: imageOf(pod, name),
        imageID: '',
        state: { running: { startedAt: previous.startTime ?? now } }
      })),
      podIP: '10.244.0.10'
    }
  }
  const strip = (s: Obj): string =>
    canonical({ ...s, conditions: ((s.conditions as Obj[]) ?? []).map(c => ({ ...c, lastTransitionTime: 0 })) })
  if (strip(next) !== strip(previous)) host.update({ ...pod, status: next }, 'status')
}

const imageOf = (pod: Obj, container: string): string =>
  String(((spec(pod).containers as Obj[]) ?? []).find(c => c.name === container)?.image ?? '')

function podConditions(ready: boolean, now: string, previous: Obj): Obj[] {
  const old = (previous.conditions as Obj[] | undefined) ?? []
  const c = (type: string, value: boolean): Obj => {
    const s = value ? 'True' : 'False'
    const before = old.find(o => o.type === type)
    return {
      type,
      status: s,
      lastTransitionTime: before?.status === s ? before.lastTransitionTime : now,
      ...(value ? {} : type === 'Ready' || type === 'ContainersReady' ? { reason: 'ContainersNotReady' } : {})
    }
  }
  return [
    c('PodReadyToStartContainers', true),
    c('Initialized', true),
    c('Ready', ready),
    c('ContainersReady', ready),
    c('PodScheduled', true)
  ]
}

function failedContainer(pod: Obj, name: string, failure: PodFailure): Obj {
  const image = imageOf(pod, name)
  if (failure.reason === 'Unhealthy')
    return {
      name,
      ready: false,
      restartCount: failure.restartCount ?? 0,
      started: true,
      image,
      state: { running: { startedAt: status(pod).startTime } }
    }
  if (!waitingReasons.has(failure.reason) || failure.reason === 'CrashLoopBackOff' || failure.reason === 'OOMKilled') {
    const oom = failure.reason === 'OOMKilled'
    return {
      name,
      ready: false,
      restartCount: failure.restartCount ?? 3,
      started: false,
      image,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message:
            failure.message ??
            `back-off 40s restarting failed container=${name} pod=${meta(pod).name}_${meta(pod).namespace}(${meta(pod).uid})`
        }
      },
      lastState: { terminated: { exitCode: failure.exitCode ?? (oom ? 137 : 1), reason: oom ? 'OOMKilled' : 'Error' } }
    }
  }
  const message =
    failure.message ?? (failure.reason.includes('Image') ? `Back-off pulling image "${image}"` : failure.reason)
  return {
    name,
    ready: false,
    restartCount: failure.restartCount ?? 0,
    started: false,
    image,
    state: { waiting: { reason: failure.reason, message } }
  }
}

/** A Warning Event about a pod, once per reason. */
function warn(host: ControllerHost, pod: Obj, reason: string, message: string, component: string): void {
  const m = meta(pod)
  const events = host.list('v1', 'Event', m.namespace)
  if (events.some(e => (e.involvedObject as Obj).uid === m.uid && e.reason === reason)) return
  const now = host.now()
  host.create({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${m.name}.${host.suffix()}`, namespace: m.namespace },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: m.name, namespace: m.namespace, uid: m.uid },
    reason,
    message,
    type: 'Warning',
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component }
  })
}
