export const id = 42;
export const ids = [42,392];
export const modules = {

/***/ 3312:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HC: () => (/* binding */ planDeploymentUndo),
/* harmony export */   U4: () => (/* binding */ historyRows),
/* harmony export */   fl: () => (/* binding */ planControllerRevisionUndo),
/* harmony export */   lA: () => (/* binding */ revisionAnnotation),
/* harmony export */   un: () => (/* binding */ podsBlockingRollback),
/* harmony export */   yQ: () => (/* binding */ unchangedByLastDeploy)
/* harmony export */ });
/* unused harmony exports isControlledBy, replicaSetRevision */
/* harmony import */ var _manifests_annotate_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7528);
/* harmony import */ var _manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1860);
/**
 * Rollback choices, after kubectl's rollout undo (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go): which
 * revision to return to, and the patch that returns there. Pure, so each rule is table-tested.
 */


const revisionAnnotation = 'deployment.kubernetes.io/revision';
/** The Deployment's own values of these stay; every other annotation comes from the target ReplicaSet. */
const annotationsToSkip = new Set([
    'kubectl.kubernetes.io/last-applied-configuration',
    revisionAnnotation,
    'deployment.kubernetes.io/revision-history',
    'deployment.kubernetes.io/desired-replicas',
    'deployment.kubernetes.io/max-replicas'
]);
function isControlledBy(child, owner) {
    return (child.metadata.ownerReferences ?? []).some(ref => ref.controller && ref.uid === owner.metadata.uid);
}
function withoutHash(template) {
    const copy = structuredClone(template);
    if (copy.metadata?.labels) {
        delete copy.metadata.labels['pod-template-hash'];
    }
    return copy;
}
function replicaSetRevision(rs) {
    const value = Number(rs.metadata.annotations?.[revisionAnnotation]);
    return Number.isInteger(value) ? value : 0;
}
/**
 * Plans `kubectl rollout undo deployment` (to `toRevision`, or the previous revision when 0): refuses a paused
 * Deployment, skips when the current template already matches the target (pod-template-hash ignored), and
 * otherwise replaces the template and the annotations as kubectl does.
 */
function planDeploymentUndo(deployment, replicaSets, toRevision = 0) {
    const name = `deployment/${deployment.metadata.name}`;
    if (deployment.spec.paused) {
        throw new Error(`${name} is paused; resume it (kubectl rollout resume ${name}) before rolling back.`);
    }
    const owned = replicaSets.filter(rs => isControlledBy(rs, deployment));
    let target;
    if (toRevision > 0) {
        target = owned.find(rs => replicaSetRevision(rs) === toRevision);
        if (!target)
            throw new Error(`${name} has no revision ${toRevision} in its history (revisions: ${owned
                .map(replicaSetRevision)
                .sort((a, b) => a - b)
                .join(', ') || 'none'}).`);
    }
    else {
        const sorted = [...owned].sort((a, b) => replicaSetRevision(b) - replicaSetRevision(a));
        target = sorted[1];
        if (!target)
            throw new Error(`${name} has no previous revision to roll back to (no rollout history).`);
    }
    const revision = replicaSetRevision(target);
    if ((0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__/* .sameValue */ .eE)(withoutHash(target.spec.template), withoutHash(deployment.spec.template))) {
        return {
            action: 'skip',
            revision,
            reason: `${name}: skipped rollback (current template already matches revision ${revision})`
        };
    }
    const template = withoutHash(target.spec.template);
    const annotations = {};
    for (const key of annotationsToSkip) {
        const value = deployment.metadata.annotations?.[key];
        if (value !== undefined)
            annotations[key] = value;
    }
    for (const [key, value] of Object.entries(target.metadata.annotations ?? {}))
        if (!annotationsToSkip.has(key))
            annotations[key] = value;
    return {
        action: 'patch',
        revision,
        patchType: 'json',
        template,
        annotations,
        patch: [
            { op: 'replace', path: '/spec/template', value: template },
            { op: 'replace', path: '/metadata/annotations', value: annotations }
        ]
    };
}
/**
 * Plans `kubectl rollout undo` for a StatefulSet or DaemonSet from its ControllerRevisions: the data of the
 * target revision is the strategic merge patch that restores its template.
 */
function planControllerRevisionUndo(kind, object, revisions, toRevision = 0) {
    const name = `${kind.toLowerCase()}/${object.metadata.name}`;
    const history = revisions.filter(r => isControlledBy(r, object)).sort((a, b) => a.revision - b.revision);
    let target;
    if (toRevision > 0) {
        target = history.find(r => r.revision === toRevision);
        if (!target)
            throw new Error(`${name} has no revision ${toRevision} in its history (revisions: ${history.map(r => r.revision).join(', ') || 'none'}).`);
    }
    else {
        target = history.at(-2);
        if (!target)
            throw new Error(`${name} has no previous revision to roll back to (no rollout history).`);
    }
    const template = structuredClone(target.data?.spec?.template ?? {});
    delete template.$patch;
    if ((0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__/* .sameValue */ .eE)(withoutHash(template), withoutHash(object.spec.template))) {
        return {
            action: 'skip',
            revision: target.revision,
            reason: `${name}: skipped rollback (current template already matches revision ${target.revision})`
        };
    }
    // kubectl restores the template only. The commit on the object goes back with it, as a Deployment's does from
    // its ReplicaSet, so that the workload again counts as changed by the deploy that made this revision.
    const commit = template.metadata?.annotations?.[_manifests_annotate_js__WEBPACK_IMPORTED_MODULE_0__/* .annotationKeys */ .ic.commit];
    const patch = commit
        ? { ...target.data, metadata: { annotations: { [_manifests_annotate_js__WEBPACK_IMPORTED_MODULE_0__/* .annotationKeys */ .ic.commit]: commit } } }
        : target.data;
    return {
        action: 'patch',
        revision: target.revision,
        patchType: 'strategic',
        patch,
        template,
        revisionName: target.metadata.name
    };
}
/**
 * Why `rollback-to: previous` leaves a workload alone, or undefined to undo it: each deploy records its commit on
 * the object, and on the pod template only when it changed the template (keepUnchangedTemplate), so a template
 * commit that differs from the object's means the last deploy did not roll this workload.
 */
function unchangedByLastDeploy(kind, live) {
    const deployed = live.metadata.annotations?.[_manifests_annotate_js__WEBPACK_IMPORTED_MODULE_0__/* .annotationKeys */ .ic.commit];
    const running = live.spec.template.metadata?.annotations?.[_manifests_annotate_js__WEBPACK_IMPORTED_MODULE_0__/* .annotationKeys */ .ic.commit];
    if (!deployed || running === deployed)
        return undefined;
    const pods = running
        ? `its pods are still those of commit ${running.slice(0, 12)}`
        : 'its pods predate build-and-deploy';
    return `${kind.toLowerCase()}/${live.metadata.name}: skipped, the last deploy (commit ${deployed.slice(0, 12)}) did not change it; ${pods}`;
}
const commitOf = (template, owner) => template?.metadata?.annotations?.[_manifests_annotate_js__WEBPACK_IMPORTED_MODULE_0__/* .annotationKeys */ .ic.commit] ?? owner.metadata.annotations?.[_manifests_annotate_js__WEBPACK_IMPORTED_MODULE_0__/* .annotationKeys */ .ic.commit];
const imagesOf = (template) => (template?.spec?.containers ?? []).map(c => c.image ?? '');
/** Revisions of a workload, newest first, with the commit each came from and which one is live. */
function historyRows(kind, live, replicaSets, revisions) {
    if (kind === 'Deployment') {
        const current = Number(live.metadata.annotations?.[revisionAnnotation] ?? 0);
        return replicaSets
            .filter(rs => isControlledBy(rs, live))
            .map(rs => ({
            revision: replicaSetRevision(rs),
            commit: commitOf(rs.spec.template, rs),
            images: imagesOf(rs.spec.template),
            changeCause: rs.metadata.annotations?.['kubernetes.io/change-cause'],
            created: rs.metadata.creationTimestamp,
            live: replicaSetRevision(rs) === current
        }))
            .sort((a, b) => b.revision - a.revision);
    }
    const owned = revisions.filter(r => isControlledBy(r, live)).sort((a, b) => b.revision - a.revision);
    return owned.map((r, i) => ({
        revision: r.revision,
        commit: commitOf(r.data?.spec?.template, r),
        images: imagesOf(r.data?.spec?.template),
        changeCause: r.metadata.annotations?.['kubernetes.io/change-cause'],
        created: r.metadata.creationTimestamp,
        // A StatefulSet names its live revision; a DaemonSet's is its newest.
        live: kind === 'StatefulSet' ? r.metadata.name === live.status?.updateRevision : i === 0
    }));
}
/**
 * A StatefulSet rolled back from a broken revision does not replace its broken pods by itself: with the
 * OrderedReady policy it waits for them to become Ready first, which they never will. The Kubernetes docs call
 * this a forced rollback and tell to delete those pods; these are the ones.
 */
function podsBlockingRollback(set, pods, targetRevisionName) {
    if (set.spec.podManagementPolicy === 'Parallel')
        return [];
    return pods
        .filter(pod => isControlledBy(pod, set))
        .filter(pod => pod.metadata.labels?.['controller-revision-hash'] !== targetRevisionName)
        .filter(pod => !pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True'))
        .map(pod => pod.metadata.name);
}


/***/ }),

/***/ 1042:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  D6: () => (/* binding */ logHistories),
  X_: () => (/* binding */ readHistories),
  ZU: () => (/* binding */ readLiveHistories),
  MU: () => (/* binding */ resolveRollbackCommit),
  pW: () => (/* binding */ rollbackWorkloads),
  yP: () => (/* binding */ underLock)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: ./src/manifests/documents.ts
var documents = __webpack_require__(1860);
// EXTERNAL MODULE: ./src/run/lock.ts
var lock = __webpack_require__(8642);
// EXTERNAL MODULE: ./src/run/context.ts
var context = __webpack_require__(670);
// EXTERNAL MODULE: ./src/rollback/undo.ts
var undo = __webpack_require__(3392);
;// CONCATENATED MODULE: ./src/rollback/commit-prefix.ts
const workloadName = (h) => `${h.workload.kind.toLowerCase()}/${h.workload.name}`;
/** Each commit of the histories, newest revision first, with where it was seen (deployment/web revision 3). */
function knownCommits(histories) {
    const commits = new Map();
    for (const history of histories) {
        for (const row of history.rows) {
            if (!row.commit)
                continue;
            const seen = commits.get(row.commit) ?? [];
            seen.push(`${workloadName(history)} revision ${row.revision}${row.live ? ', live' : ''}`);
            commits.set(row.commit, seen);
        }
    }
    return commits;
}
const listed = (commits, limit = 10) => {
    const entries = [...commits].map(([commit, seen]) => `${commit} (${seen.join('; ')})`);
    return entries.slice(0, limit).join(', ') + (entries.length > limit ? `, and ${entries.length - limit} more` : '');
};
/** The full SHA of the one recorded commit that starts with `prefix`; throws, listing the commits, otherwise. */
function resolveCommitPrefix(prefix, histories) {
    const commits = knownCommits(histories);
    const matches = new Map([...commits].filter(([commit]) => commit.startsWith(prefix)));
    if (matches.size === 1)
        return [...matches.keys()][0];
    const where = histories.map(workloadName).join(', ');
    // Said where it matters: someone who meant a revision number learns why it was not read as one.
    const digits = /^\d+$/.test(prefix) ? ` (read as a commit: a revision number has at most 6 digits)` : '';
    if (matches.size > 1) {
        throw new Error(`rollback-to '${prefix}' is ambiguous: ${matches.size} commits in the history of ${where} start with it: ${listed(matches)}. Give more characters.`);
    }
    if (commits.size === 0) {
        throw new Error(`rollback-to '${prefix}'${digits}: the history of ${where} records no commit (no revision was deployed by build-and-deploy). Give the full 40-character SHA, whose image tag is then looked up in the registry.`);
    }
    throw new Error(`rollback-to '${prefix}'${digits} matches no commit in the history of ${where}. Known commits: ${listed(commits)}. Give one of them, or the full 40-character SHA of another, whose image tag is then looked up in the registry.`);
}

// EXTERNAL MODULE: ./src/rollback/live-revision.ts
var live_revision = __webpack_require__(5844);
// EXTERNAL MODULE: ./src/rollback/history-log.ts
var history_log = __webpack_require__(2751);
// EXTERNAL MODULE: ./src/rollback/rollback-plan.ts
var rollback_plan = __webpack_require__(3312);
// EXTERNAL MODULE: ./src/status/readers.ts + 10 modules
var readers = __webpack_require__(7822);
// EXTERNAL MODULE: ./src/status/wait.ts + 2 modules
var wait = __webpack_require__(3375);
// EXTERNAL MODULE: ./src/strategies/registry.ts + 4 modules
var registry = __webpack_require__(5769);
;// CONCATENATED MODULE: ./src/rollback/rollback-step.ts












/** The Deployments, StatefulSets and DaemonSets the manifests describe, in their effective namespaces. */
function workloadsOf(objects, settings, contextNamespace) {
    const workloads = [];
    for (const { object, file, document } of objects) {
        if (!(0,undo.canUndo)(object.kind))
            continue;
        const copy = structuredClone(object);
        const problem = (0,documents/* resolveNamespace */.uP)(copy, true, settings.namespace, contextNamespace);
        if (problem)
            throw new Error(`${file} document ${document} (${object.kind} ${object.metadata.name}): ${problem}`);
        workloads.push({ kind: object.kind, namespace: copy.metadata.namespace, name: object.metadata.name });
    }
    if (workloads.length === 0)
        throw new Error('The manifests describe no Deployment, StatefulSet or DaemonSet, so there is nothing with a revision history.');
    return workloads;
}
async function readHistories(settings, objects) {
    return (0,context/* withCluster */.B)(settings, ({ kube }) => Promise.all(workloadsOf(objects, settings, kube.namespace).map(async (workload) => {
        const { live, replicaSets, revisions } = await (0,undo/* readHistory */.Lu)(kube, workload);
        return { workload, rows: (0,rollback_plan/* historyRows */.U4)(workload.kind, live, replicaSets, revisions) };
    })));
}
/**
 * The full SHA a `rollback-to` prefix names, from the revisions of the manifests' workloads (as the strategy
 * names them: under blue-green, both colours of each Deployment).
 */
async function resolveRollbackCommit(settings, objects, prefix) {
    return (0,context/* withCluster */.B)(settings, async ({ kube }) => {
        const workloads = workloadsOf(objects, settings, kube.namespace).flatMap((0,registry/* strategyNamed */.vL)(settings.strategy).historyOf);
        const histories = [];
        for (const workload of workloads) {
            const history = await (0,undo/* readHistoryIfExists */.gD)(kube, workload);
            if (history)
                histories.push({
                    workload,
                    rows: (0,rollback_plan/* historyRows */.U4)(workload.kind, history.live, history.replicaSets, history.revisions)
                });
        }
        if (histories.length === 0)
            throw new Error(`rollback-to '${prefix}': none of ${workloads.map(w => `${w.kind.toLowerCase()}/${w.name}`).join(', ')} exists, so there is no history to find the commit in. Give the full 40-character SHA.`);
        return resolveCommitPrefix(prefix, histories);
    });
}
/** After a rollback: what runs now, in the log (the summary's history table marks the same rows live). */
async function readLiveHistories(settings, objects) {
    const histories = await readHistories(settings, objects);
    for (const history of histories)
        core/* info */.pq((0,live_revision/* describeLive */.IY)(history));
    return histories;
}
/** mode history prints its table to the log too, as the summary is not where a terminal user (act) looks. */
function logHistories(histories) {
    for (const line of (0,history_log/* historyLogLines */.Ct)(histories))
        core/* info */.pq(line);
}
/**
 * mode rollback with `previous` or a revision number: every workload of the manifests goes back as with
 * `kubectl rollout undo [--to-revision]`, under the deploy lock, and the rollout is waited on.
 */
async function rollbackWorkloads(settings, objects, toRevision) {
    return underLock(settings, objects, async (kube) => {
        const workloads = workloadsOf(objects, settings, kube.namespace);
        // Plan every undo before changing any, so an unknown revision or a paused Deployment changes nothing.
        const restored = [];
        const toUndo = [];
        for (const workload of workloads) {
            const { live, replicaSets, revisions } = await (0,undo/* readHistory */.Lu)(kube, workload);
            const skipped = toRevision === 0 ? (0,rollback_plan/* unchangedByLastDeploy */.yQ)(workload.kind, live) : undefined;
            if (skipped) {
                restored.push({ workload, plan: { action: 'skip', revision: 0, reason: skipped } });
                continue;
            }
            if ((0,readers/* undoHistoryOf */._0)(workload.kind) === 'ReplicaSet')
                (0,rollback_plan/* planDeploymentUndo */.HC)(live, replicaSets, toRevision);
            else
                (0,rollback_plan/* planControllerRevisionUndo */.fl)(workload.kind, live, revisions, toRevision);
            toUndo.push(workload);
        }
        for (const workload of toUndo)
            restored.push(await (0,undo/* undoWorkload */.g)(kube, workload, toRevision, settings.fieldManager));
        for (const result of restored)
            core/* info */.pq((0,undo.describeUndo)(result));
        if (toUndo.length === 0)
            core/* notice */.lm('Nothing to roll back: the last deploy changed no workload of the manifests.');
        const items = restored
            .filter(r => r.plan.action === 'patch')
            .map(r => ({
            apiVersion: 'apps/v1',
            kind: r.workload.kind,
            plural: (0,readers/* pluralOf */._l)(r.workload.kind),
            namespace: r.workload.namespace,
            name: r.workload.name
        }));
        const waits = settings.wait
            ? await (0,wait/* waitForRollouts */.h)(kube, items, { timeoutMs: settings.timeoutMs, log: line => core/* info */.pq(line) })
            : [];
        return { restored, waits };
    });
}
/**
 * Connects, takes the deploy lock where a deploy of these manifests takes it (lockNamespace), runs `work`, and
 * always releases the lock and closes.
 */
function underLock(settings, objects, work) {
    return (0,context/* withCluster */.B)(settings, async (context) => {
        await context.holdLock((0,lock/* lockNamespace */.vH)(objects.map(o => o.object), settings.namespace, context.kube.namespace));
        return work(context.kube, context.targetNamespace);
    });
}


/***/ }),

/***/ 3392:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Lu: () => (/* binding */ readHistory),
/* harmony export */   canUndo: () => (/* binding */ canUndo),
/* harmony export */   describeUndo: () => (/* binding */ describeUndo),
/* harmony export */   g: () => (/* binding */ undoWorkload),
/* harmony export */   gD: () => (/* binding */ readHistoryIfExists),
/* harmony export */   undoToBefore: () => (/* binding */ undoToBefore)
/* harmony export */ });
/* unused harmony export revisionBefore */
/* harmony import */ var _kube_managed_fields_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2792);
/* harmony import */ var _status_readers_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7822);
/* harmony import */ var _rollback_plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3312);



/** The log line of an undo: where the workload went, or why it was left. */
const describeUndo = (r) => r.plan.action === 'skip'
    ? r.plan.reason
    : `${r.workload.kind.toLowerCase()}/${r.workload.name}: rolled back to revision ${r.plan.revision}`;
/** Whether `kubectl rollout undo` can roll this kind back (its status reader names the history). */
function canUndo(kind) {
    return (0,_status_readers_js__WEBPACK_IMPORTED_MODULE_1__/* .undoHistoryOf */ ._0)(kind) !== undefined;
}
const objectRef = (w) => ({
    apiVersion: 'apps/v1',
    kind: w.kind,
    namespace: w.namespace,
    name: w.name
});
/** The revision history of a workload: its ReplicaSets, or its ControllerRevisions. */
async function readHistory(kube, workload) {
    const history = await readHistoryIfExists(kube, workload);
    if (!history)
        throw new Error(`${workload.kind.toLowerCase()}/${workload.name} does not exist in namespace ${workload.namespace}.`);
    return history;
}
/** As readHistory, or undefined when the workload does not exist. */
async function readHistoryIfExists(kube, workload) {
    const live = await kube.get(objectRef(workload));
    if (!live)
        return undefined;
    const { namespace } = workload;
    if ((0,_status_readers_js__WEBPACK_IMPORTED_MODULE_1__/* .undoHistoryOf */ ._0)(workload.kind) === 'ReplicaSet') {
        const list = await kube.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace });
        return { live, replicaSets: list.items, revisions: [] };
    }
    const list = await kube.list({ apiVersion: 'apps/v1', kind: 'ControllerRevision', namespace });
    return { live, replicaSets: [], revisions: list.items };
}
/** The revision number a workload had, from the object as it was before this run. */
function revisionBefore(kind, before, revisions) {
    if (!before)
        return 0;
    const metadata = before.metadata;
    if (kind === 'Deployment')
        return Number(metadata.annotations?.[_rollback_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .revisionAnnotation */ .lA] ?? 0);
    if (kind === 'StatefulSet') {
        const name = before.status?.updateRevision;
        return revisions.find(r => r.metadata.name === name)?.revision ?? 0;
    }
    return 0;
}
/**
 * Rolls a workload back as `kubectl rollout undo` does, then hands its fields back: the undo patch is an
 * Update by `<field manager>-rollback`, which would own the template and make the next server-side apply
 * conflict, so that manager's entry is removed from managedFields.
 */
/** `toRevision` is a revision number (0: the previous one), or chosen from the history once it is read. */
async function undoWorkload(kube, workload, toRevision, fieldManager) {
    const { live, replicaSets, revisions } = await readHistory(kube, workload);
    const revision = typeof toRevision === 'number' ? toRevision : toRevision(revisions);
    if (revision < 0) {
        return {
            workload,
            plan: {
                action: 'skip',
                revision: 0,
                reason: `${workload.kind.toLowerCase()}/${workload.name}: no revision recorded before this run`
            }
        };
    }
    const plan = (0,_status_readers_js__WEBPACK_IMPORTED_MODULE_1__/* .undoHistoryOf */ ._0)(workload.kind) === 'ReplicaSet'
        ? (0,_rollback_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .planDeploymentUndo */ .HC)(live, replicaSets, revision)
        : (0,_rollback_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .planControllerRevisionUndo */ .fl)(workload.kind, live, revisions, revision);
    if (plan.action === 'skip')
        return { workload, plan };
    const manager = `${fieldManager}-rollback`.slice(0, 128);
    await kube.patch(objectRef(workload), plan.patchType === 'json' ? { type: 'json', body: plan.patch } : { type: 'strategic', body: plan.patch }, { fieldManager: manager });
    await (0,_kube_managed_fields_js__WEBPACK_IMPORTED_MODULE_0__/* .releaseFields */ .z)(kube, objectRef(workload), manager);
    if (workload.kind === 'StatefulSet' && plan.patchType === 'strategic') {
        const pods = await kube.list({
            apiVersion: 'v1',
            kind: 'Pod',
            namespace: workload.namespace
        });
        for (const name of (0,_rollback_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .podsBlockingRollback */ .un)(live, pods.items, plan.revisionName)) {
            await kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: workload.namespace, name }).catch(() => undefined);
        }
    }
    return { workload, plan };
}
/** Rolls a workload back to the revision it had before this run (`before` is the object as it was then). */
async function undoToBefore(kube, workload, before, fieldManager) {
    // A DaemonSet records no revision on itself: the previous one (0) is the one before this run.
    if (workload.kind === 'DaemonSet')
        return undoWorkload(kube, workload, 0, fieldManager);
    return undoWorkload(kube, workload, revisions => revisionBefore(workload.kind, before, revisions) || -1, fieldManager);
}


/***/ })

};
