export const id = 495;
export const ids = [495];
export const modules = {

/***/ 8495:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CanaryDeploy: () => (/* binding */ CanaryDeploy),
  CanaryPromotion: () => (/* binding */ CanaryPromotion),
  abortCanary: () => (/* binding */ abortCanary)
});

// UNUSED EXPORTS: deleteCanaryObjects

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 9 modules
var core = __webpack_require__(9584);
// EXTERNAL MODULE: ./src/kube/errors.ts
var errors = __webpack_require__(3646);
// EXTERNAL MODULE: ./src/strategies/selection.ts + 2 modules
var selection = __webpack_require__(772);
;// CONCATENATED MODULE: ./src/strategies/canary-plan.ts

/** Canary replicas for a `percent` share beside `stable` pods: c / (stable + c) ≈ percent, at least one. */
function canaryReplicas(stable, percent) {
    return Math.max(1, Math.round((percent * stable) / (100 - percent)));
}
const withTrack = (labels) => ({ ...labels, [selection/* trackLabel */.K$]: 'canary' });
function canaryDeployment(object, replicas) {
    const copy = structuredClone(object);
    copy.metadata.name = `${object.metadata.name}-canary`;
    const spec = copy.spec;
    spec.replicas = replicas;
    spec.selector = { ...spec.selector, matchLabels: withTrack(spec.selector?.matchLabels) };
    spec.template.metadata = { ...spec.template.metadata, labels: withTrack(spec.template.metadata?.labels) };
    return copy;
}
const isNginx = (ingress) => ingress.spec?.ingressClassName === 'nginx' ||
    ingress.metadata.annotations?.['kubernetes.io/ingress.class'] === 'nginx';
/** ingress-nginx's canary Ingress: the same hosts and paths, to the canary Services, with the weight. */
function canaryIngress(ingress, canaried, weight) {
    const copy = structuredClone(ingress);
    copy.metadata.name = `${ingress.metadata.name}-canary`;
    copy.metadata.annotations = {
        ...copy.metadata.annotations,
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': String(weight)
    };
    const spec = copy.spec;
    delete spec.defaultBackend;
    // TLS stays with the main Ingress: ingress-nginx takes the canary's certificate from it.
    delete spec.tls;
    spec.rules = (spec.rules ?? [])
        .map(rule => ({
        ...rule,
        http: {
            paths: (rule.http?.paths ?? [])
                .filter(p => canaried.has(p.backend?.service?.name ?? ''))
                .map(p => ({
                ...p,
                backend: { ...p.backend, service: { ...p.backend.service, name: `${p.backend.service.name}-canary` } }
            }))
        }
    }))
        .filter(rule => rule.http.paths.length > 0);
    return spec.rules.length > 0 ? copy : undefined;
}
/**
 * The canary's objects. `stableReplicas` has the live replicas of each Deployment behind a Service, by
 * namespace/name (absent: not live yet, so it rolls out as stable). Throws as blue-green does for manifests
 * with no Deployment behind a Service, or a Service that also selects a StatefulSet or DaemonSet.
 */
function planCanary(objects, stableReplicas, targetNamespace, percent, changed = () => true) {
    const problems = [];
    const key = (object) => (0,selection/* serviceKey */.jq)((0,selection/* namespaceOf */.N6)(object, targetNamespace), object.metadata.name);
    const isLive = (d) => stableReplicas.has(key(d.object));
    const every = (0,selection/* deploymentsBehindServices */.RF)(objects, targetNamespace, 'canary', problems);
    // A Deployment not live yet rolls out as stable; one whose template does not change keeps its pods (issue 18).
    const behind = (0,selection/* strategyGroups */.aE)(every, d => isLive(d) && changed(d), problems);
    if (problems.length > 0)
        throw new Error(`Canary cannot deploy these manifests; nothing was applied:\n- ${problems.join('\n- ')}`);
    const live = new Set([...behind.values()].flat().filter(isLive));
    const rolling = [...new Set([...every.values()].flat())]
        .filter(d => isLive(d) && !live.has(d))
        .map(d => d.object.metadata.name);
    const plan = {
        objects: [],
        retained: [],
        canaries: [],
        added: [],
        replicaPercent: 0,
        weight: percent,
        first: live.size === 0,
        rolling
    };
    if (plan.first)
        return { ...plan, objects, weight: 0 };
    const canariedServices = new Set([...behind.entries()].filter(([, deployments]) => deployments.some(d => live.has(d))).map(([service]) => service));
    const ingresses = objects.filter(o => o.object.kind === 'Ingress' && isNginx(o.object));
    const routed = servicesRoutedBy(ingresses);
    let stableTotal = 0;
    let canaryTotal = 0;
    for (const item of objects) {
        const namespace = (0,selection/* namespaceOf */.N6)(item.object, targetNamespace);
        if (live.has(item)) {
            const stable = stableReplicas.get(key(item.object));
            stableTotal += stable;
            canaryTotal += addCanaryDeployment(plan, item, namespace, stable, percent);
            continue;
        }
        plan.objects.push(item);
        if (canariedServices.has(item) && routed.has(item.object.metadata.name))
            addCanaryService(plan, item, namespace);
    }
    const canaried = new Set([...canariedServices].map(s => s.object.metadata.name).filter(name => routed.has(name)));
    addCanaryIngresses(plan, ingresses, canaried, percent, targetNamespace);
    plan.replicaPercent = Math.round((100 * canaryTotal) / (stableTotal + canaryTotal));
    return plan;
}
/** The names of the Services the Ingresses route to: only those get a canary Service and Ingress. */
function servicesRoutedBy(ingresses) {
    return new Set(ingresses.flatMap(o => (o.object.spec?.rules ?? []).flatMap(r => (r.http?.paths ?? []).map(p => p.backend?.service?.name ?? ''))));
}
/** A live Deployment: retained as stable, with its canary beside it. Returns the canary's replicas. */
function addCanaryDeployment(plan, item, namespace, stable, percent) {
    const replicas = canaryReplicas(stable, percent);
    plan.retained.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: item.object.metadata.name, namespace }
    });
    plan.objects.push({ ...item, object: canaryDeployment(item.object, replicas) });
    plan.canaries.push({
        namespace,
        base: item.object.metadata.name,
        name: `${item.object.metadata.name}-canary`,
        replicas,
        stableReplicas: stable
    });
    plan.added.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace,
        name: `${item.object.metadata.name}-canary`
    });
    return replicas;
}
/** The canary Service a canary Ingress routes to: the Service's selector narrowed to the canary's pods. */
function addCanaryService(plan, item, namespace) {
    const service = structuredClone(item.object);
    service.metadata.name = `${item.object.metadata.name}-canary`;
    const spec = service.spec;
    spec.selector = withTrack(spec.selector);
    delete spec.clusterIP;
    delete spec.clusterIPs;
    plan.objects.push({ ...item, object: service });
    plan.added.push({ apiVersion: 'v1', kind: 'Service', namespace, name: service.metadata.name });
}
/** A canary Ingress, with the weight, for each nginx Ingress that routes to a canaried Service. */
function addCanaryIngresses(plan, ingresses, canaried, percent, targetNamespace) {
    for (const ingress of ingresses) {
        const copy = canaryIngress(ingress.object, canaried, percent);
        if (!copy)
            continue;
        plan.objects.push({ ...ingress, object: copy });
        plan.added.push({
            apiVersion: ingress.object.apiVersion,
            kind: 'Ingress',
            namespace: (0,selection/* namespaceOf */.N6)(ingress.object, targetNamespace),
            name: copy.metadata.name
        });
    }
}
/** How far the canaries' share of the pods may be from canary-percent before the run warns. */
const shareTolerance = 5;
/**
 * The canaries whose share of the pods, c / (stable + c), is more than a few points off canary-percent (one
 * stable pod makes any canary half of them), with the stable replicas that would hold the share. Undefined when
 * every share holds. The Service spreads requests by pod, so that is the share it gets.
 */
function shareWarning(plan, percent) {
    const off = plan.canaries.filter(c => Math.abs((100 * c.replicas) / (c.stableReplicas + c.replicas) - percent) > shareTolerance);
    if (off.length === 0)
        return undefined;
    const parts = off.map(c => {
        const share = Math.round((100 * c.replicas) / (c.stableReplicas + c.replicas));
        const needed = Math.max(1, Math.round((c.replicas * (100 - percent)) / percent));
        return `deployment/${c.name} gets ${share} % of the pods (${c.replicas} beside ${c.stableReplicas} of ${c.base}); ${percent} % needs ${needed} stable replicas of ${c.base} for ${c.replicas} canary`;
    });
    return `canary-percent ${percent} does not hold: ${parts.join('; ')}. Raise the replicas of the stable Deployment, or raise canary-percent to the share it really gets.`;
}
/** What a canary of these manifests added, whether or not it is live: for promote and abort. */
function canaryObjectsOf(objects, targetNamespace) {
    const everyLive = new Map();
    for (const item of objects)
        if (item.object.kind === 'Deployment')
            everyLive.set((0,selection/* serviceKey */.jq)((0,selection/* namespaceOf */.N6)(item.object, targetNamespace), item.object.metadata.name), 1);
    return planCanary(objects, everyLive, targetNamespace, 50).added;
}

// EXTERNAL MODULE: ./src/strategies/live-templates.ts
var live_templates = __webpack_require__(4173);
// EXTERNAL MODULE: ./src/strategies/gate.ts
var gate = __webpack_require__(9106);
;// CONCATENATED MODULE: ./src/strategies/canary.ts






const objectRef = (o) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name
});
const describe = (o) => `${o.kind.toLowerCase()}/${o.name}`;
/** Deletes what a canary added (absent ones are fine): promote once stable runs the new version, and abort. */
async function deleteCanaryObjects(kube, objects) {
    const deleted = [];
    for (const o of objects) {
        try {
            await kube.delete(objectRef(o), { propagationPolicy: 'Background' });
            deleted.push(describe(o));
        }
        catch (error) {
            if (!(error instanceof errors/* KubeApiError */.W && error.statusCode === 404))
                throw error;
        }
    }
    return deleted;
}
/** The live replicas of each Deployment behind a Service of the manifests (absent: not live yet). */
async function stableReplicas(kube, objects, targetNamespace) {
    const replicas = new Map();
    const deployments = [...(0,selection/* deploymentsBehindServices */.RF)(objects, targetNamespace, 'canary', []).values()].flat();
    await Promise.all(deployments.map(async ({ object }) => {
        const namespace = (0,selection/* namespaceOf */.N6)(object, targetNamespace);
        const live = await kube.get({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            namespace,
            name: object.metadata.name
        });
        if (live)
            replicas.set((0,selection/* serviceKey */.jq)(namespace, object.metadata.name), live.spec.replicas ?? 1);
    }));
    return replicas;
}
/**
 * A canary deploy: the new version runs as `<name>-canary` beside the untouched stable Deployments and takes
 * its share of the traffic. It stays until mode promote (stable gets the new version, the canary goes) or mode
 * abort, or canary-auto-promote-after has passed with the gate green. A canary that fails is deleted.
 */
class CanaryDeploy {
    plan;
    settings;
    rollStable;
    gate;
    onFailure = 'discard';
    stage;
    constructor(plan, settings, 
    /** Applies the manifests as the stable version (rolling) and waits; for the auto-promotion. */
    rollStable, gate) {
        this.plan = plan;
        this.settings = settings;
        this.rollStable = rollStable;
        this.gate = gate;
        this.stage = plan.first ? 'stable' : 'canary';
    }
    static async prepare(kube, objects, targetNamespace, settings, fieldManager, rollStable, gate) {
        const replicas = await stableReplicas(kube, objects, targetNamespace);
        const candidates = (0,selection/* strategyCandidates */.i3)((0,selection/* deploymentsBehindServices */.RF)(objects, targetNamespace, 'canary', []));
        const changes = await (0,live_templates/* templatesChange */.k)(kube, candidates.map(d => ({ namespace: (0,selection/* namespaceOf */.N6)(d.object, targetNamespace), object: d.object })), fieldManager);
        const changed = new Set(candidates.filter((_, i) => changes[i]));
        const plan = planCanary(objects, replicas, targetNamespace, settings.percent, d => changed.has(d));
        if (plan.rolling.length > 0)
            core/* info */.pq(`Applied as rolling, pods kept (template unchanged, or ${selection/* strategyAnnotation */.D5}: rolling): ${plan.rolling.map(name => `deployment/${name}`).join(', ')}.`);
        core/* info */.pq(plan.first
            ? plan.rolling.length > 0
                ? 'Canary: no Deployment behind a Service changes its template; no canary is started.'
                : 'Canary: no stable version is live yet; deploying the manifests as the stable version.'
            : `Canary: ${plan.canaries.map(c => `deployment/${c.name} (${c.replicas} beside ${c.stableReplicas} of ${c.base})`).join(', ')}: ${plan.replicaPercent} % of the pods` +
                (plan.added.some(o => o.kind === 'Ingress') ? `, canary Ingress weight ${plan.weight} %` : '') +
                '.');
        const warning = shareWarning(plan, settings.percent);
        if (warning)
            core/* warning */.$e(warning);
        return new CanaryDeploy(plan, settings, rollStable, gate);
    }
    get objects() {
        return this.plan.objects;
    }
    get retained() {
        return this.plan.retained;
    }
    /** The canary is ready: check the gate; with canary-auto-promote-after, keep checking it, then promote. */
    async promote(kube) {
        if (this.plan.first)
            return;
        const { autoPromoteAfterMs } = this.settings;
        await this.gate?.();
        if (autoPromoteAfterMs === undefined) {
            core/* info */.pq(`The canary serves; promote it with mode: promote, or remove it with mode: abort.`);
            return;
        }
        core/* info */.pq(`Promoting in ${Math.round(autoPromoteAfterMs / 1000)} s (canary-auto-promote-after) while ${this.gate ? 'the gate stays green' : 'it stays ready'}.`);
        const until = Date.now() + autoPromoteAfterMs;
        while (Date.now() < until) {
            await (0,gate/* sleep */.yy)(Math.min(10_000, until - Date.now()));
            await this.gate?.();
        }
        if (!(await this.rollStable()))
            throw new Error('The stable Deployments did not roll out the new version; the canary stays (promote again, or abort).');
        const deleted = await deleteCanaryObjects(kube, this.plan.added);
        core/* info */.pq(`Promoted: the stable Deployments run the new version; deleted ${deleted.join(', ')}.`);
        this.stage = 'promoted';
    }
    async discard(kube) {
        if (this.plan.first)
            return;
        const deleted = await deleteCanaryObjects(kube, this.plan.added);
        this.stage = 'aborted';
        core/* info */.pq(`Deleted the canary (${deleted.join(', ') || 'nothing left'}); the stable version was not touched.`);
    }
    report() {
        return canaryReport(this.stage, this.plan, this.plan.added.map(describe), this.settings.percent);
    }
}
function canaryReport(stage, plan, added, percent) {
    return {
        strategy: 'canary',
        stage,
        replicaPercent: plan.replicaPercent,
        weight: plan.weight,
        canaries: plan.canaries.map(c => ({
            name: c.name,
            replicas: c.replicas,
            stable: c.base,
            stableReplicas: c.stableReplicas
        })),
        added,
        percent,
        rolling: plan.rolling ?? []
    };
}
/**
 * mode promote: the manifests were just applied as the stable version (a rolling update) and it succeeded;
 * the canary objects go. Failure rolls the stable Deployments back as any rolling deploy does.
 */
class CanaryPromotion {
    objects;
    targetNamespace;
    onFailure = 'roll-back';
    retained = [];
    deleted = [];
    promoted = false;
    constructor(objects, targetNamespace) {
        this.objects = objects;
        this.targetNamespace = targetNamespace;
    }
    async promote(kube) {
        this.deleted = await deleteCanaryObjects(kube, canaryObjectsOf(this.objects, this.targetNamespace));
        this.promoted = true;
        core/* info */.pq(this.deleted.length > 0
            ? `Promoted: deleted ${this.deleted.join(', ')}.`
            : 'Promoted: the stable Deployments run the manifests; there was no canary to delete.');
    }
    async discard() { }
    report() {
        return canaryReport(this.promoted ? 'promoted' : 'canary', { replicaPercent: 0, weight: 0, canaries: [] }, this.deleted);
    }
}
/** mode abort: the canary objects of the manifests are deleted; the stable version stays as it is. */
async function abortCanary(kube, objects, targetNamespace) {
    const deleted = await deleteCanaryObjects(kube, canaryObjectsOf(objects, targetNamespace));
    core/* info */.pq(deleted.length > 0
        ? `Aborted: deleted ${deleted.join(', ')}; the stable version was not touched.`
        : 'Aborted: there was no canary to delete.');
    return canaryReport('aborted', { replicaPercent: 0, weight: 0, canaries: [] }, deleted);
}


/***/ })

};
