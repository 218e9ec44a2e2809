export const id = 21;
export const ids = [21];
export const modules = {

/***/ 21:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runRollback: () => (/* binding */ runRollback)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: ./src/build/build-step.ts + 5 modules
var build_step = __webpack_require__(2167);
// EXTERNAL MODULE: ./src/deploy/deploy-step.ts + 8 modules
var deploy_step = __webpack_require__(2486);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/releases/record.ts
var releases_record = __webpack_require__(7733);
// EXTERNAL MODULE: ./src/releases/record-step.ts + 1 modules
var record_step = __webpack_require__(506);
;// CONCATENATED MODULE: ./src/releases/rollback-choice.ts
const shortCommit = (sha) => sha.slice(0, 12);
const described = (record) => `release ${record.number} (commit ${shortCommit(record.commit)}, ${record.time})`;
/**
 * Which release record `target` names, from the target's records (oldest first). `previous` is the newest release
 * that succeeded before the newest one, whatever that one's result: after a release that failed and was rolled back
 * (its ConfigMaps and Services stay applied), that is the last good one. A commit is its newest successful release.
 * Throws when the target is a release that cannot be restored; returns a reason when records do not decide it.
 */
function chooseRelease(records, target, recordsName) {
    const succeeded = records.filter(record => record.result === 'succeeded');
    const newest = records.at(-1);
    if (target.kind === 'revision')
        return { why: `rollback-to ${target.revision} is a revision number: each workload goes to that revision.` };
    if (target.kind === 'release') {
        const record = records.find(r => r.number === target.number);
        if (!record)
            throw new Error(`rollback-to release-${target.number}: no such release of ${recordsName}; kept: ${records.map(r => r.number).join(', ') || 'none'}.`);
        if (record.result !== 'succeeded')
            throw new Error(`rollback-to release-${target.number}: that release was ${record.result}; pick one that succeeded.`);
        return { release: record, why: `rollback-to release-${target.number}: ${described(record)}.` };
    }
    if (!newest)
        return {
            why: `No release records of ${recordsName} (deploys before this version kept none): ${target.kind === 'previous' ? 'each workload goes one revision back, as kubectl rollout undo does' : "today's manifests are deployed with that commit's images"}.`
        };
    if (target.kind === 'previous') {
        const before = succeeded.filter(record => record.number < newest.number).at(-1);
        if (!before)
            return {
                why: `No successful release of ${recordsName} before release ${newest.number} is recorded: each workload goes one revision back, as kubectl rollout undo does.`
            };
        return {
            release: before,
            why: `rollback-to previous: ${described(before)}, the last good one before release ${newest.number}.`
        };
    }
    const matching = succeeded.filter(record => record.commit.startsWith(target.sha));
    const commits = [...new Set(matching.map(record => record.commit))];
    if (commits.length > 1)
        throw new Error(`rollback-to ${target.sha} names several recorded commits: ${commits.map(shortCommit).join(', ')}. Give more characters.`);
    const release = matching.at(-1);
    if (!release)
        return {
            why: `No successful release of ${recordsName} has commit ${target.sha}: today's manifests are deployed with that commit's images.`
        };
    return { release, why: `rollback-to ${target.sha}: commit ${release.commit}, ${described(release)}.` };
}

// EXTERNAL MODULE: ./src/build/tags.ts
var tags = __webpack_require__(6587);
// EXTERNAL MODULE: ./src/manifests/annotate.ts
var annotate = __webpack_require__(7528);
// EXTERNAL MODULE: ./src/run/context.ts
var context = __webpack_require__(670);
// EXTERNAL MODULE: ./src/rollback/rollback-step.ts + 1 modules
var rollback_step = __webpack_require__(1042);
// EXTERNAL MODULE: ./src/strategies/registry.ts + 4 modules
var registry = __webpack_require__(5769);
// EXTERNAL MODULE: ./src/run/outcome.ts
var outcome = __webpack_require__(6497);
;// CONCATENATED MODULE: ./src/modes/rollback.ts















/**
 * mode rollback: a release restored whole from its record (rolling strategy); else a commit's images redeployed
 * with today's manifests (no rebuild), or each workload's last rollout undone.
 */
const runRollback = (settings) => (0,outcome/* attempt */.C)(async (outcome) => {
    const target = settings.rollbackTo;
    const manifests = await (0,deploy_step/* prepareManifests */._5)(settings, settings.images, { sha: settings.run.sha });
    const strategy = (0,registry/* strategyNamed */.vL)(settings.strategy);
    if (settings.strategy === 'rolling' && settings.releases.historyMax > 0 && target.kind !== 'revision') {
        const releases = await (0,record_step/* readReleasesOfTarget */.lb)(settings, manifests.objects);
        const choice = releases && chooseRelease(releases.records, target, settings.releases.name);
        if (choice?.release)
            return restoreRelease(settings, choice.release, choice.why, outcome);
        if (choice)
            core/* info */.pq(choice.why);
    }
    if (target.kind === 'release')
        throw new Error(`rollback-to release-${target.number} restores a release record, which needs strategy rolling (it is ${settings.strategy}), history-max above 0 (it is ${settings.releases.historyMax}) and records that can be read (see the warnings above).`);
    if (target.kind === 'sha')
        return redeployCommit(settings, target.sha, manifests.objects, outcome);
    const failure = strategy.switchBack
        ? await core/* group */.Os('Switch back', () => switchTrafficBack(settings, manifests.objects, outcome))
        : await undoWorkloads(settings, manifests.objects, target.kind === 'revision' ? target.revision : 0, outcome);
    if (!failure)
        outcome.manifestsFile = manifests.file;
    return failure;
});
/** rollback-to a commit: its images (found, not rebuilt) deployed as any deploy, then what runs now. */
async function redeployCommit(settings, given, asWritten, outcome) {
    let sha = given;
    if (sha.length < 40) {
        sha = await (0,rollback_step/* resolveRollbackCommit */.MU)(settings, asWritten, sha);
        core/* info */.pq(`rollback-to ${given}: commit ${sha}`);
    }
    const atCommit = { ...settings, run: { ...settings.run, sha } };
    outcome.report.images = await (0,build_step/* existingImages */.e5)(atCommit);
    const manifests = await (0,deploy_step/* readManifests */.PX)(atCommit, (0,build_step/* substitutionsFor */.wL)(outcome.report.images));
    const deployed = await (0,deploy_step/* deployManifests */.I7)(atCommit, manifests);
    Object.assign(outcome.report, deployed.report);
    if (deployed.failure)
        return deployed.failure;
    if ((0,registry/* strategyNamed */.vL)(settings.strategy).liveUnderManifestNames)
        outcome.report.history = await (0,rollback_step/* readLiveHistories */.ZU)(settings, manifests.objects);
    outcome.manifestsFile = manifests.file;
    return undefined;
}
/**
 * A release restored whole: its objects re-applied as recorded (ConfigMaps, Services … and the workloads' templates,
 * so a workload whose template is the same does not roll), waited on, and recorded as a new release of its commit.
 * A Secret is restored only in the sense that it is checked: a record keeps hashes, not values.
 */
async function restoreRelease(settings, record, why, outcome) {
    const secrets = record.objects.filter(releases_record/* isRecordedSecret */.r3);
    // An old migration Job run again would do harm; what a release's Job did is done.
    const jobs = record.objects.filter(object => object.kind === 'Job');
    const origin = { sha: record.commit, runUrl: settings.run.runUrl, actor: settings.run.actor, images: record.images };
    const objects = record.objects
        .filter(object => !(0,releases_record/* isRecordedSecret */.r3)(object) && object.kind !== 'Job')
        .map(object => (0,annotate/* annotateWorkload */.cH)(object, origin));
    // Secrets cannot be re-applied from hashes: a prune would take the live ones for objects the release lacks.
    const prune = secrets.length > 0 ? undefined : settings.prune;
    const atCommit = { ...settings, prune, run: { ...settings.run, sha: record.commit } };
    core/* info */.pq(`${why} Re-applying its ${objects.length} objects as recorded; workloads whose template is the same stay as they are.`);
    for (const job of jobs)
        core/* info */.pq(`job/${job.metadata.name}: not run again (a release's Job has done its work).`);
    if (settings.prune && !prune)
        core/* notice */.lm('Nothing is pruned in this rollback: the release has Secrets, which a record keeps only as hashes.');
    for (const line of await checkLive(settings, secrets, objects, record.number))
        core/* info */.pq(line);
    // The registry still has the commit's images, and verify-signature accepts them, before anything changes. A tag
    // without {sha} names a later image by now; the record has such images pinned to their digests.
    if (settings.builds.length > 0 && (0,tags/* templateNamesCommit */.im)(settings.tagTemplate))
        outcome.report.images = await (0,build_step/* existingImages */.e5)(atCommit);
    const manifests = await recordedManifests(record, objects);
    const deployed = await (0,deploy_step/* deployManifests */.I7)(atCommit, manifests);
    Object.assign(outcome.report, deployed.report);
    if (deployed.failure)
        return deployed.failure;
    outcome.report.history = await (0,rollback_step/* readLiveHistories */.ZU)(settings, manifests.objects);
    outcome.manifestsFile = manifests.file;
    return undefined;
}
/**
 * Before anything changes: a paused Deployment refuses the rollback (its rollout would never finish), as the
 * per-workload undo does; then a line per recorded Secret: the live one holds the same values (by hash), or it is
 * left as it is.
 */
async function checkLive(settings, secrets, objects, release) {
    return (0,context/* withCluster */.B)(settings, async ({ kube }) => {
        for (const object of objects.filter(o => o.kind === 'Deployment')) {
            const live = await kube.get({
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                namespace: object.metadata.namespace,
                name: object.metadata.name
            });
            const name = `deployment/${object.metadata.name}`;
            if (live?.spec?.paused)
                throw new Error(`${name} is paused; resume it (kubectl rollout resume ${name}) before rolling back.`);
        }
        return Promise.all(secrets.map(async (secret) => {
            const name = `secret/${secret.metadata.name}`;
            const live = await kube.get({
                apiVersion: 'v1',
                kind: 'Secret',
                namespace: secret.metadata.namespace,
                name: secret.metadata.name
            });
            return (0,releases_record/* secretMatchesRecord */.n4)(secret, live)
                ? `${name}: holds what release ${release} had (same value hashes); left as it is.`
                : `${name}: not restored: it ${live ? 'differs from' : 'is gone since'} release ${release}, and the record keeps only hashes of its values; left as it is.`;
        }));
    });
}
/** The record's objects as the deploy takes manifests, with a manifests-file of them for the output. */
async function recordedManifests(record, objects) {
    const file = external_node_path_default().join(await (0,deploy_step/* manifestsDir */.Cq)(), `release-${record.number}.yaml`);
    await (0,promises_.writeFile)(file, objects.map(object => (0,dist/* stringify */.As)(object)).join('---\n'), { mode: 0o600 });
    return {
        objects: objects.map((object, i) => ({ object, file: `release ${record.number}`, document: i + 1 })),
        replacements: [],
        file,
        images: record.images
    };
}
/** Under a strategy with its own way back (blue-green: the Services go back to the other colour), under the deploy lock. */
function switchTrafficBack(settings, objects, outcome) {
    return (0,rollback_step/* underLock */.yP)(settings, objects, async (kube, namespace) => {
        const { traffic, waits } = await (0,registry/* strategyNamed */.vL)(settings.strategy).switchBack(kube, objects, namespace, settings);
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
    const result = await core/* group */.Os('Roll back', () => (0,rollback_step/* rollbackWorkloads */.pW)(settings, objects, toRevision));
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
    outcome.report.history = await (0,rollback_step/* readLiveHistories */.ZU)(settings, objects);
    const failed = result.waits.filter(w => w.state !== 'succeeded');
    return failed.length > 0
        ? { message: `The rollback did not complete:\n${failed.map(w => w.message).join('\n')}` }
        : undefined;
}


/***/ })

};
