export const id = 708;
export const ids = [708];
export const modules = {

/***/ 2327:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runHistory: () => (/* binding */ runHistory)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var _deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2486);
/* harmony import */ var _rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1042);
/* harmony import */ var _releases_record_step_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(506);
/* harmony import */ var _releases_release_log_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9268);
/* harmony import */ var _run_outcome_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6497);






/** mode history: the target's releases and the revisions of the manifests' workloads, in the summary and the log. */
const runHistory = (settings) => (0,_run_outcome_js__WEBPACK_IMPORTED_MODULE_5__/* .attempt */ .C)(async (outcome) => {
    const manifests = await (0,_deploy_deploy_step_js__WEBPACK_IMPORTED_MODULE_1__/* .prepareManifests */ ._5)(settings, settings.images, { sha: settings.run.sha });
    outcome.report.history = await (0,_rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_2__/* .readHistories */ .X_)(settings, manifests.objects);
    (0,_rollback_rollback_step_js__WEBPACK_IMPORTED_MODULE_2__/* .logHistories */ .D6)(outcome.report.history);
    const releases = await (0,_releases_record_step_js__WEBPACK_IMPORTED_MODULE_3__/* .readReleasesOfTarget */ .lb)(settings, manifests.objects);
    if (releases) {
        outcome.report.releases = releases.records;
        for (const line of (0,_releases_release_log_js__WEBPACK_IMPORTED_MODULE_4__/* .releaseLogLines */ .j)(releases.records, settings.releases.name, releases.namespace))
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(line);
    }
});


/***/ })

};
