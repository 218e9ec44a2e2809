export const id = 186;
export const ids = [186];
export const modules = {

/***/ 9106:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   yy: () => (/* binding */ sleep)
/* harmony export */ });
/* unused harmony exports verifyUrl, verifyCommand */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9584);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_1__);



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
        const child = spawn(argv[0], argv.slice(1), {
            env: childEnv(colour ? { BND_COLOUR: colour } : {}),
            timeout: timeoutMs,
            stdio: ['ignore', 'pipe', 'pipe']
        });
        const log = (chunk) => {
            for (const line of chunk.toString('utf8').split('\n'))
                if (line)
                    core.info(`  ${line}`);
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
/* harmony import */ var _selection_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(772);


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

/***/ 772:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  tA: () => (/* binding */ colourLabel),
  RF: () => (/* binding */ deploymentsBehindServices),
  N6: () => (/* binding */ namespaceOf),
  jq: () => (/* binding */ serviceKey),
  TH: () => (/* binding */ serviceSelector),
  D5: () => (/* binding */ strategyAnnotation),
  i3: () => (/* binding */ strategyCandidates),
  aE: () => (/* binding */ strategyGroups),
  $9: () => (/* binding */ templateChanged),
  K$: () => (/* binding */ trackLabel)
});

// UNUSED EXPORTS: pinnedRolling, selects, templateLabels

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./src/manifests/patch.ts



/**
 * YAML 1.1 as kubectl reads it (go-yaml v2 through sigs.k8s.io/yaml): `0644` is octal (420), `yes` a boolean.
 * The yaml package's 1.1 schema goes further than go-yaml: it reads `12:30` as sexagesimal 750, dates as
 * timestamps, and `e0` or `.` as NaN. Those stay strings here, as they reach the API server from kubectl.
 */
const goYamlTags = (tags) => tags
    .filter(tag => !(typeof tag === 'object' && (tag.format === 'TIME' || tag.tag === 'tag:yaml.org,2002:timestamp')))
    .map((tag) => {
    if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:float' || 'collection' in tag)
        return tag;
    if (tag.format === 'EXP')
        return { ...tag, test: /^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/ };
    if (!tag.format && String(tag.test).includes('\\.[0-9_]*$'))
        return { ...tag, test: /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/ };
    return tag;
});
const yamlOptions = { version: '1.1', keepSourceTokens: true, customTags: goYamlTags };
const podSpecPaths = {
    Pod: ['spec'],
    Deployment: ['spec', 'template', 'spec'],
    StatefulSet: ['spec', 'template', 'spec'],
    DaemonSet: ['spec', 'template', 'spec'],
    ReplicaSet: ['spec', 'template', 'spec'],
    ReplicationController: ['spec', 'template', 'spec'],
    Job: ['spec', 'template', 'spec'],
    CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec']
};
const containerLists = (/* unused pure expression or super */ null && (['initContainers', 'containers', 'ephemeralContainers']));
function podSpecPath(kind) {
    return podSpecPaths[kind];
}
function collectImageNodes(object, found) {
    const kind = String(object.get('kind') ?? '');
    if (kind.endsWith('List')) {
        const items = object.get('items', true);
        if (isSeq(items))
            for (const item of items.items)
                if (isMap(item))
                    collectImageNodes(item, found);
        return;
    }
    const path = podSpecPaths[kind];
    if (!path)
        return;
    const spec = object.getIn(path, true);
    if (!isMap(spec))
        return;
    const metadata = object.get('metadata', true);
    const name = isMap(metadata) ? String(metadata.get('name') ?? '') : '';
    for (const list of containerLists) {
        const containers = spec.get(list, true);
        if (!isSeq(containers))
            continue;
        for (const container of containers.items) {
            if (!isMap(container))
                continue;
            const image = container.get('image', true);
            if (isScalar(image) && image.range) {
                found.push({ node: image, kind, name, container: String(container.get('name') ?? '') });
            }
        }
    }
}
/** Quotes the new value in the style the user wrote the old one, so the diff is the value alone. */
function renderScalar(node, value) {
    switch (node.type) {
        case Scalar.QUOTE_SINGLE:
            return `'${value.replace(/'/g, "''")}'`;
        case Scalar.PLAIN:
            if (/^[\w.][\w./:@+-]*$/.test(value))
                return value;
            return JSON.stringify(value);
        default:
            return JSON.stringify(value);
    }
}
function patch_parseDocuments(text) {
    return parseAllDocuments(text, yamlOptions);
}
/**
 * Replaces image values in place: only the bytes of each matched `image:` scalar change; comments, key order,
 * quoting and every other byte stay as the user wrote them.
 */
function patchImages(text, file, substitutions) {
    const documents = patch_parseDocuments(text);
    const edits = [];
    const replacements = [];
    const matched = new Set();
    const wanted = substitutions.map(s => ({ canonical: canonicalRepository(s.repository), image: s.image }));
    documents.forEach((doc, i) => {
        if (!isMap(doc.contents))
            return;
        const found = [];
        collectImageNodes(doc.contents, found);
        for (const { node, kind, name, container } of found) {
            const current = String(node.value);
            let ref;
            try {
                ref = parseImageRef(current);
            }
            catch (error) {
                throw new Error(`${file}: document ${i + 1} (${kind} ${name}), container '${container}': ${error.message}`, { cause: error });
            }
            const match = wanted.find(w => w.canonical === canonicalRepository(ref));
            if (match)
                matched.add(match.canonical);
            if (!match || match.image === current)
                continue;
            const [start, end] = node.range;
            edits.push({ start, end, value: renderScalar(node, match.image) });
            // The spliced text parses to this value; setting it spares the caller a second parse of every document.
            node.value = match.image;
            replacements.push({ file, document: i + 1, kind, name, container, from: current, to: match.image });
        }
    });
    let patched = text;
    for (const edit of edits.sort((a, b) => b.start - a.start)) {
        patched = patched.slice(0, edit.start) + edit.value + patched.slice(edit.end);
    }
    return { text: patched, replacements, matched, documents };
}
/**
 * Replaces the values under a Secret's data and stringData (redactedValue), and its last-applied annotation,
 * keeping their keys and every other byte, so the manifests file the action publishes never carries secret
 * values. Secrets among the items of a List (kind: List, SecretList) are Secrets too.
 */
function redactSecretValues(text) {
    // No document can be of kind Secret without the word in the text (aliases repeat an anchor's text).
    if (!text.includes('Secret'))
        return text;
    const edits = [];
    const visit = (object) => {
        const kind = String(object.get('kind') ?? '');
        if (kind.endsWith('List')) {
            const items = object.get('items', true);
            if (isSeq(items))
                for (const item of items.items)
                    if (isMap(item))
                        visit(item);
            return;
        }
        if (kind !== 'Secret')
            return;
        const redact = (node, value) => {
            const range = node?.range;
            // A block scalar's range takes in the line break after it, which the next key needs.
            if (range)
                edits.push({
                    start: range[0],
                    end: range[1],
                    value: JSON.stringify(value) + (/\s*$/.exec(text.slice(range[0], range[1]))?.[0] ?? '')
                });
        };
        for (const field of ['data', 'stringData']) {
            const values = object.get(field, true);
            if (!isMap(values))
                continue;
            for (const pair of values.items)
                redact(pair.value, redactedValue(isScalar(pair.value) ? pair.value.value : undefined, field === 'data'));
        }
        const annotations = object.getIn(['metadata', 'annotations'], true);
        if (isMap(annotations))
            redact(annotations.get(lastAppliedAnnotation, true), '(redacted)');
    };
    for (const doc of patch_parseDocuments(text))
        if (isMap(doc.contents))
            visit(doc.contents);
    let redacted = text;
    for (const edit of edits.sort((a, b) => b.start - a.start))
        redacted = redacted.slice(0, edit.start) + edit.value + redacted.slice(edit.end);
    return redacted;
}
/**
 * Whether a Secret value is worth a log mask. A mask blanks every occurrence in the job log, so a user name
 * `app` turns `apply` and `app.kubernetes.io` into `***`; and no Secret value is ever printed (redaction
 * protects them), so masks are for credentials a server error might quote. Not masked: values under 6
 * characters, and single words or numbers under 16 (user names, database names, ports).
 */
function worthMasking(value) {
    const text = value.trim();
    if (text.length < 6)
        return false;
    return !(text.length < 16 && /^([a-z]+|[A-Z]+|[A-Z][a-z]+|\d+)$/.test(text));
}

;// CONCATENATED MODULE: ./src/manifests/documents.ts


function describeSource(source) {
    return `${source.file} document ${source.document}`;
}
function describeObject(object) {
    const ns = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
    return `${object.kind} ${ns}${object.metadata.name}`;
}
/**
 * Parses (YAML 1.1, as kubectl does) and checks every document; returns all problems at once so a user fixes
 * them in one pass. Empty documents are skipped; `kind: List` is expanded into its items. `documents` are the
 * already parsed documents of `text`, when the caller has them.
 *
 * An empty or comment-only document (a file ending in `---`, `---` right after `---`, a template that renders
 * only its licence header) parses as a null scalar. kubectl and Helm skip those without a word, and so does this;
 * numbering still counts them, so "document N" is the Nth `---` section as an editor shows it.
 */
function readObjects(text, file, problems, documents = parseDocuments(text)) {
    const objects = [];
    documents.forEach((doc, i) => {
        const where = `${file} document ${i + 1}`;
        if (doc.errors.length > 0) {
            for (const error of doc.errors) {
                const line = error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
                problems.push(`${where}${line}: invalid YAML: ${error.message.split('\n')[0]}`);
            }
            return;
        }
        if (isEmptyDocument(doc))
            return;
        if (!isMap(doc.contents)) {
            problems.push(`${where}: expected a Kubernetes object (a YAML mapping with apiVersion, kind and metadata.name)`);
            return;
        }
        const value = doc.toJS({ maxAliasCount: 100 });
        const items = typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)
            ? value.items
            : [value];
        items.forEach((item, j) => {
            const label = items.length > 1 || item !== value ? `${where} item ${j + 1}` : where;
            const problem = checkObject(item);
            if (problem)
                problems.push(`${label}: ${problem}`);
            else
                objects.push({ file, document: i + 1, object: item });
        });
    });
    return objects;
}
/** A document with nothing but comments, whitespace, or an explicit null (`~`, `null`) in it. */
function isEmptyDocument(doc) {
    return doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
}
function checkObject(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return 'expected a mapping';
    const object = value;
    const missing = [];
    if (typeof object.apiVersion !== 'string' || object.apiVersion === '')
        missing.push('apiVersion');
    if (typeof object.kind !== 'string' || object.kind === '')
        missing.push('kind');
    const metadata = object.metadata;
    if (typeof metadata === 'object' &&
        metadata !== null &&
        metadata.name !== undefined &&
        typeof metadata.name !== 'string') {
        // YAML 1.1 (kubectl's reading) turns y, n, yes, no, on, off into booleans and 0644 into a number.
        return `metadata.name must be a string, but reads as ${JSON.stringify(metadata.name)} (YAML 1.1 takes y/n/yes/no/on/off as booleans and leading-zero numbers as octal); quote it`;
    }
    if (typeof metadata !== 'object' || metadata === null || typeof metadata.name !== 'string' || metadata.name === '') {
        missing.push('metadata.name');
    }
    if (missing.length > 0) {
        const kind = typeof object.kind === 'string' ? `${object.kind} ` : '';
        return `${kind}object has no ${missing.join(', ')}; every object needs apiVersion, kind and metadata.name (generateName cannot be applied server-side)`;
    }
    if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string')
        return 'metadata.namespace must be a string';
    return undefined;
}
/** group/kind/namespace/name: what makes two documents the same object. */
function objectKey(object) {
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
    return `${group}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
/** Deep equality with key order ignored, as Go's semantic equality compares templates. */
function sameValue(a, b) {
    if (a === b)
        return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
        return false;
    if (Array.isArray(a) !== Array.isArray(b))
        return false;
    const ka = Object.keys(a).filter(k => a[k] !== undefined);
    const kb = Object.keys(b).filter(k => b[k] !== undefined);
    if (ka.length !== kb.length)
        return false;
    return ka.every(k => sameValue(a[k], b[k]));
}
/**
 * Gives each namespaced object its namespace (its own, else the `namespace` input, else the context's, else
 * `default`) and strips it from cluster-scoped ones, as kubectl does. An object naming another namespace than
 * the input is a problem, as `kubectl apply -n` makes it one; returned, not thrown, so every one is reported.
 */
function resolveNamespace(object, namespaced, input, contextDefault) {
    if (!namespaced) {
        delete object.metadata.namespace;
        return undefined;
    }
    const own = object.metadata.namespace;
    if (own && input && own !== input) {
        return `its namespace '${own}' does not match the namespace input '${input}'; remove one of them`;
    }
    object.metadata.namespace = own ?? input ?? contextDefault ?? 'default';
    return undefined;
}

;// CONCATENATED MODULE: ./src/strategies/selection.ts
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
            problems.push(`${describeSource(service)} (Service ${service.object.metadata.name}) selects Deployment ${deployments[0].object.metadata.name} and ${others[0].object.kind} ${others[0].object.metadata.name}; ` +
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
    return !sameValue(comparableTemplate(wanted), comparableTemplate(live));
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
