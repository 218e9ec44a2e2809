export const id = 54;
export const ids = [54];
export const modules = {

/***/ 3054:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runRollback: () => (/* binding */ runRollback)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var _build_build_step_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2167);
/* harmony import */ var _deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9738);
/* harmony import */ var _rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1042);
/* harmony import */ var _strategies_registry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5769);
/* harmony import */ var _run_outcome_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6497);






/** mode rollback: redeploy a commit's image (no rebuild), or undo each workload's last rollout. */
const runRollback = (settings) => (0,_run_outcome_js__WEBPACK_IMPORTED_MODULE_5__/* .attempt */ .C)(async (outcome) => {
    const target = settings.rollbackTo;
    if (target.kind === 'sha')
        return redeployCommit(settings, target.sha, outcome);
    const manifests = await (0,_deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_2__/* .prepareManifests */ ._5)(settings, settings.images, { sha: settings.run.sha });
    const strategy = (0,_strategies_registry_js__WEBPACK_IMPORTED_MODULE_4__/* .strategyNamed */ .vL)(settings.strategy);
    const failure = strategy.switchBack
        ? await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Switch back', () => switchTrafficBack(settings, manifests.objects, outcome))
        : await undoWorkloads(settings, manifests.objects, target.kind === 'revision' ? target.revision : 0, outcome);
    if (!failure)
        outcome.manifestsFile = manifests.file;
    return failure;
});
/** rollback-to a commit: its images (found, not rebuilt) deployed as any deploy, then what runs now. */
async function redeployCommit(settings, given, outcome) {
    let sha = given;
    if (sha.length < 40) {
        const asWritten = await (0,_deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_2__/* .prepareManifests */ ._5)(settings, settings.images, { sha: settings.run.sha });
        sha = await (0,_rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_3__/* .resolveRollbackCommit */ .MU)(settings, asWritten.objects, sha);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`rollback-to ${given}: commit ${sha}`);
    }
    const atCommit = { ...settings, run: { ...settings.run, sha } };
    outcome.report.images = await (0,_build_build_step_js__WEBPACK_IMPORTED_MODULE_1__/* .existingImages */ .e5)(atCommit);
    const manifests = await (0,_deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_2__/* .readManifests */ .PX)(atCommit, (0,_build_build_step_js__WEBPACK_IMPORTED_MODULE_1__/* .substitutionsFor */ .wL)(outcome.report.images));
    const deployed = await (0,_deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_2__/* .deployManifests */ .I7)(atCommit, manifests);
    Object.assign(outcome.report, deployed.report);
    if (deployed.failure)
        return deployed.failure;
    if ((0,_strategies_registry_js__WEBPACK_IMPORTED_MODULE_4__/* .strategyNamed */ .vL)(settings.strategy).liveUnderManifestNames)
        outcome.report.history = await (0,_rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_3__/* .readLiveHistories */ .ZU)(settings, manifests.objects);
    outcome.manifestsFile = manifests.file;
    return undefined;
}
/** Under a strategy with its own way back (blue-green: the Services go back to the other colour), under the deploy lock. */
function switchTrafficBack(settings, objects, outcome) {
    return (0,_rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_3__/* .underLock */ .yP)(settings, objects, async (kube, namespace) => {
        const { traffic, waits } = await (0,_strategies_registry_js__WEBPACK_IMPORTED_MODULE_4__/* .strategyNamed */ .vL)(settings.strategy).switchBack(kube, objects, namespace, settings);
        outcome.report.traffic = traffic;
        outcome.report.waits = waits;
        const failed = waits.filter(w => w.state !== 'succeeded');
        return failed.length > 0
            ? {
                message: `The switch back did not happen: the other colour's rollout failed:\n${failed.map(w => w.message).join('\n')}`
            }
            : undefined;
    });
}
/** `previous` or a revision number: each workload of the manifests goes back, then what runs now. */
async function undoWorkloads(settings, objects, toRevision, outcome) {
    const started = Date.now();
    const result = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Roll back', () => (0,_rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_3__/* .rollbackWorkloads */ .pW)(settings, objects, toRevision));
    outcome.report.waits = result.waits;
    const succeeded = result.waits.every(w => w.state === 'succeeded');
    outcome.report.rollback = {
        restored: result.restored,
        created: [],
        deleted: false,
        notRestored: [],
        waits: result.waits,
        durationMs: Date.now() - started,
        succeeded
    };
    outcome.report.history = await (0,_rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_3__/* .readLiveHistories */ .ZU)(settings, objects);
    const failed = result.waits.filter(w => w.state !== 'succeeded');
    return failed.length > 0
        ? { message: `The rollback did not complete:\n${failed.map(w => w.message).join('\n')}` }
        : undefined;
}


/***/ })

};
