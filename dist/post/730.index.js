export const id = 730;
export const ids = [730];
export const modules = {

/***/ 6730:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  BlueGreenDeploy: () => (/* binding */ BlueGreenDeploy),
  switchBack: () => (/* binding */ switchBack)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 9 modules
var core = __webpack_require__(9584);
// EXTERNAL MODULE: ./src/kube/errors.ts
var errors = __webpack_require__(3646);
;// CONCATENATED MODULE: ./src/kube/managed-fields.ts

/**
 * Hands back the fields an Update by `manager` took (a rollback's patch, a scale): its managedFields entry is
 * removed, so the next server-side apply by the action's own field manager does not conflict on them.
 */
async function releaseFields(kube, object, manager) {
    // Controllers rewrite managedFields as they update status, so the entry's index can move under us: the test
    // op refuses a stale index (422) and the loop reads it again.
    for (let attempt = 0;; attempt++) {
        const live = await kube.get(object);
        const index = live?.metadata.managedFields?.findIndex(f => f.manager === manager && f.operation === 'Update') ?? -1;
        if (index < 0)
            return;
        try {
            await kube.patch(object, {
                type: 'json',
                body: [
                    { op: 'test', path: `/metadata/managedFields/${index}/manager`, value: manager },
                    { op: 'test', path: `/metadata/managedFields/${index}/operation`, value: 'Update' },
                    { op: 'remove', path: `/metadata/managedFields/${index}` }
                ]
            });
            return;
        }
        catch (error) {
            if (!(error instanceof errors/* KubeApiError */.W && (error.statusCode === 422 || error.statusCode === 409)) || attempt >= 9)
                throw error;
            await new Promise(resolve => setTimeout(resolve, 100 * (attempt + 1)));
        }
    }
}
/**
 * Writes an object's managedFields as `rewrite` makes them from the ones read, only while the object is still at the
 * resourceVersion they were read at (a JSON patch `test` op; the write is refused, 422, if it has moved on). Starts
 * from `read` (what the caller already has); when the object has moved on, it is read again and `rewrite` decides,
 * from the newer entries, whether the write still holds (it throws if not): a controller's status update moves the
 * resourceVersion without touching the entries that matter.
 */
async function writeManagedFields(kube, object, read, rewrite, signal) {
    let state = read;
    for (let attempt = 0;; attempt++) {
        try {
            await kube.patch(object, {
                type: 'json',
                body: [
                    { op: 'test', path: '/metadata/resourceVersion', value: state.resourceVersion },
                    { op: 'replace', path: '/metadata/managedFields', value: rewrite(state.managedFields ?? []) }
                ]
            }, { signal });
            return;
        }
        catch (error) {
            // A failed test op is a bare 422 ("the server rejected our request"): only a newer resourceVersion tells it apart
            // from managedFields the server refused.
            if (!(error instanceof KubeApiError && (error.statusCode === 422 || error.statusCode === 409)))
                throw error;
            const live = await kube.get(object, { signal });
            if (!live)
                throw new Error(`the object was deleted before its managedFields could be written.`, { cause: error });
            if (live.metadata.resourceVersion === state.resourceVersion)
                throw error;
            if (attempt >= 4)
                throw new Error(`the object changed during each of 5 attempts to write its managedFields; run the deploy again.`, { cause: error });
            state = live.metadata;
        }
    }
}

// EXTERNAL MODULE: ./src/format/duration.ts
var duration = __webpack_require__(447);
;// CONCATENATED MODULE: ./src/status/diagnose.ts
const fatalWaiting = new Set([
    'ErrImagePull',
    'ImagePullBackOff',
    'ErrImageNeverPull',
    'InvalidImageName',
    'CrashLoopBackOff',
    'RunContainerError',
    'CreateContainerConfigError',
    'CreateContainerError'
]);
/** How long a pod may stay unschedulable before it counts as a failure (kstatus uses the same 15 s). */
const unschedulableGraceMs = 15_000;
function diagnosePod(pod, nowMs) {
    const name = pod.metadata.name;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
        const waiting = status.state?.waiting;
        if (waiting?.reason && fatalWaiting.has(waiting.reason)) {
            const last = status.lastState?.terminated;
            const lastWords = last ? ` (last exit code ${last.exitCode ?? '?'}${last.reason ? `, ${last.reason}` : ''})` : '';
            // A crash loop after OOM is an OOM problem, not a crash: name the cause.
            const reason = waiting.reason === 'CrashLoopBackOff' && last?.reason === 'OOMKilled' ? 'OOMKilled' : waiting.reason;
            return {
                pod: name,
                container: status.name,
                reason,
                message: (waiting.message ?? '') + lastWords,
                restartCount: status.restartCount,
                previousLog: waiting.reason === 'CrashLoopBackOff'
            };
        }
        const terminated = status.state?.terminated;
        if (terminated && (terminated.reason === 'OOMKilled' || (terminated.exitCode ?? 0) !== 0)) {
            return {
                pod: name,
                container: status.name,
                reason: terminated.reason === 'OOMKilled' ? 'OOMKilled' : 'Error',
                message: `container exited with code ${terminated.exitCode ?? '?'}${terminated.message ? `: ${terminated.message}` : ''}`,
                restartCount: status.restartCount,
                previousLog: false
            };
        }
    }
    if (pod.status?.phase === 'Failed') {
        return { pod: name, reason: 'PodFailed', message: 'the pod failed', previousLog: false };
    }
    const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
        const since = scheduled.lastTransitionTime ? Date.parse(scheduled.lastTransitionTime) : nowMs;
        if (nowMs - since >= unschedulableGraceMs) {
            return {
                pod: name,
                reason: 'Unschedulable',
                message: scheduled.message ?? 'no node fits the pod',
                previousLog: false
            };
        }
    }
    return undefined;
}
const deployedKey = (kind, namespace, name) => `${kind.toLowerCase()}/${namespace ?? ''}/${name}`;
/**
 * The object an admission refusal names as missing, when this deploy writes it: the controller retries the pod
 * after a back-off, so the rollout is not failed for it (kubectl too waits). The ServiceAccount admission plugin
 * says `serviceaccount "x" not found`, the Priority plugin `no PriorityClass with name x was found`.
 */
function awaitedDeployedObject(message, namespace, deployed) {
    const missing = /\b([a-z]+) "([^"]+)" not found/.exec(message) ?? /no (PriorityClass) with name (\S+) was found/.exec(message);
    if (!missing)
        return undefined;
    const [, kind, name] = missing;
    const found = deployed.has(deployedKey(kind, namespace, name)) || deployed.has(deployedKey(kind, undefined, name));
    return found ? `${kind.toLowerCase()} ${name}` : undefined;
}
/**
 * A workload whose controller cannot create pods (quota, admission webhook) says so in a ReplicaFailure
 * condition; the Deployment controller copies its ReplicaSet's onto the Deployment. A write conflict on the
 * ResourceQuota object while several pods are created at once ("Operation cannot be fulfilled on resourcequotas
 * ...: the object has been modified") lands there too, but the controller retries it at once: no failure.
 */
function replicaFailure(object, deployed = new Set()) {
    const conditions = (object.status?.conditions ?? []);
    const condition = conditions.find(c => c.type === 'ReplicaFailure' && c.status === 'True');
    if (!condition ||
        /the object has been modified; please apply your changes to the latest version/.test(condition.message ?? ''))
        return undefined;
    const failure = { reason: condition.reason ?? 'ReplicaFailure', message: condition.message ?? '' };
    const awaiting = awaitedDeployedObject(failure.message, object.metadata?.namespace, deployed);
    return awaiting ? { ...failure, awaiting } : failure;
}
/**
 * A running pod that never became ready (its readiness probe keeps failing): not a failure while the rollout
 * may still progress, but what explains a progress deadline or a timeout. Undefined for a ready pod.
 */
function notReadyPod(pod) {
    const ready = pod.status?.conditions?.find(c => c.type === 'Ready');
    if (!ready || ready.status === 'True' || pod.status?.phase !== 'Running')
        return undefined;
    const container = pod.status?.containerStatuses?.find(c => c.ready === false);
    return {
        pod: pod.metadata.name,
        container: container?.name,
        reason: 'not ready',
        message: ready.message ?? ready.reason ?? 'its readiness probe does not pass',
        restartCount: container?.restartCount,
        previousLog: false
    };
}
/**
 * A pod of the new revision that is not running yet (unscheduled, pulling, creating): what explains a timeout
 * when no pod reached Running. Undefined for a pod past Pending.
 */
function pendingPod(pod) {
    if (pod.status?.phase !== undefined && pod.status.phase !== 'Pending')
        return undefined;
    const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
    if (scheduled?.status === 'False') {
        return {
            pod: pod.metadata.name,
            reason: scheduled.reason ?? 'not scheduled',
            message: scheduled.message ?? '',
            previousLog: false
        };
    }
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const waiting = statuses.find(s => s.state?.waiting);
    return {
        pod: pod.metadata.name,
        container: waiting?.name,
        reason: waiting?.state?.waiting?.reason ?? 'Pending',
        message: waiting?.state?.waiting?.message ?? '',
        previousLog: false
    };
}
/** What keeps a pod from serving: not running yet, or running and not ready. */
const stuckPod = (pod) => notReadyPod(pod) ?? pendingPod(pod);
/**
 * One line naming what blocks a rollout's new pods, grouped by state, each with the most repeated warning of
 * its pods (a readiness probe's 404 says more than "not ready"): "2 pods not ready: Readiness probe failed: HTTP
 * probe failed with statuscode: 404 ×12". Undefined when every pod given is ready.
 */
function blockingLine(pods, events) {
    const groups = new Map();
    for (const pod of pods) {
        const stuck = stuckPod(pod);
        if (!stuck)
            continue;
        const state = stuck.reason === 'not ready'
            ? 'not ready'
            : stuck.reason === 'Unschedulable'
                ? 'unschedulable'
                : `pending (${stuck.reason})`;
        groups.set(state, [...(groups.get(state) ?? []), stuck]);
    }
    if (groups.size === 0)
        return undefined;
    const parts = [];
    for (const [state, failures] of groups) {
        const names = new Set(failures.map(f => f.pod));
        const repeats = new Map();
        for (const event of events) {
            if (!event.involvedObject?.name || !names.has(event.involvedObject.name))
                continue;
            const text = event.message ?? event.reason ?? '';
            repeats.set(text, (repeats.get(text) ?? 0) + (event.series?.count ?? event.count ?? 1));
        }
        const [top] = [...repeats].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        const detail = top ? `${top[0]} ×${top[1]}` : failures.find(f => f.message)?.message;
        parts.push(`${failures.length} pod${failures.length === 1 ? '' : 's'} ${state}${detail ? `: ${detail}` : ''}`);
    }
    return parts.join('; ');
}

;// CONCATENATED MODULE: ./src/status/pod-details.ts
// Warnings a kubelet repeats on every pod of some clusters that never explain a failed rollout.
const noiseEvents = new Set(['MissingClusterDNS']);
async function gatherDetails(kube, pod, failure) {
    const ns = pod.metadata.namespace ?? 'default';
    const signal = AbortSignal.timeout(5000);
    const [events, logs] = await Promise.all([
        kube
            .list({ apiVersion: 'v1', kind: 'Event', namespace: ns }, { fieldSelector: `involvedObject.name=${pod.metadata.name},type=Warning` }, { signal })
            .then(list => list.items
            .filter(e => !noiseEvents.has(e.reason ?? ''))
            .sort((a, b) => String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)))
            .slice(-5)
            .map(e => `${e.reason}: ${e.message}`))
            .catch(() => []),
        failure.container
            ? kube
                .podLog({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: pod.metadata.name }, { container: failure.container, tailLines: 20, previous: failure.previousLog || undefined }, { signal })
                .then(text => String(text).split('\n').filter(Boolean))
                .catch(() => [])
            : Promise.resolve([])
    ]);
    return { ...failure, events, logs };
}

;// CONCATENATED MODULE: ./src/status/reader.ts
/** The status conditions of any kind, leaving out entries that are not conditions. */
const conditionsOf = (object) => (object.status?.conditions ?? []).filter(c => c && typeof c.type === 'string');
const nameOf = (object) => `${object.kind.toLowerCase()}/${object.metadata.name}`;
const why = (c) => [c.reason, c.message].filter(Boolean).join(': ');
const num = (value) => (typeof value === 'number' ? value : 0);
/** A reader for one built-in kind, judged by kind alone (recorded objects and watched pods may lack apiVersion). */
const ofKind = (kind) => (_apiVersion, candidate) => candidate === kind;
/** The owner references of a pod that name an object of this kind. */
const ownersOfKind = (kind, pod) => (pod.metadata.ownerReferences ?? []).filter(o => o.kind === kind).map(o => ({ kind, name: o.name }));
/**
 * Until the controller has observed the latest spec, its revision fields still name the previous revision
 * (after a rollback, the failing one): judge no pod by them yet.
 */
const specObserved = (object) => (object.status?.observedGeneration ?? 0) >= (object.metadata.generation ?? 0);

;// CONCATENATED MODULE: ./src/status/crd.ts

/** kstatus: Established=True is current, NamesAccepted=False failed. */
function customResourceDefinitionVerdict(object) {
    const name = nameOf(object);
    const conditions = conditionsOf(object);
    const names = conditions.find(c => c.type === 'NamesAccepted');
    if (names?.status === 'False')
        return { state: 'failed', message: `${name}: names not accepted${why(names) ? `: ${why(names)}` : ''}` };
    if (conditions.some(c => c.type === 'Established' && c.status === 'True'))
        return { state: 'done', message: `${name} is established` };
    return { state: 'progressing', message: `${name}: waiting to be established` };
}
const customResourceDefinitionReader = {
    supports: ofKind('CustomResourceDefinition'),
    waitable: () => true,
    verdict: customResourceDefinitionVerdict,
    plural: 'customresourcedefinitions'
};

;// CONCATENATED MODULE: ./src/status/daemonset.ts

function daemonSetVerdict(object) {
    const name = `daemonset/${object.metadata.name}`;
    const status = object.status ?? {};
    const strategy = object.spec?.updateStrategy?.type ?? 'RollingUpdate';
    if (strategy !== 'RollingUpdate') {
        return { state: 'failed', message: `${name}: rollout status is only available for RollingUpdate strategy type` };
    }
    if (num(object.metadata.generation) > num(status.observedGeneration)) {
        return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` };
    }
    const desired = num(status.desiredNumberScheduled);
    const updated = num(status.updatedNumberScheduled);
    const available = num(status.numberAvailable);
    if (updated < desired) {
        return { state: 'progressing', message: `${name}: ${updated} of ${desired} updated pods have been scheduled` };
    }
    if (available < desired) {
        return { state: 'progressing', message: `${name}: ${available} of ${desired} updated pods are available` };
    }
    return { state: 'done', message: `${name} successfully rolled out` };
}
/** DaemonSets by kubectl's rules; their new pods carry the object's generation as pod-template-generation. */
const daemonSetReader = {
    supports: ofKind('DaemonSet'),
    waitable: () => true,
    verdict: daemonSetVerdict,
    plural: 'daemonsets',
    undo: 'ControllerRevision',
    pods: {
        failFast: true,
        ownersOf: pod => ownersOfKind('DaemonSet', pod),
        isNewRevision: async (object, pod) => pod.metadata.labels?.['pod-template-generation'] === String(object.metadata.generation)
    }
};

;// CONCATENATED MODULE: ./src/status/deployment.ts

function deploymentVerdict(object) {
    const name = `deployment/${object.metadata.name}`;
    const status = object.status ?? {};
    if (num(object.metadata.generation) > num(status.observedGeneration)) {
        return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` };
    }
    // kubectl checks only the reason, whatever the condition's status.
    const progressing = conditionsOf(object).find(c => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
        return {
            state: 'failed',
            message: `${name} exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}`
        };
    }
    const replicas = object.spec?.replicas === undefined ? 1 : num(object.spec.replicas);
    const updated = num(status.updatedReplicas);
    const current = num(status.replicas);
    // kubectl would wait on a paused Deployment until its timeout; nothing will move, so say so at once.
    if (object.spec?.paused === true && (updated < replicas || current > updated)) {
        return {
            state: 'failed',
            message: `${name} is paused with an update pending; resume it (kubectl rollout resume ${name}) to roll out`
        };
    }
    const available = num(status.availableReplicas);
    if (updated < replicas) {
        return { state: 'progressing', message: `${name}: ${updated} of ${replicas} new replicas have been updated` };
    }
    if (current > updated) {
        return { state: 'progressing', message: `${name}: ${current - updated} old replicas are pending termination` };
    }
    if (available < updated) {
        return { state: 'progressing', message: `${name}: ${available} of ${updated} updated replicas are available` };
    }
    return { state: 'done', message: `${name} successfully rolled out` };
}
const revisionAnnotation = 'deployment.kubernetes.io/revision';
/** Deployments by kubectl's rules; their pods belong to the ReplicaSet of the Deployment's current revision. */
const deploymentReader = {
    supports: ofKind('Deployment'),
    waitable: () => true,
    verdict: deploymentVerdict,
    plural: 'deployments',
    undo: 'ReplicaSet',
    pods: {
        failFast: true,
        ownersOf: pod => {
            // A Deployment's ReplicaSet is named <deployment>-<pod-template-hash>.
            const hash = pod.metadata.labels?.['pod-template-hash'];
            return (pod.metadata.ownerReferences ?? [])
                .filter(o => o.kind === 'ReplicaSet' && hash && o.name.endsWith(`-${hash}`))
                .map(o => ({ kind: 'Deployment', name: o.name.slice(0, -hash.length - 1) }));
        },
        isNewRevision: async (object, pod, lookup) => {
            if (!specObserved(object))
                return false;
            const owner = pod.metadata.ownerReferences?.find(o => o.kind === 'ReplicaSet');
            const revision = object.metadata.annotations?.[revisionAnnotation];
            if (!owner || !revision)
                return false;
            return (await lookup.replicaSetRevision(owner.name, revision)) === revision;
        }
    }
};

;// CONCATENATED MODULE: ./src/status/generic.ts
/**
 * Custom resources, by kstatus' rules (sigs.k8s.io/cli-utils pkg/kstatus): their observedGeneration and their
 * Ready / Reconciling / Stalled conditions. Last in the registry: it takes any kind no other reader knows.
 */

/** How long a custom resource may go without any status before it counts as one that never reports one. */
const statusGraceMs = 5000;
/**
 * Ready=False reasons that say a controller gave up rather than that it is still working: Flux, Crossplane and
 * cert-manager use these for specs they will not reconcile until someone changes them.
 */
const terminalReasons = new Set(['InvalidSpec', 'InvalidConfiguration', 'ValidationFailed', 'Stalled', 'Invalid']);
/**
 * The Kubernetes API groups compiled into kube-apiserver (and kube-aggregator's): any other group is served by a
 * CRD or an aggregated API, whose objects are read by their conditions.
 */
const builtInGroups = new Set([
    '',
    'admissionregistration.k8s.io',
    'apiextensions.k8s.io',
    'apiregistration.k8s.io',
    'apps',
    'authentication.k8s.io',
    'authorization.k8s.io',
    'autoscaling',
    'batch',
    'certificates.k8s.io',
    'coordination.k8s.io',
    'discovery.k8s.io',
    'events.k8s.io',
    'flowcontrol.apiserver.k8s.io',
    'internal.apiserver.k8s.io',
    'networking.k8s.io',
    'node.k8s.io',
    'policy',
    'rbac.authorization.k8s.io',
    'resource.k8s.io',
    'scheduling.k8s.io',
    'storage.k8s.io',
    'storagemigration.k8s.io'
]);
const isCustomResource = (apiVersion) => !builtInGroups.has(apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
function customResourceVerdict(object, context) {
    const name = nameOf(object);
    const status = object.status;
    const generation = typeof object.metadata.generation === 'number' ? object.metadata.generation : 0;
    // An updated object whose controller writes observedGeneration is not judged by the previous generation's
    // conditions: this is the race that makes a just-applied object look ready.
    if (typeof status?.observedGeneration === 'number' && status.observedGeneration < generation) {
        return { state: 'progressing', message: `${name}: waiting for its controller to observe generation ${generation}` };
    }
    const conditions = conditionsOf(object);
    const stalled = conditions.find(c => c.type === 'Stalled' && c.status === 'True');
    if (stalled)
        return { state: 'failed', message: `${name} is stalled${why(stalled) ? `: ${why(stalled)}` : ''}` };
    const ready = conditions.find(c => c.type === 'Ready');
    if (ready?.status === 'False' && ready.reason && terminalReasons.has(ready.reason)) {
        return { state: 'failed', message: `${name} is not ready: ${why(ready)}` };
    }
    const reconciling = conditions.find(c => c.type === 'Reconciling' && c.status === 'True');
    if (reconciling)
        return { state: 'progressing', message: `${name} is reconciling${why(reconciling) ? `: ${why(reconciling)}` : ''}` };
    if (ready?.status === 'True')
        return { state: 'done', message: `${name} is ready` };
    if (ready)
        return { state: 'progressing', message: `${name} is not ready yet${why(ready) ? `: ${why(ready)}` : ''}` };
    if (!status || Object.keys(status).length === 0) {
        if (context.ageMs < statusGraceMs)
            return { state: 'progressing', message: `${name}: waiting for its controller to report a status` };
        return { state: 'done', message: `${name}: no status reported`, note: 'no status reported' };
    }
    return { state: 'done', message: `${name} is current` };
}
const customResourceReader = {
    supports: apiVersion => apiVersion !== undefined && isCustomResource(apiVersion),
    waitable: (_object, choice) => choice.waitForCustomResources,
    verdict: customResourceVerdict
};

;// CONCATENATED MODULE: ./src/status/job.ts

/** Jobs follow kstatus: Complete=True is done, Failed=True is failed. */
function jobVerdict(object) {
    const name = `job/${object.metadata.name}`;
    const conditions = conditionsOf(object);
    const failed = conditions.find(c => c.type === 'Failed' && c.status === 'True');
    if (failed)
        return {
            state: 'failed',
            message: `${name} failed: ${failed.reason ?? ''}${failed.message ? ` (${failed.message})` : ''}`
        };
    if (conditions.some(c => c.type === 'Complete' && c.status === 'True'))
        return { state: 'done', message: `${name} completed` };
    const status = object.status ?? {};
    return {
        state: 'progressing',
        message: `${name}: ${num(status.succeeded)} succeeded, ${num(status.active)} active, ${num(status.failed)} failed`
    };
}
/**
 * Jobs, waited on when the workflow asks. A Job retries a failed pod up to its backoffLimit, so its pods never
 * fail it fast: its Failed condition does, explained by its last failed pod.
 */
const jobReader = {
    supports: ofKind('Job'),
    waitable: (_object, choice) => choice.waitForJobs,
    verdict: jobVerdict,
    plural: 'jobs',
    pods: {
        failFast: false,
        ownersOf: pod => ownersOfKind('Job', pod),
        isNewRevision: async () => true,
        explainedByLastPod: name => `batch.kubernetes.io/job-name=${name}`
    }
};

;// CONCATENATED MODULE: ./src/status/pod.ts

function podVerdict(object) {
    const name = `pod/${object.metadata.name}`;
    const phase = object.status?.phase;
    if (phase === 'Succeeded')
        return { state: 'done', message: `${name} succeeded` };
    if (phase === 'Failed')
        return { state: 'failed', message: `${name} failed` };
    const ready = conditionsOf(object).find(c => c.type === 'Ready');
    if (phase === 'Running' && ready?.status === 'True')
        return { state: 'done', message: `${name} is ready` };
    return { state: 'progressing', message: `${name}: ${phase ?? 'Pending'}, not ready` };
}
/** A bare Pod is its own only pod: the wait judges it from the pod watch. */
const podReader = {
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
};

;// CONCATENATED MODULE: ./src/status/pvc.ts

/**
 * kstatus calls a claim current once Bound; one whose StorageClass binds on first consumer stays Pending until
 * a pod uses it, so it is ready as it stands: only the StorageClass says which (context.bindingMode).
 */
function persistentVolumeClaimVerdict(object, context) {
    const name = nameOf(object);
    const phase = object.status?.phase;
    if (phase === 'Bound')
        return { state: 'done', message: `${name} is bound` };
    if (phase === 'Lost')
        return { state: 'failed', message: `${name} lost its volume` };
    if (context.bindingMode === 'WaitForFirstConsumer')
        return {
            state: 'done',
            message: `${name} waits for its first consumer (WaitForFirstConsumer)`,
            note: 'waits for its first consumer'
        };
    if (context.bindingMode === undefined)
        return { state: 'progressing', message: `${name}: reading its StorageClass` };
    return { state: 'progressing', message: `${name}: ${phase ?? 'Pending'}, not bound yet` };
}
const persistentVolumeClaimReader = {
    supports: ofKind('PersistentVolumeClaim'),
    waitable: () => true,
    verdict: persistentVolumeClaimVerdict,
    plural: 'persistentvolumeclaims',
    reads: 'storageClassBindingMode'
};

;// CONCATENATED MODULE: ./src/status/service.ts

const isLoadBalancer = (object) => object.spec?.type === 'LoadBalancer';
/** A Service of type LoadBalancer is ready once its controller published an address (kstatus' rule). */
function loadBalancerVerdict(object) {
    const name = nameOf(object);
    if (!isLoadBalancer(object))
        return { state: 'done', message: `${name} is current` };
    const ingress = (object.status?.loadBalancer?.ingress ?? []).filter(i => i.ip || i.hostname);
    if (ingress.length > 0)
        return { state: 'done', message: `${name} has its address ${ingress.map(i => i.ip ?? i.hostname).join(', ')}` };
    return { state: 'progressing', message: `${name}: waiting for a load balancer address` };
}
/** Other Services are current once applied (kstatus); a load balancer is waited on only when asked. */
const serviceReader = {
    supports: ofKind('Service'),
    waitable: (object, choice) => choice.waitForLoadBalancers && isLoadBalancer(object),
    verdict: loadBalancerVerdict,
    plural: 'services'
};

;// CONCATENATED MODULE: ./src/status/statefulset.ts

function statefulSetVerdict(object) {
    const name = `statefulset/${object.metadata.name}`;
    const status = object.status ?? {};
    const updateStrategy = object.spec?.updateStrategy;
    if (updateStrategy?.type === 'OnDelete') {
        return { state: 'failed', message: `${name}: rollout status is only available for RollingUpdate strategy type` };
    }
    const observed = num(status.observedGeneration);
    if (observed === 0 || num(object.metadata.generation) > observed) {
        return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` };
    }
    const replicas = object.spec?.replicas === undefined ? 1 : num(object.spec.replicas);
    const ready = num(status.readyReplicas);
    if (ready < replicas) {
        return { state: 'progressing', message: `${name}: ${ready} of ${replicas} pods are ready` };
    }
    // The API server defaults rollingUpdate to {partition: 0}; only an object without it compares revisions.
    if (updateStrategy?.rollingUpdate) {
        const partition = num(updateStrategy.rollingUpdate.partition);
        const updated = num(status.updatedReplicas);
        if (updated < replicas - partition) {
            return {
                state: 'progressing',
                message: `${name}: ${updated} of ${replicas - partition} pods updated (partition ${partition})`
            };
        }
        return { state: 'done', message: `${name}: partitioned roll out complete: ${updated} new pods have been updated` };
    }
    if (status.updateRevision !== status.currentRevision) {
        return {
            state: 'progressing',
            message: `${name}: waiting for the update to revision ${String(status.updateRevision)} to complete`
        };
    }
    return {
        state: 'done',
        message: `${name}: rolling update complete ${String(status.currentReplicas ?? replicas)} pods at revision ${String(status.currentRevision)}`
    };
}
/** StatefulSets by kubectl's rules; their new pods carry the updateRevision as controller-revision-hash. */
const statefulSetReader = {
    supports: ofKind('StatefulSet'),
    waitable: () => true,
    verdict: statefulSetVerdict,
    plural: 'statefulsets',
    undo: 'ControllerRevision',
    pods: {
        failFast: true,
        ownersOf: pod => ownersOfKind('StatefulSet', pod),
        isNewRevision: async (object, pod) => {
            if (!specObserved(object))
                return false;
            return (!!object.status?.updateRevision &&
                pod.metadata.labels?.['controller-revision-hash'] === object.status.updateRevision);
        }
    }
};

;// CONCATENATED MODULE: ./src/status/readers.ts
/**
 * The status readers, asked in this order: the first that supports a kind judges it. The custom-resource reader
 * comes last; a built-in kind no reader supports is current once applied (kstatus).
 */









const readers = [
    deploymentReader,
    daemonSetReader,
    statefulSetReader,
    jobReader,
    podReader,
    persistentVolumeClaimReader,
    customResourceDefinitionReader,
    serviceReader,
    customResourceReader
];
const readerFor = (apiVersion, kind) => readers.find(r => r.supports(apiVersion, kind));
/** The annotation that takes one object out of the wait. */
const waitAnnotation = 'build-and-deploy/wait';
/** Objects whose readiness is waited on; everything else is current once applied (kstatus). */
function isWaitable(object, choice) {
    if (object.metadata?.annotations?.[waitAnnotation] === 'skip')
        return false;
    return readerFor(object.apiVersion, object.kind)?.waitable(object, choice) ?? false;
}
function rolloutVerdict(object, context = { ageMs: Infinity }) {
    const reader = readerFor(object.apiVersion, object.kind);
    if (reader)
        return reader.verdict(object, context);
    return { state: 'done', message: `${object.kind.toLowerCase()}/${object.metadata.name} is current` };
}
/** Whether `kubectl rollout undo` can roll this kind back, and from which history. */
const undoHistoryOf = (kind) => readerFor(undefined, kind)?.undo;
/** The resource name of a built-in kind in API paths. */
function pluralOf(kind) {
    const plural = readerFor(undefined, kind)?.plural;
    if (!plural)
        throw new Error(`No status reader gives the resource name of kind ${kind}.`);
    return plural;
}

// EXTERNAL MODULE: ./src/kube/retry.ts
var retry = __webpack_require__(4963);
;// CONCATENATED MODULE: ./src/status/watch.ts


/**
 * List, then watch from the list's resourceVersion; on a clean end re-watch from the last version seen, on
 * 410 Gone (or an ERROR event) re-list, on a dropped connection back off and retry, until aborted.
 */
async function watchLoop(kube, collection, query, signal, log, onEvent) {
    const watched = `${collection.kind} watch${collection.namespace ? ` in ${collection.namespace}` : ''}`;
    let resourceVersion;
    let failures = 0;
    while (!signal.aborted) {
        try {
            if (!resourceVersion) {
                const list = await kube.list(collection, query, { signal });
                for (const object of list.items)
                    onEvent('ADDED', object);
                resourceVersion = list.metadata.resourceVersion;
            }
            for await (const event of kube.watch(collection, { ...query, resourceVersion, timeoutSeconds: 300 }, signal)) {
                failures = 0;
                if (event.type === 'ERROR') {
                    const status = event.object;
                    if (status.code !== 410)
                        log(`${watched}: ${status.message ?? 'error'}; re-listing`);
                    resourceVersion = undefined;
                    break;
                }
                resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
                if (event.type !== 'BOOKMARK')
                    onEvent(event.type, event.object);
            }
        }
        catch (error) {
            if (signal.aborted)
                return;
            if (error instanceof errors/* KubeApiError */.W && error.statusCode === 410) {
                resourceVersion = undefined;
                continue;
            }
            failures++;
            if (failures === 1 || failures % 10 === 0)
                log(`${watched} interrupted (${error.message}); resuming`);
            await new Promise(resolve => setTimeout(resolve, (0,retry/* retryDelayMs */.q)(Math.min(failures, 5))));
        }
    }
}

;// CONCATENATED MODULE: ./src/status/wait.ts





const itemKey = (kind, namespace, name) => `${kind}/${namespace ?? ''}/${name}`;
const describe = (item) => `${item.kind.toLowerCase()}/${item.name}`;
/**
 * Waits on every workload at once with one watch per namespace and resource (never polling), evaluating
 * kubectl's rollout rules on each event, and fails fast when a pod of the new revision is in a state that
 * waiting will not fix. Dropped watches resume from the last resourceVersion; 410 Gone re-lists.
 */
async function waitForRollouts(kube, items, options) {
    const wait = new RolloutWait(kube, items, options);
    return wait.tracked.size === 0 ? [] : wait.run();
}
/** One wait: the workloads it tracks, what it saw of them, and the watches that feed it until it ends. */
class RolloutWait {
    kube;
    options;
    started = Date.now();
    tracked = new Map();
    stop = new AbortController();
    replicaSetRevisions = new Map();
    pendingDiagnoses = new Set();
    settle;
    allSettled = new Promise(resolve => (this.settle = resolve));
    constructor(kube, items, options) {
        this.kube = kube;
        this.options = options;
        for (const item of items)
            this.tracked.set(itemKey(item.kind, item.namespace, item.name), {
                item,
                reader: readerFor(item.apiVersion, item.kind),
                pods: new Map()
            });
    }
    async run() {
        const { options, stop } = this;
        // The stuck pods are read before the watches stop, so the timeout names why, as a progress deadline does.
        const timer = setTimeout(() => void this.explainTimeout().finally(() => stop.abort(new Error('timeout'))), options.timeoutMs);
        options.signal?.addEventListener('abort', () => stop.abort(options.signal.reason), { once: true });
        const watchers = [...this.watchObjects(), ...this.watchPods()];
        // Unschedulable counts only after 15 s, and a custom resource's grace for a status ends, with no event to
        // mark either: re-judge what is in memory.
        const ticker = setInterval(() => this.rejudge(), 1000);
        const progress = setInterval(() => void this.reportProgress(), options.progressEveryMs ?? 15_000);
        await Promise.race([
            this.allSettled,
            new Promise(resolve => stop.signal.addEventListener('abort', () => resolve(), { once: true }))
        ]);
        clearTimeout(timer);
        clearInterval(ticker);
        clearInterval(progress);
        const reason = stop.signal.aborted ? String(stop.signal.reason?.message) : '';
        stop.abort(new Error('done'));
        await Promise.allSettled(watchers);
        this.closeUnfinished(reason);
        return [...this.tracked.values()].map(t => t.outcome);
    }
    /** For a read beside the watches (a StorageClass, a Job's pods, events): bounded, and ended with the wait. */
    briefly() {
        return AbortSignal.any([this.stop.signal, AbortSignal.timeout(5000)]);
    }
    finish(entry, outcome) {
        if (entry.outcome)
            return;
        entry.outcome = { item: entry.item, durationMs: Date.now() - this.started, ...outcome };
        this.options.log(`${outcome.state === 'succeeded' ? '✓' : '✗'} ${outcome.message} (${(0,duration/* formatDuration */.a)(entry.outcome.durationMs)})`);
        if (outcome.state === 'failed')
            this.stop.abort(new Error('failed'));
        if ([...this.tracked.values()].every(t => t.outcome))
            this.settle();
    }
    closeUnfinished(reason) {
        for (const entry of this.tracked.values()) {
            if (entry.outcome)
                continue;
            const last = entry.verdict?.message ?? `${describe(entry.item)}: no status observed`;
            const durationMs = Date.now() - this.started;
            if (reason === 'timeout') {
                entry.outcome = {
                    item: entry.item,
                    state: 'timed-out',
                    message: `timed out after ${(0,duration/* formatDuration */.a)(this.options.timeoutMs)}: ${last}`,
                    durationMs,
                    diagnosis: entry.timeoutDiagnosis
                };
            }
            else {
                entry.outcome = {
                    item: entry.item,
                    state: 'stopped',
                    message: `not finished when the wait stopped: ${last}`,
                    durationMs
                };
            }
        }
    }
    evaluate(entry) {
        if (entry.outcome || !entry.object)
            return;
        if (entry.reader?.reads === 'storageClassBindingMode' && entry.bindingMode === undefined)
            void this.readBindingMode(entry);
        const verdict = rolloutVerdict({ ...entry.object, apiVersion: entry.item.apiVersion }, { ageMs: Date.now() - this.started, bindingMode: entry.bindingMode });
        // A finished rollout is said once, by finish (with its ✓ and time).
        if (verdict.message !== entry.verdict?.message && verdict.state !== 'done')
            this.options.log(verdict.message);
        entry.verdict = verdict;
        if (verdict.state === 'done')
            return this.finish(entry, {
                state: 'succeeded',
                message: verdict.message,
                ...(verdict.note ? { note: verdict.note } : {})
            });
        if (verdict.state === 'failed') {
            if (!entry.explaining)
                void this.explainFailure(entry, verdict.message);
            entry.explaining = true;
            return;
        }
        const cannotCreate = replicaFailure(entry.object, this.options.deployed);
        if (cannotCreate?.awaiting) {
            const line = `${describe(entry.item)}: pods wait for ${cannotCreate.awaiting} of this deploy (${cannotCreate.reason}); the controller retries them`;
            if (line !== entry.awaitingLine)
                this.options.log(line);
            entry.awaitingLine = line;
        }
        else if (cannotCreate) {
            return this.finish(entry, {
                state: 'failed',
                message: `${describe(entry.item)} cannot create pods: ${cannotCreate.reason}: ${cannotCreate.message}`
            });
        }
        void this.diagnosePods(entry);
    }
    rejudge() {
        for (const entry of this.tracked.values()) {
            if (entry.outcome)
                continue;
            if (entry.object)
                this.evaluate(entry);
            else if (entry.pods.size > 0)
                void this.diagnosePods(entry);
        }
    }
    /** Whether a pod belongs to the workload's newest revision (its reader says how); only those can fail a rollout. */
    async isNewRevision(entry, pod) {
        if (!entry.object)
            return false;
        const rules = entry.reader?.pods;
        return rules ? rules.isNewRevision(entry.object, pod, this.revisionLookup(entry)) : true;
    }
    revisionLookup(entry) {
        return {
            replicaSetRevision: (name, asOf) => {
                const cacheKey = `${entry.item.namespace}/${name}@${asOf}`;
                let rsRevision = this.replicaSetRevisions.get(cacheKey);
                if (!rsRevision) {
                    rsRevision = this.kube
                        .get({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: entry.item.namespace, name }, { signal: this.stop.signal })
                        .then(rs => rs?.metadata.annotations?.['deployment.kubernetes.io/revision'])
                        .catch(() => undefined);
                    this.replicaSetRevisions.set(cacheKey, rsRevision);
                }
                return rsRevision;
            }
        };
    }
    async diagnosePods(entry) {
        // A Job retries a failed pod up to its backoffLimit: only its Failed condition fails it (then explained).
        if (entry.reader?.pods?.failFast === false)
            return;
        for (const pod of entry.pods.values()) {
            const failure = diagnosePod(pod, Date.now());
            if (!failure || entry.outcome)
                continue;
            const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
            if (this.pendingDiagnoses.has(key) || !(await this.isNewRevision(entry, pod)))
                continue;
            this.pendingDiagnoses.add(key);
            const diagnosis = await gatherDetails(this.kube, pod, failure);
            this.finish(entry, {
                state: 'failed',
                message: `${describe(entry.item)}: pod ${failure.pod}${failure.container ? ` container ${failure.container}` : ''} is ${failure.reason}`,
                diagnosis
            });
            return;
        }
    }
    /** A claim waiting for its first consumer is ready as it stands: only its StorageClass says so. */
    async readBindingMode(entry) {
        if (entry.readingBindingMode)
            return;
        entry.readingBindingMode = true;
        const className = entry.object?.spec?.storageClassName;
        const signal = this.briefly();
        const kube = this.kube;
        try {
            const storageClass = className
                ? await kube.get({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: className }, { signal })
                : (await kube.list({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' }, {}, { signal })).items.find(c => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
            entry.bindingMode = storageClass ? (storageClass.volumeBindingMode ?? 'Immediate') : 'unknown';
        }
        catch {
            entry.bindingMode = 'unknown';
        }
        this.evaluate(entry);
    }
    async stuckNewPod(entry) {
        // A failed Job is explained by its last failed pod, with that pod's log; one that failed at once may be seen
        // failed before its pods are: read them.
        const explainedByLastPod = entry.reader?.pods?.explainedByLastPod;
        const lastPods = async (labelSelector) => {
            if (entry.pods.size > 0)
                return [...entry.pods.values()].reverse();
            const selector = { labelSelector };
            const signal = this.briefly();
            return this.kube
                .list({ apiVersion: 'v1', kind: 'Pod', namespace: entry.item.namespace ?? 'default' }, selector, {
                signal
            })
                .then(l => l.items.reverse(), () => []);
        };
        const pods = explainedByLastPod ? await lastPods(explainedByLastPod(entry.item.name)) : entry.pods.values();
        for (const pod of pods) {
            const failure = stuckPod(pod) ?? (explainedByLastPod ? diagnosePod(pod, Date.now()) : undefined);
            if (failure && (await this.isNewRevision(entry, pod)))
                return { pod, failure };
        }
        return undefined;
    }
    /** A failed rollout (a progress deadline): a pod of the new revision that never turned ready says why. */
    async explainFailure(entry, message) {
        const stuck = await this.stuckNewPod(entry);
        this.finish(entry, {
            state: 'failed',
            message,
            diagnosis: stuck ? await gatherDetails(this.kube, stuck.pod, stuck.failure) : undefined
        });
    }
    async explainTimeout() {
        const explain = async (entry) => {
            const stuck = await this.stuckNewPod(entry);
            if (stuck)
                entry.timeoutDiagnosis = await gatherDetails(this.kube, stuck.pod, stuck.failure);
        };
        const unfinished = [...this.tracked.values()].filter(t => !t.outcome);
        let cap;
        await Promise.race([
            Promise.allSettled(unfinished.map(explain)),
            new Promise(resolve => (cap = setTimeout(resolve, 8000)))
        ]);
        clearTimeout(cap);
    }
    /** Every progressEveryMs, one line per unfinished rollout naming what blocks it. */
    async reportProgress() {
        const unfinished = [...this.tracked.values()].filter(t => !t.outcome && t.object);
        const warnings = new Map();
        const warningsIn = (namespace) => {
            if (!warnings.has(namespace)) {
                const signal = this.briefly();
                warnings.set(namespace, this.kube
                    .list({ apiVersion: 'v1', kind: 'Event', namespace }, { fieldSelector: 'type=Warning' }, { signal })
                    .then(l => l.items)
                    .catch(() => []));
            }
            return warnings.get(namespace);
        };
        for (const entry of unfinished) {
            const pods = [];
            for (const pod of entry.pods.values())
                if (await this.isNewRevision(entry, pod))
                    pods.push(pod);
            const blocked = pods.length > 0 ? blockingLine(pods, await warningsIn(entry.item.namespace ?? 'default')) : undefined;
            if (entry.outcome || this.stop.signal.aborted)
                continue;
            this.options.log(`… ${describe(entry.item)} after ${(0,duration/* formatDuration */.a)(Date.now() - this.started)}: ${blocked ?? entry.verdict?.message ?? 'no status observed yet'}`);
        }
    }
    /** The tracked workload a pod belongs to, as the readers of kinds with pods name its owners. */
    ownerOf(pod) {
        const ns = pod.metadata.namespace;
        const byReaders = readers.flatMap(r => r.pods?.ownersOf(pod) ?? []);
        // A kind without pod rules (a custom resource) may own pods directly too.
        const direct = pod.metadata.ownerReferences ?? [];
        for (const owner of [...byReaders, ...direct]) {
            const entry = this.tracked.get(itemKey(owner.kind, ns, owner.name));
            if (entry)
                return entry;
        }
        return undefined;
    }
    /** One watch per apiVersion, resource and namespace; by name when it holds a single object. */
    watchObjects() {
        const groups = new Map();
        for (const { item } of this.tracked.values()) {
            const key = `${item.apiVersion}|${item.plural}|${item.namespace ?? ''}`;
            groups.set(key, [...(groups.get(key) ?? []), item]);
        }
        return [...groups.values()].map(group => {
            const { apiVersion, kind, namespace } = group[0];
            const query = group.length === 1 ? { fieldSelector: `metadata.name=${group[0].name}` } : {};
            return watchLoop(this.kube, { apiVersion, kind, namespace }, query, this.stop.signal, this.options.log, (type, object) => {
                const entry = this.tracked.get(itemKey(object.kind ?? group[0].kind, object.metadata.namespace, object.metadata.name));
                if (!entry)
                    return;
                if (type === 'DELETED')
                    return this.finish(entry, {
                        state: 'failed',
                        message: `${describe(entry.item)} was deleted while waiting for its rollout`
                    });
                entry.object = { ...object, kind: entry.item.kind };
                this.evaluate(entry);
            });
        });
    }
    /** One pod watch per namespace of a workload whose reader follows pods. */
    watchPods() {
        const podNamespaces = new Set([...this.tracked.values()].filter(t => t.reader?.pods).map(t => t.item.namespace ?? 'default'));
        return [...podNamespaces].map(namespace => watchLoop(this.kube, { apiVersion: 'v1', kind: 'Pod', namespace }, {}, this.stop.signal, this.options.log, (type, pod) => {
            const entry = this.ownerOf(pod);
            if (!entry || entry.outcome)
                return;
            if (type === 'DELETED')
                entry.pods.delete(pod.metadata.name);
            else
                entry.pods.set(pod.metadata.name, pod);
            if (entry.reader?.pods?.isThePod && type !== 'DELETED') {
                entry.object = { ...pod, kind: entry.item.kind };
                this.evaluate(entry);
            }
            else
                void this.diagnosePods(entry);
        }));
    }
}

// EXTERNAL MODULE: ./src/strategies/gate.ts
var gate = __webpack_require__(9106);
// EXTERNAL MODULE: ./src/strategies/selection.ts + 2 modules
var selection = __webpack_require__(772);
;// CONCATENATED MODULE: ./src/strategies/blue-green-plan.ts


const otherColour = (colour) => (colour === 'blue' ? 'green' : 'blue');
const withColour = (labels, colour) => {
    const copy = { ...labels };
    delete copy[selection/* colourLabel */.tA];
    return colour ? { ...copy, [selection/* colourLabel */.tA]: colour } : copy;
};
/** The Deployment of the manifests as the colour `colour` writes it: renamed, its pods and selector labelled. */
function colouredDeployment(object, colour) {
    const copy = structuredClone(object);
    copy.metadata.name = `${object.metadata.name}-${colour}`;
    const spec = copy.spec;
    spec.selector = { ...spec.selector, matchLabels: withColour(spec.selector?.matchLabels, colour) };
    spec.template.metadata = { ...spec.template.metadata, labels: withColour(spec.template.metadata?.labels, colour) };
    return copy;
}
function withSelector(object, colour) {
    const copy = structuredClone(object);
    const spec = copy.spec;
    spec.selector = withColour(spec.selector, colour);
    return copy;
}
const asColour = (colour) => colour === 'blue' || colour === 'green' ? colour : undefined;
/**
 * The new colour's objects and the switch. `liveColours` has the colour each Service of the manifests selects
 * on the cluster, by namespace/name: 'none' when it selects no colour yet, absent when the Service is new. Throws naming the
 * object when blue-green cannot apply: no Deployment behind a Service, a Service that also selects a StatefulSet
 * or DaemonSet (which cannot run in two colours), or Services live on different colours.
 */
function planBlueGreen(objects, liveColours, targetNamespace, changed = () => true) {
    const problems = [];
    const behind = (0,selection/* deploymentsBehindServices */.RF)(objects, targetNamespace, 'blue-green', problems);
    const switched = (0,selection/* strategyGroups */.aE)(behind, changed, problems);
    const colourOf = service => liveColours.get((0,selection/* serviceKey */.jq)((0,selection/* namespaceOf */.N6)(service.object, targetNamespace), service.object.metadata.name));
    const colours = switchingServiceColours(behind, switched, colourOf, targetNamespace, problems);
    if (problems.length > 0)
        throw new Error(`Blue-green cannot deploy these manifests; nothing was applied:\n- ${problems.join('\n- ')}`);
    const live = colours[0];
    const next = live ? otherColour(live) : 'blue';
    const coloured = new Set([...switched.values()].flat());
    const kept = keptDeploymentColours(behind, switched, coloured, colourOf);
    const names = new Map();
    for (const d of coloured)
        names.set(d.object.metadata.name, `${d.object.metadata.name}-${next}`);
    for (const [d, colour] of kept)
        if (colour)
            names.set(d.object.metadata.name, `${d.object.metadata.name}-${colour}`);
    const plan = { objects: [], services: [], deployments: [], live, next, rolling: [] };
    for (const item of objects) {
        if (kept.has(item)) {
            const colour = kept.get(item);
            plan.objects.push(colour ? { ...item, object: colouredDeployment(item.object, colour) } : item);
            plan.rolling.push(names.get(item.object.metadata.name) ?? item.object.metadata.name);
        }
        else if (behind.has(item) && !switched.has(item)) {
            plan.objects.push({ ...item, object: withSelector(item.object, asColour(colourOf(item))) });
        }
        else if (coloured.has(item)) {
            addNextColourDeployment(plan, item, (0,selection/* namespaceOf */.N6)(item.object, targetNamespace));
        }
        else if (switched.has(item)) {
            const namespace = (0,selection/* namespaceOf */.N6)(item.object, targetNamespace);
            addSwitchedService(plan, item, namespace, liveColours.get((0,selection/* serviceKey */.jq)(namespace, item.object.metadata.name)));
        }
        else {
            plan.objects.push(retargetAutoscaler(item, names));
        }
    }
    return plan;
}
/** The colours the Services that switch select now, adding a problem when they are more than one. */
function switchingServiceColours(behind, switched, colourOf, targetNamespace, problems) {
    const keys = [...switched.keys()].map(s => (0,selection/* serviceKey */.jq)((0,selection/* namespaceOf */.N6)(s.object, targetNamespace), s.object.metadata.name));
    // Only the Services that switch must agree: one whose Deployments do not change stays on its colour.
    const colours = [
        ...new Set((switched.size > 0 ? [...switched.keys()] : [...behind.keys()])
            .map(colourOf)
            .filter((c) => c === 'blue' || c === 'green'))
    ];
    if (colours.length > 1) {
        problems.push(`Services ${keys.join(', ')} select different colours (${colours.join(', ')}); switch them to one colour first (mode: rollback switches all of them back)`);
    }
    return colours;
}
/** The Deployments that do not switch, each with the colour it is written in (undefined: uncoloured). */
function keptDeploymentColours(behind, switched, coloured, colourOf) {
    // An unchanged Deployment is written under the name it has live: the colour its Services select, or its own.
    const kept = new Map();
    for (const [service, deployments] of behind) {
        if (switched.has(service))
            continue;
        const colour = asColour(colourOf(service));
        for (const d of deployments)
            if (!coloured.has(d) && !kept.get(d))
                kept.set(d, colour);
    }
    return kept;
}
/** A switched Deployment, written in the plan's next colour beside the live one it replaces. */
function addNextColourDeployment(plan, item, namespace) {
    plan.objects.push({ ...item, object: colouredDeployment(item.object, plan.next) });
    plan.deployments.push({
        namespace,
        base: item.object.metadata.name,
        name: `${item.object.metadata.name}-${plan.next}`,
        live: plan.live ? `${item.object.metadata.name}-${plan.live}` : undefined
    });
}
/** A Service that switches: applied on what it selects now, with the apply that switches it to the next colour. */
function addSwitchedService(plan, item, namespace, liveColour) {
    // Until the switch a Service keeps selecting what it selects now: its colour, or (the first blue-green deploy
    // of a Service that had none) the pods of both, of which only the ready ones serve. A new one waits for next.
    const selected = liveColour === 'none' ? undefined : (liveColour ?? plan.next);
    plan.objects.push({ ...item, object: withSelector(item.object, selected) });
    plan.services.push({
        namespace,
        name: item.object.metadata.name,
        switched: withSelector(item.object, plan.next),
        created: liveColour === undefined
    });
}
/** A HorizontalPodAutoscaler of a coloured Deployment scales the colour being deployed (or kept, when unchanged). */
function retargetAutoscaler(item, names) {
    if (item.object.kind !== 'HorizontalPodAutoscaler')
        return item;
    const target = item.object.spec?.scaleTargetRef;
    if (target?.kind !== 'Deployment' || !target.name || !names.has(target.name))
        return item;
    const copy = structuredClone(item.object);
    copy.spec.scaleTargetRef.name = names.get(target.name);
    return { ...item, object: copy };
}
/** The colour a live Service selects, when it selects one. */
function liveColourOf(service) {
    const value = service ? (0,selection/* serviceSelector */.TH)(service)?.[selection/* colourLabel */.tA] : undefined;
    return value === 'blue' || value === 'green' ? value : undefined;
}

// EXTERNAL MODULE: ./src/strategies/live-templates.ts
var live_templates = __webpack_require__(4173);
;// CONCATENATED MODULE: ./src/strategies/blue-green.ts








const serviceRef = (namespace, name) => ({
    apiVersion: 'v1',
    kind: 'Service',
    namespace,
    name
});
const deploymentRef = (namespace, name) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace,
    name
});
/** The colour each Service of the manifests selects on the cluster: 'none' when it exists and selects none yet. */
async function liveColours(kube, objects, targetNamespace) {
    const colours = new Map();
    await Promise.all(objects
        .filter(o => o.object.kind === 'Service')
        .map(async ({ object }) => {
        const namespace = object.metadata.namespace ?? targetNamespace;
        const live = await kube.get(serviceRef(namespace, object.metadata.name));
        if (live)
            colours.set((0,selection/* serviceKey */.jq)(namespace, object.metadata.name), liveColourOf(live) ?? 'none');
    }));
    return colours;
}
/** The Deployments behind a Service that are not pinned, and the colour their Services select live, if any. */
function colouredCandidates(objects, colours, targetNamespace) {
    const behind = (0,selection/* deploymentsBehindServices */.RF)(objects, targetNamespace, 'blue-green', []);
    const candidates = (0,selection/* strategyCandidates */.i3)(behind);
    const liveColour = (d) => {
        for (const [service, deployments] of behind) {
            const colour = colours.get((0,selection/* serviceKey */.jq)((0,selection/* namespaceOf */.N6)(service.object, targetNamespace), service.object.metadata.name));
            if (deployments.includes(d) && (colour === 'blue' || colour === 'green'))
                return colour;
        }
        return undefined;
    };
    return { candidates, liveColour };
}
/**
 * The Deployments behind a Service whose template changes: compared with the colour their Services select live
 * (`web-blue`), or with the Deployment of their own name when the Services select no colour yet.
 */
async function changedDeployments(kube, objects, colours, targetNamespace, fieldManager) {
    const { candidates, liveColour } = colouredCandidates(objects, colours, targetNamespace);
    const probes = candidates.map(d => {
        const colour = liveColour(d);
        return {
            namespace: (0,selection/* namespaceOf */.N6)(d.object, targetNamespace),
            object: colour ? colouredDeployment(d.object, colour) : d.object
        };
    });
    const changes = await (0,live_templates/* templatesChange */.k)(kube, probes, fieldManager);
    return new Set(candidates.filter((_, i) => changes[i]));
}
/** Switches every Service in one server-side apply each, at once, by the field manager that applies them. */
async function switchServices(kube, services, fieldManager) {
    await Promise.all(services.map(service => kube.apply({
        ...service.switched,
        metadata: { ...service.switched.metadata, namespace: service.namespace, name: service.name }
    }, { fieldManager, strict: true })));
}
/**
 * Scales a colour through the scale subresource (its template stays as it is, for a later switch back), then
 * hands spec.replicas back so the next apply of that colour does not conflict with the scale.
 */
async function scaleDeployment(kube, namespace, name, replicas, fieldManager) {
    const manager = `${fieldManager}-blue-green`.slice(0, 128);
    await kube.patch(deploymentRef(namespace, name), { type: 'merge', body: { spec: { replicas } } }, { fieldManager: manager, subresource: 'scale' });
    await releaseFields(kube, deploymentRef(namespace, name), manager);
}
/**
 * A blue-green deploy: the manifests' Deployments behind Services are written as the colour no Service selects;
 * once they are ready (and the gate passes) the Services switch in one apply each. The old colour stays scaled
 * for an instant switch back (mode rollback), until the next deploy or for blue-green-keep.
 */
class BlueGreenDeploy {
    plan;
    settings;
    fieldManager;
    gate;
    onFailure = 'discard';
    switchedAt;
    switching = false;
    deletedServices = [];
    constructor(plan, settings, fieldManager, gate) {
        this.plan = plan;
        this.settings = settings;
        this.fieldManager = fieldManager;
        this.gate = gate;
    }
    static async prepare(kube, objects, targetNamespace, settings, fieldManager, gate) {
        const colours = await liveColours(kube, objects, targetNamespace);
        const changed = await changedDeployments(kube, objects, colours, targetNamespace, fieldManager);
        const plan = planBlueGreen(objects, colours, targetNamespace, d => changed.has(d));
        core/* info */.pq(plan.deployments.length === 0
            ? `Blue-green: no Deployment behind a Service changes its template; nothing gets a new colour, ${plan.live ?? 'no colour'} stays live.`
            : `Blue-green: ${plan.live ? `${plan.live} is live; deploying ${plan.next}` : `first deploy, as ${plan.next}`} (${plan.deployments.map(d => `deployment/${d.name}`).join(', ')}).`);
        if (plan.rolling.length > 0)
            core/* info */.pq(`Applied as rolling, pods kept (template unchanged, or ${selection/* strategyAnnotation */.D5}: rolling): ${plan.rolling.map(name => `deployment/${name}`).join(', ')}.`);
        return new BlueGreenDeploy(plan, settings, fieldManager, gate);
    }
    get objects() {
        return this.plan.objects;
    }
    /** The live colour's Deployments: not in the manifests this run, and never pruned while kept for a switch back. */
    get retained() {
        return this.plan.deployments
            .filter(d => d.live)
            .map(d => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: d.live, namespace: d.namespace } }));
    }
    /** Every rollout succeeded: gate, switch, then the old colour's keep. Throws when the gate fails. */
    async promote(kube, readyAt) {
        if (this.plan.services.length === 0)
            return;
        await this.gate?.(this.plan.next);
        this.switching = true;
        await switchServices(kube, this.plan.services, this.fieldManager);
        this.switchedAt = Date.now();
        core/* info */.pq(`Switched ${this.plan.services.map(s => `service/${s.name}`).join(', ')} to ${this.plan.next} ${this.switchedAt - readyAt} ms after it was ready.`);
        const keepMs = this.settings.keepMs;
        if (keepMs === undefined || !this.plan.live)
            return;
        if (keepMs > 0) {
            core/* info */.pq(`Keeping ${this.plan.live} scaled for ${Math.round(keepMs / 1000)} s (blue-green-keep), for an instant switch back.`);
            await (0,gate/* sleep */.yy)(keepMs);
        }
        for (const d of this.plan.deployments.filter(d => d.live))
            await scaleDeployment(kube, d.namespace, d.live, 0, this.fieldManager);
        core/* info */.pq(`Scaled ${this.plan.live} to zero: ${this.plan.deployments.map(d => `deployment/${d.live}`).join(', ')}.`);
    }
    /** The new colour failed before the switch: it is deleted, and the live colour was never touched. */
    async discard(kube) {
        if (this.switching) {
            // A switch that failed part-way may have moved some Services already: their new colour must stay.
            core/* warning */.$e(`The switch to ${this.plan.next} did not complete; ${this.plan.next} is kept. Check the Services' selectors (mode rollback switches all of them back).`);
            return;
        }
        if (this.plan.deployments.length === 0)
            return;
        // A Service this first deploy created already selects the new colour: it goes first, so that nothing ever
        // points traffic at a colour being deleted, and the next run starts again from no colour.
        for (const s of this.plan.services.filter(s => s.created)) {
            await kube.delete(serviceRef(s.namespace, s.name)).catch(error => {
                if (!(error instanceof errors/* KubeApiError */.W && error.statusCode === 404))
                    throw error;
            });
            this.deletedServices.push(s.name);
        }
        if (this.deletedServices.length > 0)
            core/* info */.pq(`Deleted ${this.deletedServices.map(name => `service/${name}`).join(', ')}, created by this run selecting ${this.plan.next}.`);
        for (const d of this.plan.deployments) {
            await kube.delete(deploymentRef(d.namespace, d.name), { propagationPolicy: 'Background' }).catch(error => {
                if (!(error instanceof errors/* KubeApiError */.W && error.statusCode === 404))
                    throw error;
            });
        }
        core/* info */.pq(`Deleted ${this.plan.next}: ${this.plan.deployments.map(d => `deployment/${d.name}`).join(', ')}; ${this.plan.live ?? 'nothing'} ${this.plan.live ? 'still serves' : 'was live before'}.`);
    }
    report() {
        return {
            strategy: 'blue-green',
            before: this.plan.live,
            after: this.switchedAt ? this.plan.next : this.plan.live,
            services: this.plan.services.map(s => s.name),
            switched: this.switchedAt !== undefined,
            coloured: this.plan.deployments.map(d => d.name),
            rolling: this.plan.rolling,
            ...(this.deletedServices.length > 0 ? { deletedServices: this.deletedServices } : {})
        };
    }
}
/**
 * mode rollback under blue-green: the Services go back to the other colour in one apply each. That colour is
 * scaled back up first (to the live colour's replicas) when blue-green-keep scaled it to zero, and waited on.
 */
async function switchBack(kube, objects, targetNamespace, fieldManager, timeoutMs) {
    // Planned as a deploy would be: the colour after the live one is the one to go back to. Only Deployments that
    // have that colour switch back; one that never got a second colour (unchanged since, issue 18) stays.
    const colours = await liveColours(kube, objects, targetNamespace);
    const { candidates, liveColour } = colouredCandidates(objects, colours, targetNamespace);
    const present = await Promise.all(candidates.map(async (d) => {
        const colour = liveColour(d);
        return (colour !== undefined &&
            (await kube.get(deploymentRef((0,selection/* namespaceOf */.N6)(d.object, targetNamespace), `${d.object.metadata.name}-${otherColour(colour)}`))) !== undefined);
    }));
    const back = new Set(candidates.filter((_, i) => present[i]));
    const plan = planBlueGreen(objects, colours, targetNamespace, d => back.has(d));
    if (plan.rolling.length > 0)
        core/* info */.pq(`Not switched back, no other colour: ${plan.rolling.map(name => `deployment/${name}`).join(', ')}.`);
    if (!plan.live)
        throw new Error(`No Service of the manifests selects a colour yet (${plan.services.map(s => `service/${s.name}`).join(', ')}): there is nothing to switch back to.`);
    if (plan.deployments.length === 0)
        throw new Error(`No Deployment of the manifests has a colour other than ${plan.live} (${plan.rolling.map(name => `deployment/${name}`).join(', ')}): there is nothing to switch back to.`);
    for (const d of plan.deployments) {
        const [target, live] = await Promise.all([
            kube.get(deploymentRef(d.namespace, d.name)),
            kube.get(deploymentRef(d.namespace, d.live))
        ]);
        if (!target)
            throw new Error(`deployment/${d.name} does not exist in namespace ${d.namespace}: there is no ${plan.next} to switch back to.`);
        if ((target.spec.replicas ?? 1) === 0)
            await scaleDeployment(kube, d.namespace, d.name, live?.spec.replicas ?? 1, fieldManager);
    }
    const waits = await waitForRollouts(kube, plan.deployments.map(d => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        plural: 'deployments',
        namespace: d.namespace,
        name: d.name
    })), { timeoutMs, log: line => core/* info */.pq(line) });
    const traffic = (switched) => ({
        strategy: 'blue-green',
        before: plan.live,
        after: switched ? plan.next : plan.live,
        services: plan.services.map(s => s.name),
        switched,
        coloured: plan.deployments.map(d => d.name),
        rolling: plan.rolling
    });
    if (waits.some(w => w.state !== 'succeeded'))
        return { traffic: traffic(false), waits };
    await switchServices(kube, plan.services, fieldManager);
    core/* info */.pq(`Switched ${plan.services.map(s => `service/${s.name}`).join(', ')} back to ${plan.next}.`);
    return { traffic: traffic(true), waits };
}


/***/ })

};
