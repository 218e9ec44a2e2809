export const id = 408;
export const ids = [408];
export const modules = {

/***/ 2408:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runAbort: () => (/* binding */ runAbort),
/* harmony export */   runPromote: () => (/* binding */ runPromote)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var _build_build_step_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2167);
/* harmony import */ var _deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2486);
/* harmony import */ var _rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1042);
/* harmony import */ var _strategies_registry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5769);
/* harmony import */ var _deploy_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8185);
/* harmony import */ var _run_outcome_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(6497);







/** mode promote: as mode apply (the tags of this commit, no build), then the canary objects go. */
const runPromote = (settings, cancel) => (0,_deploy_js__WEBPACK_IMPORTED_MODULE_5__/* .withEarlyConnection */ .M$)(settings.helm !== undefined, settings, kube => (0,_run_outcome_js__WEBPACK_IMPORTED_MODULE_6__/* .attempt */ .C)(async (outcome) => {
    outcome.report.images = await (0,_build_build_step_js__WEBPACK_IMPORTED_MODULE_1__/* .existingImages */ .e5)(settings);
    const manifests = await (0,_deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_2__/* .readManifests */ .PX)(settings, (0,_build_build_step_js__WEBPACK_IMPORTED_MODULE_1__/* .substitutionsFor */ .wL)(outcome.report.images), kube);
    const deployed = await (0,_deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_2__/* .deployManifests */ .I7)(settings, manifests, kube, cancel);
    Object.assign(outcome.report, deployed.report);
    if (!deployed.failure)
        outcome.manifestsFile = manifests.file;
    return deployed.failure;
}));
/** mode abort: the canary of the manifests is deleted under the deploy lock; the stable version stays. */
const runAbort = (settings) => (0,_run_outcome_js__WEBPACK_IMPORTED_MODULE_6__/* .attempt */ .C)(async (outcome) => {
    const manifests = await (0,_deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_2__/* .prepareManifests */ ._5)(settings, settings.images, { sha: settings.run.sha });
    await (0,_rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_3__/* .underLock */ .yP)(settings, manifests.objects, async (kube, namespace) => {
        outcome.report.traffic = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Abort the canary', () => (0,_strategies_registry_js__WEBPACK_IMPORTED_MODULE_4__/* .strategyNamed */ .vL)(settings.strategy).abort(kube, manifests.objects, namespace));
    });
    outcome.manifestsFile = manifests.file;
});


/***/ })

};
