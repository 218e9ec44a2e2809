export const id = 235;
export const ids = [235];
export const modules = {

/***/ 5235:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runPlan: () => (/* binding */ runPlan),
  wouldRoll: () => (/* binding */ wouldRoll)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: ./src/build/build-step.ts + 5 modules
var build_step = __webpack_require__(2167);
// EXTERNAL MODULE: ./src/deploy/deploy-step.ts + 9 modules
var deploy_step = __webpack_require__(8903);
// EXTERNAL MODULE: ./src/releases/record.ts
var record = __webpack_require__(7733);
// EXTERNAL MODULE: ./src/plan/apply-plan.ts
var apply_plan = __webpack_require__(91);
;// CONCATENATED MODULE: ./src/plan/drift.ts


/**
 * The fields the last release set that the live object no longer holds as set: a hand edit, or another manager's
 * write. Fields only the live object has (server defaults, status, other managers' own fields) are not drift; a
 * Secret is compared by the hashes the record keeps, never by value.
 */
function driftOf(recorded, live) {
    if (!live)
        return [{ path: '(object)', from: 'as recorded', to: 'deleted' }];
    if ((0,record/* isRecordedSecret */.r3)(recorded))
        return (0,record/* secretMatchesRecord */.n4)(recorded, live)
            ? []
            : [{ path: 'data', from: '(recorded values, by hash)', to: '(other values)' }];
    return (0,apply_plan/* diffObjects */.wc)((0,apply_plan/* comparable */.Zm)(recorded), (0,apply_plan/* comparable */.Zm)(live), false).filter(change => change.from !== undefined);
}

// EXTERNAL MODULE: ./src/releases/record-step.ts + 1 modules
var record_step = __webpack_require__(506);
// EXTERNAL MODULE: ./src/run/context.ts
var context = __webpack_require__(670);
// EXTERNAL MODULE: ./src/run/outcome.ts
var outcome = __webpack_require__(6497);
// EXTERNAL MODULE: ./src/modes/deploy.ts + 1 modules
var deploy = __webpack_require__(8185);
// EXTERNAL MODULE: ./src/report/summary.ts
var summary = __webpack_require__(7994);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/lazy/http-client-lazy.ts
var http_client_lazy = __webpack_require__(3469);
// EXTERNAL MODULE: ./src/lazy/undici-lazy.ts
var undici_lazy = __webpack_require__(947);
;// CONCATENATED MODULE: ./src/github/pr-comment.ts




/** The pull request this run is for: the event's, or the number in refs/pull/N/merge; undefined on a push. */
function pullRequestNumber(env) {
    if (env.GITHUB_EVENT_PATH) {
        try {
            const event = JSON.parse((0,external_node_fs_.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8'));
            const number = event.pull_request?.number ?? (event.pull_request ? event.number : undefined);
            if (Number.isInteger(number))
                return number;
        }
        catch {
            // An unreadable event file: the ref may still name the pull request.
        }
    }
    const match = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '');
    return match ? Number(match[1]) : undefined;
}
/** The hidden line that finds the comment again on the next push: one per target (lock-name). */
const commentMarker = (target) => `<!-- build-and-deploy plan: ${target} -->`;
/**
 * One comment per pull request and target, created once and then edited (needs pull-requests: write). The plan's
 * result never depends on it: without a token, a pull request or the API, it says so and goes on.
 */
async function upsertPlanComment(body, target, token, env = process.env) {
    const skip = (why) => {
        core/* notice */.lm(`Plan comment skipped: ${why}; the plan is in the job summary.`);
        return undefined;
    };
    const number = pullRequestNumber(env);
    if (number === undefined)
        return skip('this run is not for a pull request');
    if (env.ACT)
        return skip('running under act, which has no GitHub API');
    if (!token)
        return skip('no github-token');
    if (!env.GITHUB_REPOSITORY)
        return skip('GITHUB_REPOSITORY is not set');
    const [owner, repo] = env.GITHUB_REPOSITORY.split('/');
    const marker = commentMarker(target);
    const text = `${marker}\n${body}`;
    try {
        await Promise.all([(0,undici_lazy/* preloadUndici */.mB)(), (0,http_client_lazy/* preloadHttpClient */.H)()]);
        const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
        const octokit = getOctokit(token, { request: { timeout: 10_000 } });
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: number,
            per_page: 100
        });
        const mine = comments.find(comment => comment.body?.startsWith(marker));
        if (mine) {
            await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: text });
            core/* info */.pq(`Plan comment updated on pull request #${number} (comment ${mine.id}).`);
            return { action: 'updated', id: mine.id };
        }
        const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body: text });
        core/* info */.pq(`Plan comment created on pull request #${number} (comment ${created.data.id}).`);
        return { action: 'created', id: created.data.id };
    }
    catch (error) {
        const status = error.status;
        return skip(`the GitHub API answered ${status ? `HTTP ${status}` : error.message}${status === 403 ? ' (the job needs permissions: pull-requests: write)' : ''}`);
    }
}

;// CONCATENATED MODULE: ./src/modes/plan.ts










const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** The workloads whose pods a deploy would replace: a changed pod template, or a new workload. */
function wouldRoll(applied) {
    return applied
        .filter(a => workloadKinds.has(a.target.object.kind))
        .filter(a => a.action === 'created' || a.changes.some(change => change.path.startsWith('spec.template')))
        .map(a => `${a.target.object.kind.toLowerCase()}/${a.target.object.metadata.name}${a.action === 'created' ? ' (new)' : ''}`);
}
/** What changed in the cluster since the last successful release, field by field, object by object. */
async function driftSinceLastRelease(settings, objects) {
    const releases = await (0,record_step/* readReleasesOfTarget */.lb)(settings, objects);
    const last = releases?.records.filter(record => record.result === 'succeeded').at(-1);
    if (!last)
        return { drift: [] };
    const drift = await (0,context/* withCluster */.B)(settings, ({ kube }) => Promise.all(last.objects.map(async (recorded) => {
        const { kind, apiVersion, metadata } = recorded;
        const live = await kube.get({
            apiVersion,
            kind,
            namespace: metadata.namespace,
            name: metadata.name
        });
        return { kind, namespace: metadata.namespace, name: metadata.name, changes: driftOf(recorded, live) };
    })));
    return { sinceRelease: last.number, drift: drift.filter(d => d.changes.length > 0) };
}
/**
 * mode plan, for pull requests: the manifests rendered and patched as a deploy would (the images as they would be
 * tagged, nothing built), dry-run against the live cluster with strict validation; what would change, roll and be
 * pruned, and what drifted since the last release; in the summary and one pull-request comment. Writes nothing to the
 * cluster or the registry.
 */
const runPlan = (settings, cancel) => (0,deploy/* withEarlyConnection */.M$)(true, settings, kube => (0,outcome/* attempt */.C)(async (outcome) => {
    const manifests = await (0,deploy_step/* readManifests */.PX)(settings, (0,build_step/* plannedSubstitutions */.zl)(settings), kube);
    outcome.manifestsFile = manifests.file;
    // A refused dry run (a field conflict, a bad field) fails the plan as it would fail the deploy, after the drift.
    let refused;
    const dryRun = await (0,deploy_step/* deployManifests */.I7)({ ...settings, dryRun: true }, manifests, kube, cancel).catch((error) => {
        refused = error;
        return undefined;
    });
    Object.assign(outcome.report, dryRun?.report);
    // Drift also when the dry run fails: a hand edit is often why (another manager owns the field now).
    const plan = {
        wouldRoll: wouldRoll(outcome.report.applied ?? []),
        ...(settings.releases.historyMax > 0 ? await driftSinceLastRelease(settings, manifests.objects) : { drift: [] })
    };
    outcome.report.plan = plan;
    for (const line of planLogLines(plan))
        core/* info */.pq(line);
    if (refused || !dryRun)
        throw refused;
    if (dryRun.failure)
        return dryRun.failure;
    const shown = {
        resources: outcome.report.resources ?? [],
        applied: outcome.report.applied ?? [],
        dryRun: true,
        plan
    };
    const body = [
        `## build-and-deploy plan: \`${settings.releases.name}\` at \`${settings.run.sha.slice(0, 12)}\``,
        '',
        ...(0,summary/* planSection */.lA)(shown),
        ...(0,summary/* dryRunChanges */.C_)(shown)
    ].join('\n');
    plan.comment = (await upsertPlanComment(body, settings.releases.name, settings.githubToken))?.action;
    return undefined;
}));
function planLogLines(plan) {
    const lines = [`Would roll: ${plan.wouldRoll.join(', ') || 'nothing'}.`];
    if (plan.sinceRelease === undefined)
        lines.push('Drift: no release recorded yet to compare with.');
    else if (plan.drift.length === 0)
        lines.push(`Drift since release ${plan.sinceRelease}: none.`);
    else {
        lines.push(`Drift since release ${plan.sinceRelease} (changed in the cluster by hand or by another manager):`);
        for (const d of plan.drift)
            for (const change of d.changes)
                lines.push(`  ${d.kind}/${d.name}: ${change.path}: ${change.from ?? '(absent)'} → ${change.to ?? '(absent)'}`);
    }
    return lines;
}


/***/ })

};
