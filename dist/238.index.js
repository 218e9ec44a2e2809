export const id = 238;
export const ids = [238,106];
export const modules = {

/***/ 4238:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  BlueGreenDeploy: () => (/* binding */ BlueGreenDeploy),
  switchBack: () => (/* binding */ switchBack)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: ./src/kube/errors.ts
var errors = __webpack_require__(3646);
// EXTERNAL MODULE: ./src/kube/managed-fields.ts
var managed_fields = __webpack_require__(2792);
// EXTERNAL MODULE: ./src/status/wait.ts + 2 modules
var wait = __webpack_require__(3375);
// EXTERNAL MODULE: ./src/strategies/gate.ts
var gate = __webpack_require__(9106);
// EXTERNAL MODULE: ./src/strategies/selection.ts
var selection = __webpack_require__(5259);
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
    await (0,managed_fields/* releaseFields */.z)(kube, deploymentRef(namespace, name), manager);
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
            await (0,gate/* sleep */.y)(keepMs);
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
    const waits = await (0,wait/* waitForRollouts */.h)(kube, plan.deployments.map(d => ({
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


/***/ }),

/***/ 9106:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   verifyCommand: () => (/* binding */ verifyCommand),
/* harmony export */   verifyUrl: () => (/* binding */ verifyUrl),
/* harmony export */   y: () => (/* binding */ sleep)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _process_child_env_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8561);



const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
/**
 * The health gate: the URL must answer 2xx before the deadline (tried every second; the new pods just turned
 * ready). Messages name it as `request.shown`, without its credentials.
 */
async function verifyUrl(request, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
        try {
            const response = await fetch(request.url, {
                headers: request.headers,
                signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now())))
            });
            if (response.ok)
                return;
            last = `HTTP ${response.status}`;
        }
        catch (error) {
            last = (error.cause?.message ?? error.message).replaceAll(request.url, request.shown);
        }
        if (Date.now() + 1000 > deadline)
            throw new Error(`The health gate ${request.shown} did not answer 2xx within ${Math.round(timeoutMs / 1000)} s (last: ${last}).`);
        await sleep(1000);
    }
}
/**
 * The command gate: the program runs with the words of the input as its arguments (no shell), BND_COLOUR set for
 * blue-green, its output in the log; it passes by exiting 0 within the timeout.
 */
function verifyCommand(argv, timeoutMs, colour) {
    return new Promise((resolve, reject) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_1__.spawn)(argv[0], argv.slice(1), {
            env: (0,_process_child_env_js__WEBPACK_IMPORTED_MODULE_2__/* .childEnv */ .g)(colour ? { BND_COLOUR: colour } : {}),
            timeout: timeoutMs,
            stdio: ['ignore', 'pipe', 'pipe']
        });
        const log = (chunk) => {
            for (const line of chunk.toString('utf8').split('\n'))
                if (line)
                    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`  ${line}`);
        };
        child.stdout.on('data', log);
        child.stderr.on('data', log);
        child.on('error', error => reject(new Error(`The health gate command ${argv[0]} could not run: ${error.message}`, { cause: error })));
        child.on('close', (code, signal) => {
            if (code === 0)
                resolve();
            else
                reject(new Error(`The health gate command ${argv.join(' ')} ${signal ? `was stopped (${signal}${signal === 'SIGTERM' ? `, after ${Math.round(timeoutMs / 1000)} s` : ''})` : `exited with ${code}`}.`));
        });
    });
}


/***/ }),

/***/ 4173:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ templatesChange)
/* harmony export */ });
/* harmony import */ var _kube_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3646);
/* harmony import */ var _selection_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5259);


/** Whether each probe's template changes; a Deployment not live yet, or whose dry run fails, counts as changed. */
async function templatesChange(kube, probes, fieldManager) {
    return Promise.all(probes.map(async ({ namespace, object }) => {
        const live = await kube.get({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            namespace,
            name: object.metadata.name
        });
        if (!live)
            return true;
        const body = structuredClone(object);
        // The template is all that is compared; replicas left out cannot conflict with an autoscaler's scale.
        delete body.spec.replicas;
        body.metadata.namespace = namespace;
        try {
            const wanted = await kube.apply(body, { fieldManager, strict: true, force: true, dryRun: true });
            return (0,_selection_js__WEBPACK_IMPORTED_MODULE_1__/* .templateChanged */ .$9)(wanted, live);
        }
        catch (error) {
            // The apply's own dry run reports the problem; here it only means "not known to be unchanged".
            if (error instanceof _kube_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KubeApiError */ .W)
                return true;
            throw error;
        }
    }));
}


/***/ }),

/***/ 5259:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $9: () => (/* binding */ templateChanged),
/* harmony export */   D5: () => (/* binding */ strategyAnnotation),
/* harmony export */   K$: () => (/* binding */ trackLabel),
/* harmony export */   N6: () => (/* binding */ namespaceOf),
/* harmony export */   RF: () => (/* binding */ deploymentsBehindServices),
/* harmony export */   TH: () => (/* binding */ serviceSelector),
/* harmony export */   aE: () => (/* binding */ strategyGroups),
/* harmony export */   i3: () => (/* binding */ strategyCandidates),
/* harmony export */   jq: () => (/* binding */ serviceKey),
/* harmony export */   tA: () => (/* binding */ colourLabel)
/* harmony export */ });
/* unused harmony exports templateLabels, selects, pinnedRolling */
/* harmony import */ var _manifests_documents_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1860);
/**
 * Which Deployments the Services of the manifests send traffic to: what blue-green and canary run twice.
 * Pure, table-tested with the strategies.
 */

/** The label that tells blue from green (blue-green), and the canary's pods from the stable ones (canary). */
const colourLabel = 'build-and-deploy/colour';
const trackLabel = 'build-and-deploy/track';
const serviceSelector = (object) => object.spec?.selector;
const templateLabels = (object) => object.spec?.template?.metadata?.labels ?? {};
/** A Service selects a pod template when every key of its selector has the template's value (a colour aside). */
function selects(selector, labels) {
    if (!selector || Object.keys(selector).length === 0)
        return false;
    return Object.entries(selector).every(([key, value]) => key === colourLabel || key === trackLabel || labels[key] === value);
}
/** Where a namespaced object of the manifests goes: its own namespace, else the run's target namespace. */
const namespaceOf = (object, target) => object.metadata.namespace ?? target;
const serviceKey = (namespace, name) => `${namespace}/${name}`;
/**
 * Each Service of the manifests that selects at least one Deployment, with those Deployments. Adds a problem
 * for a Service that also selects a StatefulSet or DaemonSet (they cannot run twice), and when no Service
 * selects a Deployment at all.
 */
function deploymentsBehindServices(objects, targetNamespace, strategy, problems) {
    const services = objects.filter(o => o.object.kind === 'Service' && serviceSelector(o.object) && o.object.spec.type !== 'ExternalName');
    const workloads = objects.filter(o => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.object.kind));
    const behind = new Map();
    for (const service of services) {
        const selected = workloads.filter(w => namespaceOf(w.object, targetNamespace) === namespaceOf(service.object, targetNamespace) &&
            selects(serviceSelector(service.object), templateLabels(w.object)));
        const deployments = selected.filter(w => w.object.kind === 'Deployment');
        const others = selected.filter(w => w.object.kind !== 'Deployment');
        if (deployments.length > 0 && others.length > 0) {
            problems.push(`${(0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .describeSource */ .B6)(service)} (Service ${service.object.metadata.name}) selects Deployment ${deployments[0].object.metadata.name} and ${others[0].object.kind} ${others[0].object.metadata.name}; ` +
                `${strategy} runs Deployments twice, a ${others[0].object.kind} cannot: give them separate Services`);
        }
        if (deployments.length > 0)
            behind.set(service, deployments);
    }
    if (behind.size === 0 && problems.length === 0) {
        const statefulSet = workloads.find(w => w.object.kind !== 'Deployment');
        problems.push(statefulSet
            ? `strategy ${strategy} needs a Deployment behind a Service; ${statefulSet.object.kind} ${statefulSet.object.metadata.name} cannot run in two ${strategy === 'blue-green' ? 'colours' : 'tracks'} (deploy it with strategy: rolling)`
            : `strategy ${strategy} needs a Deployment behind a Service in the manifests, and none of their Services selects one`);
    }
    return behind;
}
/** `build-and-deploy/strategy: rolling` on a Deployment keeps it out of blue-green and canary (issue 18). */
const strategyAnnotation = 'build-and-deploy/strategy';
const pinnedRolling = (object) => object.metadata.annotations?.[strategyAnnotation] === 'rolling';
/** The Deployments behind the Services, each once, less those pinned to rolling: what a strategy may copy. */
const strategyCandidates = (behind) => [...new Set([...behind.values()].flat())].filter(d => !pinnedRolling(d.object));
const comparableTemplate = (object) => {
    const template = object.spec?.template;
    if (!template)
        return undefined;
    const copy = structuredClone(template);
    for (const key of [colourLabel, trackLabel])
        delete copy.metadata?.labels?.[key];
    delete copy.metadata?.annotations?.[commitAnnotation];
    if (copy.metadata?.annotations && Object.keys(copy.metadata.annotations).length === 0)
        delete copy.metadata.annotations;
    return copy;
};
const commitAnnotation = 'build-and-deploy/commit';
/**
 * Whether a Deployment's pod template changes in this deploy: `wanted` is the server's dry-run result of the
 * Deployment as the strategy would write it over `live` (undefined when the dry run failed), `live` the object it
 * would replace (undefined: none yet, so it changes). The colour or track label and the recorded commit do not
 * count: a commit that changes nothing else must not start a second colour or a canary.
 */
function templateChanged(wanted, live) {
    if (!live || !wanted)
        return true;
    return !(0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .sameValue */ .eE)(comparableTemplate(wanted), comparableTemplate(live));
}
/**
 * Of the Services and the Deployments they select, those the strategy runs twice: every Service selecting a
 * changed Deployment, and every Deployment such a Service selects (a Service's pods must all be in the colour it
 * switches to), until nothing more is added. The rest are applied as rolling and keep their pods. A pinned
 * Deployment that would have to follow is a problem.
 */
function strategyGroups(behind, changed, problems) {
    const deployments = new Set([...behind.values()].flat().filter(d => !pinnedRolling(d.object) && changed(d)));
    const services = new Set();
    for (let grown = true; grown;) {
        grown = false;
        for (const [service, selected] of behind) {
            if (services.has(service) || !selected.some(d => deployments.has(d)))
                continue;
            services.add(service);
            grown = true;
            for (const d of selected) {
                if (pinnedRolling(d.object))
                    problems.push(`Deployment ${d.object.metadata.name} is pinned with ${strategyAnnotation}: rolling, and Service ${service.object.metadata.name} also selects a Deployment that changes; give them separate Services`);
                else
                    deployments.add(d);
            }
        }
    }
    return new Map([...behind].filter(([service]) => services.has(service)));
}


/***/ })

};
