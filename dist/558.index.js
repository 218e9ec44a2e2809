export const id = 558;
export const ids = [558];
export const modules = {

/***/ 4558:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   builtDigest: () => (/* binding */ builtDigest),
/* harmony export */   createIndex: () => (/* binding */ createIndex),
/* harmony export */   detectBuilder: () => (/* binding */ detectBuilder),
/* harmony export */   dockerBuild: () => (/* binding */ dockerBuild),
/* harmony export */   login: () => (/* binding */ login),
/* harmony export */   push: () => (/* binding */ push)
/* harmony export */ });
/* unused harmony exports buildCommand, buildEnv, createIndexTimeoutMs, logout */
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7872);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_util__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _process_child_env_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8561);





const execFileAsync = (0,node_util__WEBPACK_IMPORTED_MODULE_2__.promisify)(node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile);
async function detectBuilder(docker = 'docker') {
    const buildx = await _actions_exec__WEBPACK_IMPORTED_MODULE_3__/* .getExecOutput */ .H(docker, ['buildx', 'version'], {
        silent: true,
        ignoreReturnCode: true,
        env: (0,_process_child_env_js__WEBPACK_IMPORTED_MODULE_4__/* .childEnv */ .g)()
    });
    if (buildx.exitCode === 0)
        return { kind: 'buildx', version: buildx.stdout.trim() };
    const version = await _actions_exec__WEBPACK_IMPORTED_MODULE_3__/* .getExecOutput */ .H(docker, ['version', '--format', '{{.Client.Version}}'], {
        silent: true,
        ignoreReturnCode: true,
        env: (0,_process_child_env_js__WEBPACK_IMPORTED_MODULE_4__/* .childEnv */ .g)()
    });
    const clientVersion = version.stdout.trim();
    if (version.exitCode !== 0 && !clientVersion) {
        throw new Error(`Cannot run '${docker}': ${(version.stderr || 'not found').trim()}. Install Docker, or start its daemon.`);
    }
    const major = Number(clientVersion.split('.')[0]);
    // Docker 23+ routes `docker build` with BuildKit through buildx; without the plugin it refuses.
    if (major >= 23) {
        throw new Error(`The docker client ${clientVersion} needs the buildx plugin to build with BuildKit, and it is not installed. Install buildx (docker/setup-buildx-action on GitHub), or put a client that drives the daemon's BuildKit directly (such as Debian's docker.io 20.10) first on PATH.`);
    }
    return { kind: 'buildkit', clientVersion };
}
/** The build command line, as data: one argument per element, never a shell string. */
function buildCommand(plan, builder) {
    const args = builder.kind === 'buildx' ? ['buildx', 'build'] : ['build'];
    args.push('--file', plan.dockerfile);
    if (plan.target)
        args.push('--target', plan.target);
    if (!plan.pushByDigest)
        for (const tag of plan.tags)
            args.push('--tag', tag);
    for (const [name, value] of plan.buildArgs)
        args.push('--build-arg', `${name}=${value}`);
    for (const [key, value] of plan.labels)
        args.push('--label', `${key}=${value}`);
    for (const secret of plan.secretFiles)
        args.push('--secret', `id=${secret.id},src=${secret.path}`);
    for (const source of plan.cacheFrom)
        args.push('--cache-from', source);
    args.push('--iidfile', plan.iidFile);
    if (builder.kind === 'buildx') {
        for (const target of plan.cacheTo)
            args.push('--cache-to', target);
        if (plan.platforms.length > 0)
            args.push('--platform', plan.platforms.join(','));
        if (plan.provenance)
            args.push(`--provenance=${plan.provenance}`);
        if (plan.sbom)
            args.push(`--sbom=${plan.sbom}`);
        args.push('--metadata-file', plan.metadataFile);
        if (plan.pushByDigest)
            args.push('--output', `type=image,name=${plan.pushByDigest},push-by-digest=true,name-canonical=true,push=true`);
        else
            args.push(plan.push ? '--push' : '--load');
    }
    else {
        for (const [input, value] of [
            ['provenance', plan.provenance],
            ['sbom', plan.sbom],
            ['push-by-digest', plan.pushByDigest]
        ])
            if (value && value !== 'false')
                throw new Error(`${input} needs docker buildx, which is not installed; remove ${input} or install buildx.`);
        if (plan.cacheTo.length > 0)
            throw new Error('cache-to needs docker buildx, which is not installed; remove cache-to or install buildx.');
        if (plan.platforms.length > 0)
            throw new Error('platforms needs docker buildx, which is not installed; remove platforms or install buildx.');
    }
    args.push(plan.context);
    return args;
}
/** Environment for the build: plain `docker build` uses BuildKit only when asked. */
function buildEnv(builder) {
    return (0,_process_child_env_js__WEBPACK_IMPORTED_MODULE_4__/* .childEnv */ .g)(builder.kind === 'buildkit' ? { DOCKER_BUILDKIT: '1' } : {});
}
async function dockerBuild(plan, builder, docker = 'docker') {
    const result = await _actions_exec__WEBPACK_IMPORTED_MODULE_3__/* .getExecOutput */ .H(docker, buildCommand(plan, builder), {
        env: buildEnv(builder),
        ignoreReturnCode: true
    });
    if (result.exitCode !== 0) {
        const lastLines = result.stderr.trim().split('\n').slice(-8).join('\n');
        throw new Error(`docker build failed (exit code ${result.exitCode}):\n${lastLines}`);
    }
}
/**
 * The digest buildx reports for what it pushed (containerimage.digest in --metadata-file): of the image index when
 * the build made one (several platforms, or attestations), which is what the registry's tag names.
 */
async function builtDigest(metadataFile) {
    let text;
    try {
        text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(metadataFile, 'utf8');
    }
    catch {
        return undefined;
    }
    let metadata;
    try {
        metadata = JSON.parse(text);
    }
    catch (error) {
        throw new Error(`buildx wrote a metadata file that is not JSON (${metadataFile}): ${error.message}`, {
            cause: error
        });
    }
    const digest = metadata['containerimage.digest'];
    return typeof digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined;
}
/** How long the merge of images-from may take: it copies manifests within the registry, which takes seconds. */
const createIndexTimeoutMs = 5 * 60_000;
/** One index under `tags` of the images `sources` name (repository@digest), copied within the registry. */
async function createIndex(tags, sources, docker = 'docker', timeoutMs = createIndexTimeoutMs) {
    const args = ['buildx', 'imagetools', 'create', ...tags.flatMap(tag => ['--tag', tag]), ...sources];
    try {
        await execFileAsync(docker, args, {
            env: (0,_process_child_env_js__WEBPACK_IMPORTED_MODULE_4__/* .childEnv */ .g)(),
            timeout: timeoutMs,
            killSignal: 'SIGKILL',
            maxBuffer: 16 << 20
        });
    }
    catch (error) {
        const failed = error;
        if (failed.killed)
            throw new Error(`images-from: docker buildx imagetools create ${tags[0]} did not finish within ${timeoutMs / 1000} s.`, {
                cause: error
            });
        const lastLines = (failed.stderr || failed.stdout || failed.message).trim().split('\n').slice(-4).join('\n');
        throw new Error(`images-from: docker buildx imagetools create ${tags[0]} failed (exit code ${failed.code}):\n${lastLines}`, {
            cause: error
        });
    }
}
async function push(reference, docker = 'docker') {
    const result = await _actions_exec__WEBPACK_IMPORTED_MODULE_3__/* .getExecOutput */ .H(docker, ['push', reference], { ignoreReturnCode: true, env: (0,_process_child_env_js__WEBPACK_IMPORTED_MODULE_4__/* .childEnv */ .g)() });
    if (result.exitCode !== 0) {
        throw new Error(`docker push ${reference} failed (exit code ${result.exitCode}): ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
    }
}
/** The password goes through stdin (--password-stdin), never the command line. */
async function login(registry, username, password, docker = 'docker') {
    const result = await _actions_exec__WEBPACK_IMPORTED_MODULE_3__/* .getExecOutput */ .H(docker, ['login', '--username', username, '--password-stdin', registry], {
        input: Buffer.from(password),
        ignoreReturnCode: true,
        silent: true,
        env: (0,_process_child_env_js__WEBPACK_IMPORTED_MODULE_4__/* .childEnv */ .g)()
    });
    if (result.exitCode !== 0) {
        throw new Error(`docker login to ${registry} as ${username} failed: ${result.stderr.trim().split('\n').slice(-1)[0] ?? 'exit code ' + result.exitCode}`);
    }
}
async function logout(registry, docker = 'docker') {
    await exec.getExecOutput(docker, ['logout', registry], { ignoreReturnCode: true, silent: true, env: childEnv() });
}


/***/ })

};
