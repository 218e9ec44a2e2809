export const id = 451;
export const ids = [451];
export const modules = {

/***/ 3451:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ApplySet: () => (/* binding */ ApplySet)
/* harmony export */ });
/* harmony import */ var _kube_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3646);
/* harmony import */ var _manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1860);
/* harmony import */ var _plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7419);



/**
 * One ApplySet on the cluster, as kubectl keeps it: the parent (a Secret or ConfigMap in the target namespace)
 * records the member kinds and namespaces; members carry the part-of label. Before anything is written the
 * parent is widened to cover this run's objects too, so an interrupted run leaks nothing; after a successful
 * rollout the members the manifests dropped are deleted and the parent narrowed to this run's set.
 */
class ApplySet {
    kube;
    settings;
    namespace;
    fieldManager;
    state;
    id;
    parentRef;
    constructor(kube, settings, namespace, fieldManager, state) {
        this.kube = kube;
        this.settings = settings;
        this.namespace = namespace;
        this.fieldManager = fieldManager;
        this.state = state;
        this.id = (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .applySetId */ .A3)(settings.parent, namespace);
        this.parentRef = { apiVersion: 'v1', kind: settings.parent.kind, namespace, name: settings.parent.name };
    }
    /** Reads the parent (absent for a new set) and checks it is this set's; changes nothing. */
    static async open(kube, settings, namespace, fieldManager) {
        const probe = new ApplySet(kube, settings, namespace, fieldManager, (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .parentState */ .wo)(undefined, settings.parent, namespace));
        const live = await kube.get(probe.parentRef);
        return new ApplySet(kube, settings, namespace, fieldManager, (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .parentState */ .wo)(live, settings.parent, namespace));
    }
    describeParent() {
        return `${this.settings.parent.kind.toLowerCase()}/${this.settings.parent.name} (${this.namespace})`;
    }
    /**
     * The members to delete once the rollout succeeded: every object of the recorded kinds and namespaces with the
     * set's label that the manifests (`targets`) no longer have, and that a strategy does not keep (`retained`). Throws, before anything is written, when one is a
     * Namespace or CRD and prune-namespaces-and-crds is off.
     */
    async plan(targets, retained = []) {
        const scope = (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .unionScope */ .mo)(this.state, (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .scopeOf */ .Od)(targets, this.id));
        const listed = [];
        const selector = `${_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .applySetKeys */ .dK.partOf}=${this.id}`;
        await Promise.all([...scope.groupKinds].map(async (text) => {
            const { group, kind } = (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .parseGroupKind */ .tY)(text);
            const info = await this.kube.resourceForGroupKind(group, kind);
            // A kind the server no longer serves (its CRD deleted) has no members left to delete.
            if (!info)
                return;
            const namespaces = info.namespaced ? [...scope.namespaces] : [undefined];
            for (const namespace of namespaces) {
                const list = await this.kube.list({ apiVersion: info.groupVersion, kind, namespace }, { labelSelector: selector });
                for (const item of list.items)
                    listed.push({ object: { ...item, apiVersion: info.groupVersion, kind }, info });
            }
        }));
        const candidates = (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .pruneCandidates */ .Bu)(listed, [...targets.map(t => t.object), ...retained], this.id);
        const refused = (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .refusedPrunes */ ._P)(candidates.map(c => c.object), this.settings.namespacesAndCrds);
        if (refused.length > 0)
            throw new Error(`Prune refused; nothing was applied:\n- ${refused.join('\n- ')}`);
        return candidates;
    }
    /** Records this run's kinds and namespaces on the parent before any member is written (kubectl's superset). */
    widen(targets) {
        return this.writeParent((0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .unionScope */ .mo)(this.state, (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .scopeOf */ .Od)(targets, this.id)));
    }
    /** After a successful prune the parent records this run's set alone. */
    narrow(targets) {
        const scope = (0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .scopeOf */ .Od)(targets, this.id);
        return this.writeParent({
            groupKinds: scope.groupKinds,
            namespaces: new Set([this.namespace, ...scope.namespaces])
        });
    }
    async writeParent(scope) {
        // As kubectl's own `<tool>-applyset` manager, forced: the parent's fields belong to the set, whoever wrote them last.
        await this.kube.apply((0,_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .parentObject */ .cM)(this.settings.parent, this.namespace, this.state.tooling, scope), {
            fieldManager: `${this.fieldManager}-applyset`.slice(0, 128),
            force: true,
            strict: true
        });
    }
    /** Deletes the candidates in order, each only while it is still the object that was listed (its UID). */
    async prune(candidates) {
        const pruned = [];
        for (const { object, info } of candidates) {
            const done = { kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name };
            try {
                await this.kube.delete({
                    apiVersion: info.groupVersion,
                    kind: object.kind,
                    namespace: object.metadata.namespace,
                    name: object.metadata.name
                }, { propagationPolicy: 'Background', preconditions: { uid: object.metadata.uid } });
            }
            catch (error) {
                if (!(error instanceof _kube_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KubeApiError */ .W) || (error.statusCode !== 404 && error.statusCode !== 409)) {
                    throw new Error(`Pruning ${(0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__/* .describeObject */ .v8)(object)} failed: ${error.message}`, { cause: error });
                }
                done.skipped =
                    error.statusCode === 404 ? 'already deleted' : 'replaced by another object of that name since it was listed';
            }
            pruned.push(done);
        }
        return pruned;
    }
}


/***/ })

};
