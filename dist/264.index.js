export const id = 264;
export const ids = [264];
export const modules = {

/***/ 7264:
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
// EXTERNAL MODULE: ./src/deploy/deploy-step.ts + 8 modules
var deploy_step = __webpack_require__(2486);
// EXTERNAL MODULE: ./src/releases/record.ts
var record = __webpack_require__(7733);
// EXTERNAL MODULE: ./src/plan/apply-plan.ts
var apply_plan = __webpack_require__(91);
// EXTERNAL MODULE: ./src/deploy/scale-owners.ts
var scale_owners = __webpack_require__(762);
;// CONCATENATED MODULE: ./src/modes/plan-drift.ts



/**
 * The fields the last release set that the live object no longer holds as set: a hand edit, or another manager's
 * write. Fields only the live object has (server defaults, status, other managers' own fields) are not drift; a
 * Secret is compared by the hashes the record keeps, never by value.
 */
function driftOf(recorded, live, fieldManager = 'build-and-deploy') {
    if (!live)
        return [{ path: '(object)', from: 'as recorded', to: 'deleted' }];
    if ((0,record/* isRecordedSecret */.r3)(recorded))
        return (0,record/* secretMatchesRecord */.n4)(recorded, live)
            ? []
            : [{ path: 'data', from: '(recorded values, by hash)', to: '(other values)' }];
    // Replicas that an autoscaler (or kubectl scale) owns through the scale subresource are theirs: a deploy leaves
    // them alone, so they are not drift.
    const scaled = (0,scale_owners/* scaleOwners */.RC)(live, fieldManager).length > 0;
    return (0,apply_plan/* diffObjects */.wc)((0,apply_plan/* comparable */.Zm)(recorded), (0,apply_plan/* comparable */.Zm)(live), false).filter(change => change.from !== undefined && !(scaled && change.path === 'spec.replicas'));
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
// EXTERNAL MODULE: ./src/format/markdown.ts
var markdown = __webpack_require__(1990);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/github/api.ts
var github_api = __webpack_require__(8943);
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
/** The hidden line that finds the comment again on the next push: one per target (lock-name and namespace). */
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
    const marker = commentMarker(target);
    const text = `${marker}\n${body}`;
    try {
        const api = await (0,github_api/* gitHubApi */.a)(token, env);
        if ('unavailable' in api)
            return skip(api.unavailable);
        const { octokit, owner, repo } = api;
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: number,
            per_page: 100,
            request: (0,github_api/* callDeadline */.P)(15_000)
        });
        // The first line exactly, so that a plan of another target (staging beside production) is never overwritten.
        const mine = comments.find(comment => comment.body?.split('\n', 1)[0] === marker);
        if (mine) {
            await octokit.rest.issues.updateComment({
                owner,
                repo,
                comment_id: mine.id,
                body: text,
                request: (0,github_api/* callDeadline */.P)(15_000)
            });
            core/* info */.pq(`Plan comment updated on pull request #${number} (comment ${mine.id}).`);
            return { action: 'updated', id: mine.id };
        }
        const created = await octokit.rest.issues.createComment({
            owner,
            repo,
            issue_number: number,
            body: text,
            request: (0,github_api/* callDeadline */.P)(15_000)
        });
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
        return { drift: [], namespace: releases?.namespace };
    const drift = await (0,context/* withCluster */.B)(settings, ({ kube }) => Promise.all(last.objects.map(async (recorded) => {
        const { kind, apiVersion, metadata } = recorded;
        const named = `${kind}/${metadata.name}`;
        // One object that cannot be read (no get on it) leaves the rest of the plan standing.
        try {
            const live = await kube.get({
                apiVersion,
                kind,
                namespace: metadata.namespace,
                name: metadata.name
            });
            return {
                kind,
                namespace: metadata.namespace,
                name: metadata.name,
                changes: driftOf(recorded, live, settings.fieldManager)
            };
        }
        catch (error) {
            core/* warning */.$e(`Drift of ${named} not checked: ${error.message}`);
            return undefined;
        }
    })));
    return {
        sinceRelease: last.number,
        namespace: releases?.namespace,
        drift: drift.filter((d) => d !== undefined && d.changes.length > 0)
    };
}
/** A comment holds 65,536 characters; the summary keeps the whole diff. */
const commentLimit = 60_000;
const truncated = (body) => body.length <= commentLimit
    ? body
    : `${body.slice(0, commentLimit)}\n\n… cut here: the job summary has the whole plan.`;
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
    const { namespace, ...found } = settings.releases.historyMax > 0 ? await driftSinceLastRelease(settings, manifests.objects) : { drift: [] };
    const plan = { wouldRoll: wouldRoll(outcome.report.applied ?? []), ...found };
    outcome.report.plan = plan;
    for (const line of planLogLines(plan))
        core/* info */.pq(line);
    const shown = {
        resources: outcome.report.resources ?? [],
        applied: outcome.report.applied ?? [],
        dryRun: true,
        plan
    };
    const failure = refused?.message ?? dryRun?.failure?.message;
    const body = [
        `## build-and-deploy plan: \`${settings.releases.name}\` at \`${settings.run.sha.slice(0, 12)}\``,
        '',
        // A refused plan replaces the last good one in the comment: a stale comment would say the merge is fine.
        ...(failure ? ['**The deploy would fail:**', '', ...(0,markdown/* fenced */.OF)('', failure.split('\n')), ''] : []),
        ...(0,summary/* planSection */.lA)(shown),
        ...(0,summary/* dryRunChanges */.C_)(shown)
    ].join('\n');
    const target = `${settings.releases.name} in ${namespace ?? outcome.report.target?.namespace ?? settings.namespace ?? 'default'}`;
    plan.comment = (await upsertPlanComment(truncated(body), target, settings.githubToken))?.action;
    if (refused || !dryRun)
        throw refused;
    if (dryRun.failure)
        return dryRun.failure;
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
