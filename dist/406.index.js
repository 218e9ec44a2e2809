export const id = 406;
export const ids = [406];
export const modules = {

/***/ 2167:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  d5: () => (/* binding */ buildAndPushAll),
  e5: () => (/* binding */ existingImages),
  zl: () => (/* binding */ plannedSubstitutions),
  wL: () => (/* binding */ substitutionsFor)
});

// UNUSED EXPORTS: buildPlan, deployReference, ociLabels, revisionLabel, tagPlanFor

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/build/image-ref.ts
var image_ref = __webpack_require__(9557);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/build/attestations.ts
/**
 * Attestations buildx attaches to an image index (provenance, SBOM): each is a manifest of its own in the index,
 * listed with platform unknown/unknown and annotations naming the image it is about. They are not images: lookups of
 * a platform's image skip them (pickPlatformManifest), and they are reported here, by the predicate type of each
 * in-toto layer.
 */
const attestationReferenceType = 'attestation-manifest';
const platformName = (platform) => [platform?.os, platform?.architecture, platform?.variant].filter(Boolean).join('/');
/** The entries of an index that are attestations, each with the platform of the image it names. */
function attestationEntries(entries) {
    return entries
        .filter(entry => entry.annotations?.['vnd.docker.reference.type'] === attestationReferenceType)
        .map(entry => {
        const about = entry.annotations?.['vnd.docker.reference.digest'];
        const image = entries.find(other => other.digest === about);
        return { digest: entry.digest, subject: image ? platformName(image.platform) : (about ?? 'unknown image') };
    });
}
const predicateNames = [
    [/^https:\/\/slsa\.dev\/provenance\/v(\d[\d.]*)$/, 'provenance (SLSA v$1)'],
    [/^https:\/\/spdx\.dev\/Document$/, 'SBOM (SPDX)'],
    [/^https:\/\/cyclonedx\.org\/bom(\/v[\d.]+)?$/, 'SBOM (CycloneDX)']
];
/** What a predicate type is, in the words of build-push-action's inputs; an unknown one is shown as it is. */
function predicateName(type) {
    for (const [pattern, name] of predicateNames)
        if (pattern.test(type))
            return type.replace(pattern, name);
    return type;
}
/**
 * One line per kind of attestation with the platforms it covers, e.g. `provenance (SLSA v1) for linux/amd64,
 * linux/arm64`, by kind (BuildKit's layer order differs between builds), platforms in index order.
 */
function describeAttestations(found) {
    const subjects = new Map();
    for (const attestation of found) {
        for (const type of new Set(attestation.predicateTypes)) {
            const name = predicateName(type);
            const list = subjects.get(name) ?? [];
            if (!list.includes(attestation.subject))
                list.push(attestation.subject);
            subjects.set(name, list);
        }
    }
    return [...subjects].sort(([a], [b]) => a.localeCompare(b)).map(([name, list]) => `${name} for ${list.join(', ')}`);
}

;// CONCATENATED MODULE: ./src/build/registry.ts


const manifestTypes = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');
const basicAuthorization = ({ username, password }) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
/** Docker treats loopback registries as plain HTTP; so do we. */
function registryBaseUrl(host) {
    const name = host.replace(/:\d+$/, '');
    const loopback = name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '[::1]';
    return `${loopback ? 'http' : 'https'}://${host}`;
}
function parseChallenge(header) {
    const [scheme, ...rest] = header.split(' ');
    const params = {};
    for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g))
        params[match[1]] = match[2];
    return { scheme: scheme.toLowerCase(), params };
}
/** How long one registry request (answer and body) may take (issue 19): a registry that hangs must not hang the run. */
const registryRequestTimeoutMs = 30_000;
/**
 * The manifest of an index to read labels from: linux/amd64 when listed, else the first real image. buildx lists
 * its attestations as platform unknown/unknown; they have no image config.
 */
function pickPlatformManifest(manifests) {
    const images = manifests.filter(entry => entry.platform?.os !== 'unknown');
    return images.find(entry => entry.platform?.os === 'linux' && entry.platform.architecture === 'amd64') ?? images[0];
}
const indexTypes = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json'
];
/** Whether a manifest the registry answered is an index (or manifest list) rather than one image's manifest. */
const isIndex = (manifest) => indexTypes.includes(manifest.json.mediaType ?? manifest.type) || manifest.json.manifests !== undefined;
/** Statuses whose Response may carry no body (the fetch spec). */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
/** The registry's HTTP API (distribution v2): the one place that asks a registry what it holds. */
class RegistryClient {
    host;
    givenCredentials;
    timeoutMs;
    authorization;
    found;
    constructor(host, givenCredentials, timeoutMs = registryRequestTimeoutMs) {
        this.host = host;
        this.givenCredentials = givenCredentials;
        this.timeoutMs = timeoutMs;
    }
    credentialsForChallenge() {
        const given = this.givenCredentials;
        this.found ??=
            typeof given === 'function' ? given() : Promise.resolve(given ? { credentials: given } : { none: '' });
        return this.found;
    }
    /**
     * One request with a deadline covering the body too (it is read here, so a registry that stalls mid-body
     * times out as well). Errors name the method and path, never the headers: they carry the credentials.
     */
    async request(url, init) {
        const { pathname } = new URL(url);
        const what = `${init.method ?? 'GET'} ${pathname}`;
        try {
            const response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
            const body = await response.arrayBuffer();
            return new Response(nullBodyStatuses.has(response.status) ? null : body, {
                status: response.status,
                statusText: response.statusText,
                headers: response.headers
            });
        }
        catch (error) {
            const name = error.name;
            if (name === 'TimeoutError' || name === 'AbortError') {
                throw new Error(`Registry ${this.host} did not answer ${what} within ${this.timeoutMs / 1000} s.`, {
                    cause: error
                });
            }
            const detail = error.cause?.message ?? error.message;
            throw new Error(`Cannot reach registry ${this.host} (${what}): ${detail}`, { cause: error });
        }
    }
    async fetchWithAuth(url, init, scope) {
        const attempt = () => this.request(url, {
            ...init,
            headers: {
                ...init.headers,
                ...(this.authorization ? { Authorization: this.authorization } : {})
            }
        });
        let response = await attempt();
        if (response.status !== 401)
            return response;
        const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
        const found = await this.credentialsForChallenge();
        const { credentials, none } = found;
        if (challenge.scheme === 'basic') {
            if (!credentials)
                throw new Error(`Registry ${this.host} requires credentials${none ? ` (${none})` : ''}: set registry-username and registry-password.`);
            if (credentials.identityToken)
                throw new Error(`Registry ${this.host} asks for a user and password, but ${credentials.source ?? 'the credentials'} gave an identity token: set registry-username and registry-password.`);
            this.authorization = basicAuthorization(credentials);
        }
        else if (challenge.scheme === 'bearer' && challenge.params.realm) {
            this.authorization = `Bearer ${await this.token(challenge.params, scope, found)}`;
        }
        else {
            throw this.rejected(401, credentials, none);
        }
        response = await attempt();
        if (response.status === 401 || response.status === 403)
            throw this.rejected(response.status, credentials, none);
        return response;
    }
    /**
     * A token from the challenge's realm: with an identity token by the OAuth2 refresh-token grant (as the docker
     * CLI does for ACR), else by GET with the user and password, if any.
     */
    async token(challenge, scope, { credentials, none }) {
        const tokenUrl = new URL(challenge.realm);
        let tokenResponse;
        if (credentials?.identityToken) {
            const form = new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: credentials.identityToken,
                service: challenge.service ?? '',
                scope,
                client_id: 'build-and-deploy'
            });
            tokenResponse = await this.request(tokenUrl, {
                method: 'POST',
                headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
                body: form.toString()
            });
        }
        else {
            if (challenge.service)
                tokenUrl.searchParams.set('service', challenge.service);
            tokenUrl.searchParams.set('scope', scope);
            const headers = credentials ? { Authorization: basicAuthorization(credentials) } : {};
            tokenResponse = await this.request(tokenUrl, { headers });
        }
        if (!tokenResponse.ok)
            throw this.rejected(tokenResponse.status, credentials, none);
        // Parsed here, not by response.json(): a SyntaxError quotes the text, which may be part of a token.
        const text = await tokenResponse.text();
        let token;
        try {
            token = JSON.parse(text);
        }
        catch {
            token = undefined;
        }
        const value = token?.token ?? token?.access_token;
        if (typeof value !== 'string' || !value)
            throw new Error(`Registry ${this.host}: its token service (${tokenUrl.origin}) answered without a token (${text.length} bytes).`);
        return value;
    }
    rejected(status, credentials, none) {
        if (!credentials)
            return new Error(`Registry ${this.host} refused anonymous access (HTTP ${status}${none ? `; ${none}` : ''}): set registry-username and registry-password.`);
        const who = credentials.identityToken ? 'the identity token' : `the credentials of '${credentials.username}'`;
        return new Error(credentials.source
            ? `Registry ${this.host} rejected ${who} from ${credentials.source} (HTTP ${status}): log in again, or set registry-username and registry-password.`
            : `Registry ${this.host} rejected ${who} (HTTP ${status}): check registry-username and registry-password.`);
    }
    /** The digest of repository:tag, or undefined when the tag does not exist. */
    async manifestDigest(repositoryPath, tag) {
        const url = `${registryBaseUrl(this.host)}/v2/${repositoryPath}/manifests/${encodeURIComponent(tag)}`;
        const response = await this.fetchWithAuth(url, { method: 'HEAD', headers: { Accept: manifestTypes } }, `repository:${repositoryPath}:pull`);
        if (response.status === 404)
            return undefined;
        if (!response.ok)
            throw new Error(`Registry ${this.host} answered HTTP ${response.status} for ${repositoryPath}:${tag}.`);
        const digest = response.headers.get('docker-content-digest');
        if (digest)
            return digest;
        const full = await this.fetchWithAuth(url, { method: 'GET', headers: { Accept: manifestTypes } }, `repository:${repositoryPath}:pull`);
        return `sha256:${(0,external_node_crypto_.createHash)('sha256')
            .update(Buffer.from(await full.arrayBuffer()))
            .digest('hex')}`;
    }
    /**
     * Points each of `tags` at the manifest `digest` names, with one manifest PUT per tag that does not already:
     * the registry holds every blob, so nothing is pulled, rebuilt or uploaded. Returns the tags it moved.
     */
    async tagManifest(repositoryPath, digest, tags) {
        const base = `${registryBaseUrl(this.host)}/v2/${repositoryPath}/manifests`;
        const scope = `repository:${repositoryPath}:pull,push`;
        const moved = [];
        let manifest;
        for (const tag of tags) {
            if ((await this.manifestDigest(repositoryPath, tag)) === digest)
                continue;
            if (!manifest) {
                const response = await this.fetchWithAuth(`${base}/${digest}`, { method: 'GET', headers: { Accept: manifestTypes } }, scope);
                if (!response.ok)
                    throw new Error(`Registry ${this.host} answered HTTP ${response.status} for ${repositoryPath}@${digest}.`);
                manifest = {
                    type: response.headers.get('content-type') ?? 'application/vnd.oci.image.manifest.v1+json',
                    body: await response.arrayBuffer()
                };
            }
            const put = await this.fetchWithAuth(`${base}/${encodeURIComponent(tag)}`, { method: 'PUT', headers: { 'Content-Type': manifest.type }, body: manifest.body }, scope);
            if (!put.ok)
                throw new Error(`Registry ${this.host} refused to tag ${repositoryPath}:${tag} (HTTP ${put.status}): may this user push to it?`);
            moved.push(tag);
        }
        return moved;
    }
    /** A manifest (or blob) of repositoryPath as JSON, with the media type the registry gave it. */
    async getJson(repositoryPath, kind, digest) {
        const url = `${registryBaseUrl(this.host)}/v2/${repositoryPath}/${kind}/${digest}`;
        const response = await this.fetchWithAuth(url, { method: 'GET', headers: { Accept: manifestTypes } }, `repository:${repositoryPath}:pull`);
        if (!response.ok)
            throw new Error(`Registry ${this.host} answered HTTP ${response.status} for ${repositoryPath}@${digest}.`);
        const type = (response.headers.get('content-type') ?? '').split(';')[0].trim();
        try {
            return { type, json: (await response.json()) };
        }
        catch (error) {
            throw new Error(`Registry ${this.host}: ${repositoryPath}@${digest} is not JSON.`, { cause: error });
        }
    }
    /** The entries of the index `digest` names, or undefined when it names a single image's manifest. */
    async indexEntries(repositoryPath, digest) {
        const manifest = await this.getJson(repositoryPath, 'manifests', digest);
        return isIndex(manifest) ? (manifest.json.manifests ?? []) : undefined;
    }
    /**
     * The labels of the image `digest` names (its config blob's config.Labels): for an index or manifest list, of
     * its linux/amd64 image or else the first.
     */
    async imageLabels(repositoryPath, digest) {
        let manifest = await this.getJson(repositoryPath, 'manifests', digest);
        if (isIndex(manifest)) {
            const entry = pickPlatformManifest(manifest.json.manifests ?? []);
            if (!entry)
                throw new Error(`Registry ${this.host}: the index ${repositoryPath}@${digest} lists no image.`);
            manifest = await this.getJson(repositoryPath, 'manifests', entry.digest);
        }
        const config = manifest.json.config?.digest;
        if (!config)
            throw new Error(`Registry ${this.host}: the manifest of ${repositoryPath}@${digest} names no config blob.`);
        const blob = await this.getJson(repositoryPath, 'blobs', config);
        return blob.json.config?.Labels ?? {};
    }
    /**
     * The platforms of the images an index lists and the attestations it carries for them (buildx's provenance and
     * SBOM); undefined when `digest` names a single image's manifest.
     */
    async indexContents(repositoryPath, digest) {
        const entries = await this.indexEntries(repositoryPath, digest);
        if (!entries)
            return undefined;
        const attestations = attestationEntries(entries);
        const platforms = entries
            .filter(entry => entry.platform?.os !== 'unknown' && !attestations.some(a => a.digest === entry.digest))
            .map(entry => platformName(entry.platform));
        return {
            platforms,
            attestations: await Promise.all(attestations.map(async ({ digest: manifestDigest, subject }) => {
                const manifest = await this.getJson(repositoryPath, 'manifests', manifestDigest);
                const predicateTypes = (manifest.json.layers ?? [])
                    .map(layer => layer.annotations?.['in-toto.io/predicate-type'])
                    .filter((type) => Boolean(type));
                return { subject, predicateTypes };
            }))
        };
    }
    /** Checks that the registry answers and accepts the credentials, before anything is built. */
    async ping(repositoryPath) {
        const response = await this.fetchWithAuth(`${registryBaseUrl(this.host)}/v2/`, { method: 'GET' }, `repository:${repositoryPath}:pull,push`);
        if (!response.ok)
            throw new Error(`Registry ${this.host} answered HTTP ${response.status} on /v2/.`);
    }
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: ./src/process/child-env.ts
var child_env = __webpack_require__(8561);
;// CONCATENATED MODULE: ./src/build/docker-credentials.ts
/**
 * The credentials `docker login` left for a registry, found as the docker CLI finds them: a `credHelpers` entry
 * for the host, else the `credsStore` (gcloud, ECR, ACR and Docker Desktop set these up), else the plain `auths`.
 * The docker CLI asks the same helpers on push; this is for the registry API calls (skip-existing, extra tags,
 * digests), which would otherwise go anonymous on those setups.
 */






const dockerHubHosts = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** The key docker login uses for Docker Hub, in `auths` and with helpers alike. */
const dockerHubKey = 'https://index.docker.io/v1/';
/** The key the docker CLI (and cosign's keychain) files `host`'s login under in a Docker config. */
const dockerConfigKey = (host) => (dockerHubHosts.has(host) ? dockerHubKey : host);
/** `https://host/v1/` and `host` name one registry, as the docker CLI's ConvertToHostname treats them. */
const hostnameOf = (key) => key.replace(/^[a-z]+:\/\//i, '').split('/')[0];
/**
 * Pure: the store the docker CLI would read for `host` (as registryHost names it). Docker Hub is looked up under
 * its one key only; another registry's `auths` under its exact key first, then under any key naming its host.
 */
function credentialStoreFor(config, host) {
    const hub = dockerHubHosts.has(host);
    const serverAddress = dockerConfigKey(host);
    const helper = config.credHelpers?.[serverAddress];
    if (helper)
        return { kind: 'helper', helper, serverAddress, setting: 'credHelpers' };
    if (config.credsStore)
        return { kind: 'helper', helper: config.credsStore, serverAddress, setting: 'credsStore' };
    const auths = config.auths ?? {};
    const key = serverAddress in auths ? serverAddress : hub ? undefined : Object.keys(auths).find(k => hostnameOf(k) === host);
    return { kind: 'auths', entry: key ? auths[key] : undefined };
}
/** Pure: an `auths` entry as credentials (`auth` is base64 of user:password; an identitytoken replaces the password). */
function credentialsOfEntry(entry, source) {
    if (!entry)
        return undefined;
    let { username = '', password = '' } = entry;
    if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0)
            [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    if (entry.identitytoken)
        return { username, password: '', identityToken: entry.identitytoken, source };
    return username && password ? { username, password, source } : undefined;
}
/**
 * Pure: what `docker-credential-<helper> get` printed. The protocol's `<token>` user means Secret is an OAuth2
 * refresh token (ACR's), not a password. Malformed output is reported by shape only: it may hold the secret.
 */
function credentialsOfHelperOutput(stdout, source) {
    let parsed;
    try {
        parsed = JSON.parse(stdout);
    }
    catch {
        throw new Error(`${source} printed no JSON (${stdout.length} bytes) for 'get'.`);
    }
    if (typeof parsed?.Secret !== 'string' || !parsed.Secret)
        throw new Error(`${source} answered 'get' without a Secret.`);
    const username = typeof parsed.Username === 'string' ? parsed.Username : '';
    return username === '<token>'
        ? { username: '', password: '', identityToken: parsed.Secret, source }
        : { username, password: parsed.Secret, source };
}
/** docker-credential-helpers' ErrCredentialsNotFound, which the docker CLI reads as "no login" on stdout only. */
const notFound = 'credentials not found in native keychain';
const credentialHelperTimeoutMs = 30_000;
/**
 * Runs `docker-credential-<helper> get` with the server address on stdin, as the docker CLI does. In a process
 * group of its own, so a timeout kills what the helper started too (a wrapper's aws, az or python), and the run
 * does not wait on their pipes.
 */
function runHelper(program, serverAddress, timeoutMs, env) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_.spawn)(program, ['get'], { env: (0,child_env/* childEnv */.g)({}, env), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
        let stdout = '';
        let stderr = '';
        let settled = false;
        const settle = (end) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            end();
        };
        const timer = setTimeout(() => {
            try {
                if (child.pid)
                    process.kill(-child.pid, 'SIGKILL');
            }
            catch {
                // already gone
            }
            child.stdout.destroy();
            child.stderr.destroy();
            settle(() => resolve({ ended: 'timeout' }));
        }, timeoutMs);
        child.stdout.on('data', chunk => (stdout += chunk));
        child.stderr.on('data', chunk => (stderr += chunk));
        child.on('error', error => settle(() => reject(error)));
        child.on('close', (code, signal) => settle(() => resolve({ ended: 'exit', code, signal, stdout, stderr })));
        child.stdin.on('error', () => undefined); // a helper that exits without reading stdin is judged by its exit
        child.stdin.end(serverAddress);
    });
}
/**
 * What a failed helper said: the last line of stderr, else of stdout (where docker-credential-helpers' own
 * helpers write their errors), unless that looks like a half-written JSON answer, which could hold the secret.
 */
function helperComplaint(stdout, stderr) {
    const last = (text) => text.trim().split('\n').at(-1)?.trim().replace(/\.$/, '').slice(0, 300) || undefined;
    const said = last(stderr) ?? last(stdout);
    return said && !said.includes('{') && !said.includes('Secret') ? said : undefined;
}
/**
 * Asks the helper; `none` (why there are no credentials) when it has nothing for the server, which is then tried
 * anonymously, as docker does.
 */
async function helperCredentials({ helper, serverAddress, setting }, timeoutMs = credentialHelperTimeoutMs, env = process.env) {
    const program = `docker-credential-${helper}`;
    const named = `${program} (the Docker config's ${setting})`;
    let run;
    try {
        run = await runHelper(program, serverAddress, timeoutMs, env);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            throw new Error(`The Docker config's ${setting} names the credential helper '${helper}' for ${serverAddress}, but ${program} is not on PATH (${env.PATH ?? ''}): install it, or set registry-username and registry-password.`, { cause: error });
        throw new Error(`Cannot run ${named}: ${error.message}`, { cause: error });
    }
    if (run.ended === 'timeout')
        throw new Error(`${named} did not answer 'get' for ${serverAddress} within ${timeoutMs / 1000} s.`);
    if (run.code !== 0) {
        if (run.stdout.trim() === notFound)
            return { none: `${program} has no login for ${serverAddress}` };
        const how = run.code === null ? `killed by ${run.signal}` : `exit code ${run.code}`;
        const said = helperComplaint(run.stdout, run.stderr);
        throw new Error(`${named} failed on 'get' for ${serverAddress} (${how})${said ? `: ${said}` : ''}.`);
    }
    return { credentials: credentialsOfHelperOutput(run.stdout.trim(), program) };
}
/** The Docker config's path, as the docker CLI reads it: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
function dockerConfigPath(env = process.env) {
    return external_node_path_default().join(env.DOCKER_CONFIG || external_node_path_default().join(external_node_os_default().homedir(), '.docker'), 'config.json');
}
function readDockerConfig(file) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch {
        return {}; // no docker login yet: anonymous, as docker itself would go
    }
    try {
        return JSON.parse(text);
    }
    catch {
        // As the docker CLI goes on without it. Not the parser's message: it quotes the text, and this file holds
        // credentials.
        core/* warning */.$e(`The Docker config ${file} is not valid JSON, so its logins are not used.`);
        return {};
    }
}
/** The credentials the docker CLI would use for `host`, masked, or why there are none (anonymous access). */
async function dockerCredentials(host, env = process.env) {
    const file = dockerConfigPath(env);
    const store = credentialStoreFor(readDockerConfig(file), host);
    let found;
    if (store.kind === 'helper')
        found = await helperCredentials(store, credentialHelperTimeoutMs, env);
    else {
        const credentials = credentialsOfEntry(store.entry, `the docker login in ${file}`);
        found = credentials ? { credentials } : { none: `${file} has no login for ${host}` };
    }
    if (found.credentials?.password)
        core/* setSecret */.Pq(found.credentials.password);
    if (found.credentials?.identityToken)
        core/* setSecret */.Pq(found.credentials.identityToken);
    return found;
}

// EXTERNAL MODULE: ./src/lazy/exec-lazy.ts
var exec_lazy = __webpack_require__(7872);
;// CONCATENATED MODULE: ./src/build/cosign.ts
/**
 * The cosign CLI: signs a pushed digest and checks a digest's signature before it is deployed. Keys reach cosign
 * as files of mode 0600 (CosignFiles), the key's password on stdin (cosign reads it there when
 * stdin is not a terminal): never on a command line, never in the environment.
 */


/** cosign's own deadline for its registry and log requests, below the run's timeout. */
const cosignTimeout = '2m';
/** Pure: the `cosign sign` command line for a digest reference. */
function signCommand(reference, keyFile, transparencyLog) {
    const args = ['sign', '--yes', `--timeout=${cosignTimeout}`, `--tlog-upload=${transparencyLog}`];
    if (keyFile)
        args.push('--key', keyFile);
    return [...args, reference];
}
/** Pure: the `cosign verify` command line for a digest reference. */
function verifyCommand(reference, verifier, keyFile) {
    const args = ['verify', `--timeout=${cosignTimeout}`, '--output=json'];
    if (verifier.kind === 'key') {
        args.push('--key', keyFile);
        if (!verifier.transparencyLog)
            args.push('--insecure-ignore-tlog=true');
    }
    else {
        args.push('--certificate-identity', verifier.identity, '--certificate-oidc-issuer', verifier.issuer);
    }
    return [...args, reference];
}
/** cosign's reason, from its last `Error:` line (its usage text and warnings around it are not the reason). */
function cosignReason(stderr, exitCode) {
    const lines = stderr.trim().split('\n');
    const error = [...lines].reverse().find(line => line.startsWith('Error:'));
    return (error ?? lines.at(-1) ?? '').replace(/^Error:\s*/, '').slice(0, 500) || `exit code ${exitCode}`;
}
/** The job's COSIGN_PASSWORD would win over stdin, and so over cosign-password: it is not passed on. */
function cosignEnv(dockerConfig) {
    const env = (0,child_env/* childEnv */.g)(dockerConfig ? { DOCKER_CONFIG: dockerConfig } : {});
    delete env.COSIGN_PASSWORD;
    return env;
}
async function cosign(args, input, dockerConfig) {
    try {
        return await exec_lazy/* getExecOutput */.H('cosign', args, {
            silent: true,
            ignoreReturnCode: true,
            env: cosignEnv(dockerConfig),
            ...(input !== undefined ? { input: Buffer.from(input) } : {})
        });
    }
    catch (error) {
        throw new Error(`Cannot run cosign (${error.message}): install it (sigstore/cosign-installer on GitHub), or leave sign and verify-signature empty.`, { cause: error });
    }
}
/** Fails early, before any build, when cosign is not installed. */
async function cosignVersion() {
    const run = await cosign(['version', '--json']);
    if (run.exitCode !== 0)
        throw new Error(`cosign version failed: ${cosignReason(run.stderr, run.exitCode)}`);
    try {
        return JSON.parse(run.stdout).gitVersion ?? 'cosign';
    }
    catch {
        return run.stdout.trim().split('\n')[0] ?? 'cosign';
    }
}
async function signImage(reference, settings, files) {
    const run = await cosign(signCommand(reference, files.keyFile, settings.transparencyLog), settings.password, files.dockerConfig);
    if (run.exitCode !== 0)
        throw new Error(`cosign sign ${reference} failed: ${cosignReason(run.stderr, run.exitCode)}`);
}
/** Resolves when `reference` (repository@digest) carries a signature the verifier accepts; throws otherwise. */
async function verifyImage(reference, verifier, files) {
    const run = await cosign(verifyCommand(reference, verifier, files.publicKeyFile), undefined, files.dockerConfig);
    if (run.exitCode !== 0)
        throw new Error(`${reference} has no signature that verify-signature accepts, so it is not deployed: ${cosignReason(run.stderr, run.exitCode)}`);
}

;// CONCATENATED MODULE: ./src/build/signatures.ts
/**
 * sign and verify-signature: what this run builds is signed by its digest, and nothing is deployed whose digest
 * lacks a signature the verifier accepts (deploy, apply, promote and rollback to a SHA all get their images
 * through the build step). An image found in the registry is only ever verified, never signed: signing it here
 * would let any pushed image pass.
 */







/** Before any build or registry write: a missing cosign fails the run while nothing has changed. */
async function requireCosign(settings) {
    if (settings.sign || settings.verifySignature)
        core/* info */.pq(`Signatures with cosign ${await cosignVersion()}`);
}
const describeVerifier = (verifier) => verifier.kind === 'key' ? 'by the verify-signature key' : `keyless, by ${verifier.identity} (${verifier.issuer})`;
/**
 * Runs `steps` with cosign's files written once, in a work directory removed afterwards: the keys (0600), and,
 * from registry-username and registry-password, a Docker config of cosign's own, so cosign needs no docker login
 * and the job's config is left alone (without them cosign reads the job's).
 */
async function withCosignFiles(settings, repositories, steps) {
    const work = await (0,promises_.mkdtemp)(external_node_path_default().join(process.env.RUNNER_TEMP || external_node_os_default().tmpdir(), 'build-and-deploy-cosign-'));
    try {
        const files = {};
        const write = async (name, text) => {
            const file = external_node_path_default().join(work, name);
            await (0,promises_.writeFile)(file, text, { mode: 0o600 });
            return file;
        };
        if (settings.sign?.key)
            files.keyFile = await write('cosign.key', `${settings.sign.key}\n`);
        if (settings.verifySignature?.kind === 'key')
            files.publicKeyFile = await write('cosign.pub', `${settings.verifySignature.publicKey}\n`);
        if (settings.registry) {
            const auth = Buffer.from(`${settings.registry.username}:${settings.registry.password}`).toString('base64');
            core/* setSecret */.Pq(auth);
            const keys = [...new Set(repositories.map(r => dockerConfigKey((0,image_ref/* registryHost */.U$)((0,image_ref/* parseImageRef */.Q)(r)))))];
            files.dockerConfig = external_node_path_default().join(work, 'docker');
            await (0,promises_.mkdir)(files.dockerConfig, { mode: 0o700 });
            await write('docker/config.json', JSON.stringify({ auths: Object.fromEntries(keys.map(key => [key, { auth }])) }));
        }
        return await steps(files);
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
    }
}
/** Verifies repository@digest and says so in the log; the image's signature entry. */
async function verified(reference, verifier, files) {
    await verifyImage(reference, verifier, files);
    core/* info */.pq(`Signature of ${reference} verified (${describeVerifier(verifier)}).`);
    return 'signature verified';
}
/**
 * With verify-signature: throws unless repository@digest carries a signature it accepts. Called for a reused
 * image before its other tags are moved onto it, so a refused image moves nothing.
 */
async function verifyFound(settings, repository, digest) {
    const verifier = settings.verifySignature;
    if (!verifier)
        return undefined;
    return withCosignFiles(settings, [repository], files => verified(`${repository}@${digest}`, verifier, files));
}
/** Signs each image this run built, then verifies it; records both on the image. */
async function signAndVerifyBuilt(settings, images) {
    const { sign, verifySignature } = settings;
    const built = images.filter(image => !image.reused);
    if ((!sign && !verifySignature) || built.length === 0)
        return;
    await withCosignFiles(settings, built.map(image => image.repository), async (files) => {
        for (const image of built) {
            if (!image.digest)
                throw new Error(`${image.reference} has no registry digest to sign or verify.`);
            const reference = `${image.repository}@${image.digest}`;
            const steps = [];
            if (sign) {
                await signImage(reference, sign, files);
                core/* info */.pq(`Signed ${reference} with cosign (${sign.key ? 'cosign-key' : 'keyless'}${sign.transparencyLog ? '' : ', not in the transparency log'}).`);
                steps.push('signed');
            }
            if (verifySignature)
                steps.push(await verified(reference, verifySignature, files));
            image.signature = steps.join(', ');
        }
    });
}

// EXTERNAL MODULE: ./src/build/tags.ts
var build_tags = __webpack_require__(6587);
// EXTERNAL MODULE: ./src/run/state.ts
var state = __webpack_require__(4352);
;// CONCATENATED MODULE: ./src/build/build-step.ts












/** The label skip-existing reads to tell whether a mutable tag's image is this commit's build. */
const revisionLabel = 'org.opencontainers.image.revision';
/** OCI annotations every image gets, so a running image leads back to its commit. */
function ociLabels(settings, version, created) {
    const labels = [
        [revisionLabel, settings.run.sha],
        ['org.opencontainers.image.created', created.toISOString()],
        ['org.opencontainers.image.version', version]
    ];
    if (settings.run.repositoryUrl)
        labels.push(['org.opencontainers.image.source', settings.run.repositoryUrl]);
    const own = new Set(settings.build.labels.map(([key]) => key));
    return [...labels.filter(([key]) => !own.has(key)), ...settings.build.labels];
}
function tagPlanFor(settings) {
    return (0,build_tags/* planTags */.Vd)(settings.tagTemplate, settings.extraTagTemplates, settings.latest, settings.run, settings.run.defaultBranch);
}
/** What the manifests get for each image this run builds, known before anything is built. */
function plannedSubstitutions(settings) {
    const tag = tagPlanFor(settings).primary;
    return settings.builds.map(build => ({ repository: build.image, image: `${(0,image_ref/* repositoryOf */._M)(build.image)}:${tag}` }));
}
/** What the manifests get for images already built (or found in the registry). */
function substitutionsFor(images) {
    return images.map(image => ({ repository: (0,image_ref/* parseImageRef */.Q)(image.repository), image: image.deployed }));
}
/**
 * A tag without {sha} ({branch}, v{run_number}) names a new image on the next build while the pod template's
 * `repo:main` stays the same string: the template would be left unchanged and nodes would keep the image they
 * cached, so the old code stays live (issue 23). Such a tag is deployed as repo:tag@digest, as is every tag with
 * pin-digest, so what runs is exactly what was built, whatever later happens to the tag.
 */
function deployReference(reference, digest, tagTemplate, pinDigest = false) {
    return digest && (pinDigest || !(0,build_tags/* templateNamesCommit */.im)(tagTemplate)) ? `${reference}@${digest}` : reference;
}
/** One client per registry host, so images of one registry share a token. */
function registryClients(settings) {
    const clients = new Map();
    return image => {
        const host = (0,image_ref/* registryHost */.U$)(image);
        if (!clients.has(host))
            clients.set(host, new RegistryClient(host, settings.registry ?? (() => dockerCredentials(host))));
        return clients.get(host);
    };
}
/**
 * Builds and pushes every image unless its tag already exists (skip-existing); returns what to deploy.
 * `clusterReady`, the check of the target cluster (deploy-step's checkCluster), is awaited before the first write
 * to a registry (a tag moved, a login, a build that pushes): a deploy that cannot succeed pushes nothing.
 */
async function buildAndPushAll(settings, clusterReady) {
    for (const build of settings.builds) {
        if (!(0,external_node_fs_.existsSync)(build.dockerfile))
            throw new Error(`dockerfile '${build.dockerfile}' of ${(0,image_ref/* repositoryOf */._M)(build.image)} does not exist (context '${build.context}').`);
    }
    await requireCosign(settings);
    const registryFor = registryClients(settings);
    const tags = tagPlanFor(settings);
    // The registry answers in milliseconds; ask about every image before the first minutes-long build.
    const results = await Promise.all(settings.builds.map(build => reuseExisting(settings, build, registryFor(build.image), tags, clusterReady)));
    const toBuild = settings.builds.filter((_, i) => !results[i]);
    if (toBuild.length > 0)
        await buildMissing(settings, toBuild, results, registryFor, tags, clusterReady);
    await describeIndexes(results, settings, registryFor);
    return results;
}
/** Builds (and pushes) the images skip-existing did not find, into their places in `results`; then signs them. */
async function buildMissing(settings, toBuild, results, registryFor, tags, clusterReady) {
    // The docker CLI module (and @actions/exec) only when something is built: apply and rollback runs never are.
    const { detectBuilder } = await __webpack_require__.e(/* import() */ 558).then(__webpack_require__.bind(__webpack_require__, 4558));
    await clusterReady;
    if (settings.push)
        await loginForPush(settings, toBuild);
    const builder = await detectBuilder();
    if (settings.pushByDigest && builder.kind !== 'buildx')
        throw new Error('push-by-digest needs docker buildx, which is not installed: install it (docker/setup-buildx-action), or drop push-by-digest.');
    core/* info */.pq(builder.kind === 'buildx'
        ? `Building with ${builder.version}`
        : `Building with the daemon's BuildKit (docker ${builder.clientVersion}, no buildx)`);
    const work = await (0,promises_.mkdtemp)(external_node_path_default().join(process.env.RUNNER_TEMP || external_node_os_default().tmpdir(), 'build-and-deploy-'));
    (0,state/* saveWorkDir */.uS)(work);
    try {
        // Secrets reach docker as files passed by path: never on a command line, never in a layer.
        const secretFiles = await Promise.all(settings.build.secrets.map(async ([id, value], i) => {
            const file = external_node_path_default().join(work, `secret-${i}`);
            await (0,promises_.writeFile)(file, value, { mode: 0o600 });
            return { id, path: file };
        }));
        for (const [i, build] of toBuild.entries()) {
            // A plain line, not a group: the caller's group is open, and the log has no nested groups.
            if (toBuild.length > 1)
                core/* info */.pq(`Building ${(0,image_ref/* repositoryOf */._M)(build.image)} (${i + 1} of ${toBuild.length})`);
            results[settings.builds.indexOf(build)] = await buildOne(settings, build, builder, registryFor(build.image), tags, secretFiles, work);
        }
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
    }
    await signAndVerifyBuilt(settings, results);
}
/** docker login (password on stdin) to each registry that `builds` push to, when registry-username is given. */
async function loginForPush(settings, builds) {
    if (!settings.registry)
        return;
    const { login } = await __webpack_require__.e(/* import() */ 558).then(__webpack_require__.bind(__webpack_require__, 4558));
    const hosts = [...new Set(builds.map(build => (0,image_ref/* registryHost */.U$)(build.image)))];
    for (const [i, host] of hosts.entries()) {
        await login(host, settings.registry.username, settings.registry.password);
        (0,state/* saveLoggedInRegistries */.G1)(hosts.slice(0, i + 1));
    }
}
/**
 * What an index holds: its platforms and the attestations buildx attached (provenance, SBOM), read from the
 * registry for the digest that is deployed, and logged; nothing for a single image's manifest.
 */
async function describeIndexes(images, settings, registryFor) {
    if (!settings.push)
        return;
    await Promise.all(images.map(async (image) => {
        if (!image.digest)
            return;
        const build = settings.builds.find(b => b.name === image.name);
        // Only a report: the image is pushed and deployable whatever this read meets.
        const index = await registryFor(build.image)
            .indexContents(build.image.path, image.digest)
            .catch((error) => {
            core/* warning */.$e(`Could not list the platforms and attestations of ${image.repository}@${image.digest}: ${error.message}`);
            return undefined;
        });
        if (!index)
            return;
        image.platforms = index.platforms;
        image.attestations = describeAttestations(index.attestations);
        core/* info */.pq(`${image.repository}@${image.digest}: an index of ${index.platforms.join(', ') || 'no image'}; attestations: ${image.attestations.join('; ') || 'none'}.`);
    }));
}
/**
 * The image already in the registry under this run's tag, when skip-existing may deploy it instead of a build
 * (its other tags moved onto it); undefined when it must be built.
 */
async function reuseExisting(settings, build, registry, tags, clusterReady) {
    // A leg pushed by digest is never the tag's image: the merge makes that.
    const digest = settings.push && settings.skipExisting && !settings.pushByDigest
        ? await registry.manifestDigest(build.image.path, tags.primary)
        : undefined;
    if (!digest)
        return undefined;
    // Only a tag that may hold another commit's build needs its label read.
    const revision = (0,build_tags/* templateNamesCommit */.im)(settings.tagTemplate)
        ? undefined
        : (await registry.imageLabels(build.image.path, digest))[revisionLabel];
    const verdict = (0,build_tags/* reuseVerdict */.uK)(settings.tagTemplate, tags.primary, settings.run.sha, revision);
    if (!verdict.reuse) {
        core/* info */.pq(`${(0,image_ref/* repositoryOf */._M)(build.image)}: building: ${verdict.reason}.`);
        return undefined;
    }
    core/* info */.pq(`${(0,image_ref/* repositoryOf */._M)(build.image)}:${tags.primary} already exists (${digest}); skip-existing: not rebuilding: ${verdict.reason}.`);
    const signature = await verifyFound(settings, (0,image_ref/* repositoryOf */._M)(build.image), digest);
    // The tags a build would have pushed too (extra-tags, latest) point at the reused image.
    await clusterReady;
    const moved = await registry.tagManifest(build.image.path, digest, tags.all.slice(1));
    if (moved.length > 0)
        core/* info */.pq(`Tagged ${moved.map(tag => `${(0,image_ref/* repositoryOf */._M)(build.image)}:${tag}`).join(', ')} → ${digest} (manifest PUT, no pull or rebuild).`);
    return { ...foundImage(build, tags, digest, settings), signature };
}
/** An image whose tag the registry already has: deployed by that digest, not rebuilt. */
function foundImage(build, tags, digest, { tagTemplate, pinDigest }) {
    const repository = (0,image_ref/* repositoryOf */._M)(build.image);
    const reference = `${repository}:${tags.primary}`;
    return {
        name: build.name,
        repository,
        tags,
        reference,
        deployed: deployReference(reference, digest, tagTemplate, pinDigest),
        digest,
        reused: true
    };
}
/** The docker build of one image, as data (buildCommand turns it into arguments). */
function buildPlan(settings, build, tags, secretFiles, work) {
    const repository = (0,image_ref/* repositoryOf */._M)(build.image);
    return {
        context: build.context,
        dockerfile: build.dockerfile,
        target: build.target,
        tags: tags.all.map(tag => `${repository}:${tag}`),
        buildArgs: settings.build.buildArgs,
        labels: ociLabels(settings, tags.primary, new Date()),
        secretFiles,
        // One image's cache must not overwrite another's: {name} makes a cache reference per image.
        cacheFrom: settings.build.cacheFrom.map(source => source.replaceAll('{name}', build.name)),
        cacheTo: settings.build.cacheTo.map(target => target.replaceAll('{name}', build.name)),
        platforms: settings.build.platforms,
        provenance: settings.build.provenance,
        sbom: settings.build.sbom,
        push: settings.push,
        pushByDigest: settings.pushByDigest ? repository : undefined,
        iidFile: external_node_path_default().join(work, `${build.name}.iid`),
        metadataFile: external_node_path_default().join(work, `${build.name}.metadata.json`)
    };
}
async function buildOne(settings, build, builder, registry, tags, secretFiles, work) {
    const repository = (0,image_ref/* repositoryOf */._M)(build.image);
    const reference = `${repository}:${tags.primary}`;
    const plan = buildPlan(settings, build, tags, secretFiles, work);
    const { builtDigest, dockerBuild, push } = await __webpack_require__.e(/* import() */ 558).then(__webpack_require__.bind(__webpack_require__, 4558));
    await dockerBuild(plan, builder);
    if (!settings.push)
        return { name: build.name, repository, tags, reference, deployed: reference, reused: false };
    if (builder.kind === 'buildkit')
        for (const tag of plan.tags)
            await push(tag);
    const reported = builder.kind === 'buildx' ? await builtDigest(plan.metadataFile) : undefined;
    if (plan.pushByDigest) {
        if (!reported)
            throw new Error(`buildx pushed ${repository} by digest, but its metadata file names no containerimage.digest.`);
        const byDigest = `${repository}@${reported}`;
        core/* info */.pq(`Pushed ${byDigest} (by digest, untagged): name it in a later run's images-from.`);
        return {
            name: build.name,
            repository,
            tags: { primary: tags.primary, all: [] },
            reference: byDigest,
            deployed: byDigest,
            digest: reported,
            reused: false
        };
    }
    // What this run built is what it deploys (and signs): buildx's digest. The registry's tag is only checked, since
    // another run may have pushed over it meanwhile (and some registries list a tag a moment after the push).
    const listed = await registry.manifestDigest(build.image.path, tags.primary).catch((error) => {
        if (reported)
            return undefined;
        throw error;
    });
    if (reported && listed && listed !== reported)
        core/* warning */.$e(`${reference} now names ${listed} in the registry, not the ${reported} this run pushed: another run pushed the same tag meanwhile. Deploying ${reported} by digest.`);
    const digest = reported ?? listed;
    if (!digest)
        throw new Error(`Pushed ${reference}, but the registry does not list it.`);
    return {
        name: build.name,
        repository,
        tags,
        reference,
        deployed: deployReference(reference, digest, settings.tagTemplate, settings.pinDigest),
        digest,
        reused: false
    };
}
/**
 * images-from: each repository's platform digests merged into one index under this run's tags (buildx imagetools
 * create: manifests are copied within the registry, nothing is pulled or rebuilt). Awaits `clusterReady` first.
 */
async function mergeImagesFrom(settings, clusterReady) {
    const { createIndex, detectBuilder } = await __webpack_require__.e(/* import() */ 558).then(__webpack_require__.bind(__webpack_require__, 4558));
    const builder = await detectBuilder();
    if (builder.kind !== 'buildx')
        throw new Error('images-from merges with docker buildx imagetools create, and buildx is not installed: install it (docker/setup-buildx-action).');
    await clusterReady;
    await loginForPush(settings, settings.builds);
    const tags = tagPlanFor(settings);
    for (const build of settings.builds) {
        const repository = (0,image_ref/* repositoryOf */._M)(build.image);
        const sources = settings.imagesFrom
            .filter(image => (0,image_ref/* repositoryOf */._M)(image) === repository)
            .map(image => `${repository}@${image.digest}`);
        await createIndex(tags.all.map(tag => `${repository}:${tag}`), sources);
        core/* info */.pq(`Merged ${sources.length} digests of ${repository} into ${tags.all.map(tag => `:${tag}`).join(', ')}.`);
    }
}
/**
 * In apply mode nothing is built: the tag for this commit must already be in the registry, for every image (with
 * images-from, it is made first; `clusterReady` is awaited before that write).
 */
async function existingImages(settings, clusterReady) {
    await requireCosign(settings);
    if (settings.imagesFrom.length > 0)
        await mergeImagesFrom(settings, clusterReady);
    const registryFor = registryClients(settings);
    const tagPlan = tagPlanFor(settings);
    const primary = tagPlan.primary;
    const images = await Promise.all(settings.builds.map(async (build) => {
        const digest = await registryFor(build.image).manifestDigest(build.image.path, primary);
        if (!digest)
            throw new Error(`${(0,image_ref/* repositoryOf */._M)(build.image)}:${primary} is not in the registry; build it first (mode deploy or build).`);
        return {
            // The merge pushed every tag; otherwise only the primary one was looked up.
            ...foundImage(build, settings.imagesFrom.length > 0 ? tagPlan : { primary, all: [primary] }, digest, settings),
            signature: await verifyFound(settings, (0,image_ref/* repositoryOf */._M)(build.image), digest)
        };
    }));
    await describeIndexes(images, settings, registryFor);
    return images;
}


/***/ }),

/***/ 9557:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   JA: () => (/* binding */ canonicalRepository),
/* harmony export */   Q: () => (/* binding */ parseImageRef),
/* harmony export */   U$: () => (/* binding */ registryHost),
/* harmony export */   _M: () => (/* binding */ repositoryOf),
/* harmony export */   r_: () => (/* binding */ isValidTag)
/* harmony export */ });
/* unused harmony exports sameRepository, formatImageRef */
const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const domainPattern = /^(?:\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d+)?$/;
/**
 * Parses an image reference the way the Docker distribution library does: the first component is a registry
 * host only when it contains '.' or ':' or is 'localhost' (so `localhost:5000/app:1` is repository
 * `localhost:5000/app` with tag `1`, and `acme/api` is a Docker Hub path).
 */
function parseImageRef(text) {
    const invalid = (why) => {
        throw new Error(`Invalid image reference '${text}': ${why}.`);
    };
    if (text.length === 0)
        invalid('it is empty');
    if (/\s/.test(text))
        invalid('it contains white space');
    let rest = text;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!digestPattern.test(digest))
            invalid(`'${digest}' is not a digest such as sha256:<64 hex digits>`);
    }
    let domain;
    const slash = rest.indexOf('/');
    if (slash >= 0) {
        const first = rest.slice(0, slash);
        if (first.includes('.') || first.includes(':') || first === 'localhost') {
            domain = first;
            rest = rest.slice(slash + 1);
            if (!domainPattern.test(domain))
                invalid(`'${domain}' is not a registry host[:port]`);
        }
    }
    let tag;
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!tagPattern.test(tag))
            invalid(`'${tag}' is not a tag (letters, digits, '_', '.', '-'; at most 128)`);
    }
    if (rest.length === 0)
        invalid('the repository path is empty');
    for (const component of rest.split('/')) {
        if (!pathComponent.test(component)) {
            invalid(`path component '${component}' must be lowercase letters and digits, separated by '.', '_', '__' or '-'`);
        }
    }
    if ((domain ?? '').length + 1 + rest.length > 255)
        invalid('the repository name is longer than 255 characters');
    return { domain, path: rest, tag, digest };
}
/** The repository as written, without tag or digest: `localhost:5000/app`, `nginx`. */
function repositoryOf(ref) {
    return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}
/** The fully qualified repository, so `nginx`, `docker.io/nginx` and `index.docker.io/library/nginx` compare equal. */
function canonicalRepository(ref) {
    let domain = ref.domain ?? 'docker.io';
    if (domain === 'index.docker.io' || domain === 'registry-1.docker.io')
        domain = 'docker.io';
    const path = domain === 'docker.io' && !ref.path.includes('/') ? `library/${ref.path}` : ref.path;
    return `${domain}/${path}`;
}
function sameRepository(a, b) {
    return canonicalRepository(a) === canonicalRepository(b);
}
function formatImageRef(ref) {
    return repositoryOf(ref) + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}
/** The registry host the Docker client would talk to for this repository. */
function registryHost(ref) {
    const domain = ref.domain ?? 'docker.io';
    return domain === 'docker.io' ? 'registry-1.docker.io' : domain;
}
function isValidTag(tag) {
    return tagPattern.test(tag);
}


/***/ }),

/***/ 6587:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vd: () => (/* binding */ planTags),
/* harmony export */   im: () => (/* binding */ templateNamesCommit),
/* harmony export */   uK: () => (/* binding */ reuseVerdict),
/* harmony export */   zw: () => (/* binding */ validateTagTemplate)
/* harmony export */ });
/* unused harmony exports sanitizeBranch, renderTag */
/* harmony import */ var _image_ref_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9557);

const placeholders = ['sha', 'short_sha', 'branch', 'run_number'];
/** Tag-safe form of a branch name: `feature/Login` → `feature-Login`. */
function sanitizeBranch(branch) {
    return branch
        .replace(/[^\w.-]+/g, '-')
        .replace(/^[.-]+/, '')
        .slice(0, 100);
}
/** Checks a template's placeholders without rendering it, so bad inputs fail before anything runs. */
function validateTagTemplate(template, inputName) {
    const unknown = [...template.matchAll(/\{([^}]*)\}/g)]
        .map(m => m[1])
        .filter(p => !placeholders.includes(p));
    if (unknown.length > 0) {
        throw new Error(`Invalid ${inputName} '${template}': unknown placeholder {${unknown[0]}}. Expected only ${placeholders.map(p => `{${p}}`).join(', ')}.`);
    }
    if (/[{}]/.test(template.replace(/\{(sha|short_sha|branch|run_number)\}/g, ''))) {
        throw new Error(`Invalid ${inputName} '${template}': unbalanced '{' or '}'.`);
    }
}
function renderTag(template, context, inputName = 'tag') {
    validateTagTemplate(template, inputName);
    const values = {
        sha: context.sha,
        short_sha: context.sha.slice(0, 7),
        branch: context.branch === undefined ? undefined : sanitizeBranch(context.branch),
        run_number: context.runNumber
    };
    const tag = template.replace(/\{(sha|short_sha|branch|run_number)\}/g, (_, name) => {
        const value = values[name];
        if (!value)
            throw new Error(`The ${inputName} '${template}' uses {${name}}, but this run has no ${name.replace('_', ' ')}.`);
        return value;
    });
    if (!(0,_image_ref_js__WEBPACK_IMPORTED_MODULE_0__/* .isValidTag */ .r_)(tag)) {
        throw new Error(`The ${inputName} '${template}' renders to '${tag}', which is not a valid image tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-').`);
    }
    return tag;
}
function planTags(template, extraTemplates, latest, context, defaultBranch) {
    const primary = renderTag(template, context);
    const all = [primary];
    for (const extra of extraTemplates) {
        const tag = renderTag(extra, context, 'extra-tags');
        if (!all.includes(tag))
            all.push(tag);
    }
    const onDefaultBranch = defaultBranch !== undefined && context.branch === defaultBranch;
    if ((latest === 'true' || (latest === 'auto' && onDefaultBranch)) && !all.includes('latest'))
        all.push('latest');
    return { primary, all };
}
/** A template with {sha} renders a tag only this commit's build pushes; any other tag may hold an older build. */
function templateNamesCommit(template) {
    return template.includes('{sha}');
}
/**
 * skip-existing's rule (issue 23): a tag found in the registry stands for this commit only when the template
 * names {sha}, or the image's org.opencontainers.image.revision label is this commit. A mutable tag such as
 * {branch} otherwise still names the previous commit's image, and reusing it deploys stale code.
 * `revision` is the found image's label (undefined: the image has none, or it was not read).
 */
function reuseVerdict(template, tag, sha, revision) {
    if (templateNamesCommit(template))
        return { reuse: true, reason: `tag ${tag} names this commit ({sha} in the tag template '${template}')` };
    if (revision === sha)
        return { reuse: true, reason: `tag ${tag} exists and its org.opencontainers.image.revision label is this commit` };
    if (!revision) {
        return {
            reuse: false,
            reason: `tag ${tag} exists but its image has no org.opencontainers.image.revision label, and the tag template '${template}' does not name {sha}, so it may be another commit's build`
        };
    }
    return {
        reuse: false,
        reason: `tag ${tag} exists but its org.opencontainers.image.revision label is ${revision}, not this commit ${sha}`
    };
}


/***/ }),

/***/ 2486:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Ir: () => (/* binding */ connectEarly),
  I7: () => (/* binding */ deployManifests),
  Cq: () => (/* binding */ manifestsDir),
  _5: () => (/* binding */ prepareManifests),
  PX: () => (/* binding */ readManifests)
});

// UNUSED EXPORTS: deploy, deployFailure

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/plan/apply-plan.ts
var apply_plan = __webpack_require__(91);
// EXTERNAL MODULE: ./src/manifests/documents.ts
var manifests_documents = __webpack_require__(1860);
// EXTERNAL MODULE: ./src/kube/errors.ts
var errors = __webpack_require__(3646);
// EXTERNAL MODULE: ./src/manifests/annotate.ts
var annotate = __webpack_require__(7528);
;// CONCATENATED MODULE: ./src/deploy/job-replace.ts
/**
 * A Job's pod template is immutable, yet a migration Job runs the image each commit builds: `kubectl apply` then
 * fails with "spec.template: field is immutable", and teams script a `kubectl delete job` before it. The action
 * replaces such a Job (delete with background propagation, then create) when its template really changed, and
 * leaves it alone when only the commit the action records on the template would differ. Pure, table-tested.
 */

/** A 422 on a Job whose every cause is an immutable field: what only a replacement can apply. */
function isImmutableJobUpdate(kind, statusCode, causes) {
    return (kind === 'Job' &&
        statusCode === 422 &&
        causes.length > 0 &&
        causes.every(c => /field is immutable/.test(c.message ?? '')));
}
const templateOf = (job) => job.spec?.template;
/**
 * The Job with the live template's commit annotation (or its absence) instead of this run's, and the live
 * object's image and change-cause records: applied, it changes nothing if the template differs by the commit alone.
 */
function withLiveTemplateCommit(job, live) {
    const copy = structuredClone(job);
    const template = templateOf(copy);
    const liveCommit = templateOf(live)?.metadata?.annotations?.[annotate/* annotationKeys */.ic.commit];
    if (template) {
        const annotations = { ...template.metadata?.annotations };
        if (liveCommit === undefined)
            delete annotations[annotate/* annotationKeys */.ic.commit];
        else
            annotations[annotate/* annotationKeys */.ic.commit] = liveCommit;
        template.metadata = { ...template.metadata, annotations };
    }
    for (const key of [annotate/* annotationKeys */.ic.image, annotate/* annotationKeys */.ic.changeCause]) {
        const value = live.metadata.annotations?.[key];
        const annotations = { ...copy.metadata.annotations };
        if (value === undefined)
            delete annotations[key];
        else
            annotations[key] = value;
        copy.metadata.annotations = annotations;
    }
    return copy;
}
/**
 * A name no live object has, for the dry-run create that validates a replacement (admission included) before the
 * old Job is deleted. Job names end up in pod labels, so it stays within 63 characters.
 */
const dryRunName = (name) => `${name.slice(0, 48).replace(/[-.]+$/, '')}-bnd-dry-run`;

// EXTERNAL MODULE: ./src/deploy/scale-owners.ts
var scale_owners = __webpack_require__(762);
// EXTERNAL MODULE: ./src/deploy/takeover.ts
var deploy_takeover = __webpack_require__(3066);
// EXTERNAL MODULE: ./src/kube/managed-fields.ts
var managed_fields = __webpack_require__(2792);
// EXTERNAL MODULE: ./src/manifests/redact.ts
var redact = __webpack_require__(4945);
;// CONCATENATED MODULE: ./src/deploy/apply.ts










/** What to wait on for an applied workload. */
function waitItemFor(a) {
    const o = a.target.object;
    return {
        apiVersion: o.apiVersion,
        kind: o.kind,
        plural: a.target.plural,
        namespace: o.metadata.namespace,
        name: o.metadata.name
    };
}
/** Thrown when objects fail validation; lists every one, and nothing was changed. */
class ApplyValidationError extends Error {
    problems;
    constructor(problems) {
        super(`${problems.length} object${problems.length === 1 ? '' : 's'} failed validation; nothing was applied:\n- ${problems.join('\n- ')}`);
        this.problems = problems;
        this.name = 'ApplyValidationError';
    }
}
/**
 * Thrown when a write fails after every object passed validation: what was written stays written, so the error
 * carries each object's fate for the report and for a rollback of what this run changed.
 */
class ApplyWriteError extends Error {
    written;
    failed;
    notAttempted;
    constructor(written, failed, notAttempted) {
        super(`Apply failed after validation passed:\n- ${failed.map(f => f.message).join('\n- ')}`);
        this.written = written;
        this.failed = failed;
        this.notAttempted = notAttempted;
        this.name = 'ApplyWriteError';
    }
}
const concurrency = 16;
async function mapLimited(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await fn(items[i]);
        }
    });
    await Promise.all(workers);
    return results;
}
/**
 * Deletes an object (background propagation) and waits until the API no longer has it, so that a create that
 * follows makes a new one; `deleted` starts the error when a finalizer holds it past 60 s.
 */
async function deleteUntilGone(kube, object, deleted, signal) {
    await kube.delete(object, { propagationPolicy: 'Background', signal }).catch(error => {
        if (!(error instanceof errors/* KubeApiError */.W && error.statusCode === 404))
            throw error;
    });
    const deadline = Date.now() + 60_000;
    while (await kube.get(object, { signal })) {
        if (Date.now() > deadline)
            throw new Error(`${deleted}, and is still there after 60 s (a finalizer?)`);
        await new Promise(resolve => setTimeout(resolve, 200));
    }
}
function explain(error, target, force) {
    const where = `${(0,manifests_documents/* describeSource */.B6)(target.source)} (${(0,manifests_documents/* describeObject */.v8)(target.object)})`;
    if (error instanceof errors/* KubeApiError */.W) {
        if (error.statusCode === 409 && !force && /conflict/i.test(error.message)) {
            return `${where}: ${error.message}. Another field manager owns these fields: change them there, or set force-conflicts: true to take them over.`;
        }
        const causes = (error.status.details?.causes ?? []).map(c => c.message ?? c.reason).filter(Boolean);
        const detail = causes.length > 0 && !causes.every(c => error.message.includes(c)) ? ` (${causes.join('; ')})` : '';
        return `${where}: ${error.message}${detail}`;
    }
    return `${where}: ${error.message}`;
}
/**
 * What applying `target` will do, from its dry-run result and (when read) the live object. A workload whose
 * template would differ only by the commit keeps the live one (keepUnchangedTemplate), and is `unchanged` when
 * nothing but the action's run record on the object differs.
 */
function plannedOutcome(target, result, existed, live, dryRun) {
    // Before keepUnchangedTemplate, which edits the result: the object as the manifests give it must be a no-op.
    const noOp = live !== undefined && live.metadata.resourceVersion === result.metadata.resourceVersion && (0,manifests_documents/* sameValue */.eE)(result, live);
    const templateChanged = live ? (0,annotate/* keepUnchangedTemplate */.lx)(target.object, result, live) : true;
    const changes = live || dryRun ? (0,apply_plan/* diffObjects */.wc)((0,apply_plan/* comparable */.Zm)(live), (0,apply_plan/* comparable */.Zm)(result), (0,redact/* isSecret */.$f)(target.object)) : [];
    const recordOnly = !templateChanged &&
        changes.every(change => annotate/* runRecordKeys */.d$.some(key => change.path === `metadata.annotations.${key}`));
    const action = !existed
        ? 'created'
        : noOp || (live && changes.length === 0) || recordOnly
            ? 'unchanged'
            : 'configured';
    return {
        target,
        action,
        result,
        before: existed ? (live ?? result) : undefined,
        changes: dryRun ? changes : [],
        ...(noOp ? { noOp } : {})
    };
}
/**
 * Applies manifests server-side, all or nothing as far as the API allows: every object is dry-run first
 * (dryRun=All, fieldValidation=Strict), and a single failure stops the run before anything is written.
 */
class Applier {
    kube;
    options;
    constructor(kube, options) {
        this.kube = kube;
        this.options = options;
    }
    async resolve(sources) {
        const problems = new Array(sources.length);
        const fromCrds = (0,apply_plan/* kindsFromCrds */.QJ)(sources.map(s => s.object));
        const targets = await mapLimited(sources.map((source, i) => ({ source, i })), concurrency, async ({ source, i }) => {
            const object = structuredClone(source.object);
            let info;
            try {
                info = await this.kube.resourceFor(object.apiVersion, object.kind);
            }
            catch (error) {
                if (!(error instanceof errors/* KubeApiError */.W && error.statusCode === 404))
                    throw error;
            }
            if (!info) {
                const group = object.apiVersion.includes('/') ? object.apiVersion : `/${object.apiVersion}`;
                const namespaced = fromCrds.get(`${group}/${object.kind}`);
                if (namespaced !== undefined) {
                    const problem = (0,manifests_documents/* resolveNamespace */.uP)(object, namespaced, this.options.namespace, this.options.contextNamespace);
                    if (problem)
                        problems[i] = `${(0,manifests_documents/* describeSource */.B6)(source)} (${object.kind} ${object.metadata.name}): ${problem}`;
                    return { source, object, namespaced, awaitsCrd: true };
                }
                problems[i] =
                    `${(0,manifests_documents/* describeSource */.B6)(source)}: the server does not know kind ${object.kind} in ${object.apiVersion} (no such resource type; is a CRD missing, or the apiVersion misspelt?)`;
                return undefined;
            }
            const problem = (0,manifests_documents/* resolveNamespace */.uP)(object, info.namespaced, this.options.namespace, this.options.contextNamespace);
            if (problem)
                problems[i] = `${(0,manifests_documents/* describeSource */.B6)(source)} (${object.kind} ${object.metadata.name}): ${problem}`;
            return { source, object, plural: info.plural, namespaced: info.namespaced, awaitsCrd: false };
        });
        const found = problems.filter((p) => p !== undefined);
        if (found.length > 0)
            throw new ApplyValidationError(found);
        return targets.filter((t) => t !== undefined);
    }
    ref(target) {
        const { apiVersion, kind, metadata } = target.object;
        return { apiVersion, kind, namespace: metadata.namespace, name: metadata.name };
    }
    patch(target, dryRun, force = this.options.force, onStatus) {
        return this.kube.apply(target.object, {
            fieldManager: this.options.fieldManager,
            strict: true,
            force,
            dryRun,
            onStatus,
            signal: this.options.signal
        });
    }
    /** Dry-runs one target, leaving spec.replicas to an autoscaler that owns the live scale (scale-owners.ts). */
    async planOne(target) {
        let result;
        let conflict;
        try {
            result = await this.patch(target, true);
        }
        catch (error) {
            const causes = error instanceof errors/* KubeApiError */.W ? (error.status.details?.causes ?? []) : [];
            if (error instanceof errors/* KubeApiError */.W && isImmutableJobUpdate(target.object.kind, error.statusCode, causes))
                return this.planJobReplacement(target, error);
            if (!(error instanceof errors/* KubeApiError */.W && (0,scale_owners/* isReplicasConflict */.ev)(target.object.kind, error.statusCode, causes)))
                throw error;
            conflict = error;
        }
        // A dry-run create has no resourceVersion; a dry-run update carries the live one. The live object shows
        // whether the apply would change anything at all (if not, it is not sent), the field changes of a dry run,
        // whether a workload's template changed beyond the commit (if not, the live one is kept), and who owns the scale.
        const existed = result ? Boolean(result.metadata.resourceVersion) : true;
        const live = existed
            ? await this.kube.get(this.ref(target), { signal: this.options.signal })
            : undefined;
        // Checked with force-conflicts too, which would otherwise reset the autoscaler's scale.
        const owners = (0,scale_owners/* setsReplicas */.XH)(target.object) ? (0,scale_owners/* scaleOwners */.RC)(live, this.options.fieldManager) : [];
        if (owners.length > 0) {
            target.object = (0,scale_owners/* withoutReplicas */.Ye)(target.object);
            result = await this.patch(target, true);
        }
        else if (!result) {
            throw conflict;
        }
        const outcome = plannedOutcome(target, result, existed, live, this.options.dryRun);
        return owners.length > 0 ? { ...outcome, scaleOwners: owners } : outcome;
    }
    /**
     * A Job the API refuses to update (its template is immutable): unchanged when the template differs from live by
     * this run's commit alone (the live commit is kept), otherwise a replacement, validated by a dry-run create under
     * a fresh name so that nothing is deleted for a Job that could not be created again.
     */
    async planJobReplacement(target, refused) {
        const live = await this.kube.get(this.ref(target), { signal: this.options.signal });
        if (!live)
            throw refused;
        const kept = withLiveTemplateCommit(target.object, live);
        try {
            const result = await this.patch({ ...target, object: kept }, true);
            target.object = kept;
            return plannedOutcome(target, result, true, live, this.options.dryRun);
        }
        catch (error) {
            const causes = error instanceof errors/* KubeApiError */.W ? (error.status.details?.causes ?? []) : [];
            if (!(error instanceof errors/* KubeApiError */.W && isImmutableJobUpdate('Job', error.statusCode, causes)))
                throw error;
        }
        const probe = {
            ...target,
            object: {
                ...structuredClone(target.object),
                metadata: { ...structuredClone(target.object.metadata), name: dryRunName(target.object.metadata.name) }
            }
        };
        const result = await this.patch(probe, true);
        result.metadata.name = target.object.metadata.name;
        const changes = this.options.dryRun ? (0,apply_plan/* diffObjects */.wc)((0,apply_plan/* comparable */.Zm)(live), (0,apply_plan/* comparable */.Zm)(result), false) : [];
        return { target, action: 'replaced', result, before: live, changes, replace: true };
    }
    /** Deletes a Job for its replacement and waits until it is gone, so that the create that follows is one. */
    async deleteForReplacement(target) {
        await deleteUntilGone(this.kube, this.ref(target), `${(0,manifests_documents/* describeObject */.v8)(target.object)} was deleted to be replaced`, this.options.signal);
    }
    /** Dry-runs targets; returns the predicted outcome of each, or throws with every failure. */
    async preflight(targets) {
        const outcomes = await mapLimited(targets, concurrency, async (target) => {
            try {
                return await this.planOne(target);
            }
            catch (error) {
                const takeover = await this.planTakeover(target, error).catch((other) => explain(other, target, this.options.force));
                return takeover ?? explain(error, target, this.options.force);
            }
        });
        // Reported in manifest order, whatever order the concurrent calls finished in.
        const problems = outcomes.filter((o) => typeof o === 'string');
        if (problems.length > 0)
            throw new ApplyValidationError(problems);
        return outcomes;
    }
    /**
     * A conflict with kubectl-client-side-apply alone, on an object `kubectl apply` wrote: the fields the manifests set
     * are planned to move to the action's field manager (takeover.ts), from the live object and a forced dry run whose
     * managedFields give the manifest's own field set. Nothing is written here; any other failure stays an error.
     */
    async planTakeover(target, error) {
        if (this.options.force ||
            !(error instanceof errors/* KubeApiError */.W) ||
            !(0,deploy_takeover/* isClientSideApplyConflict */.R4)(error.statusCode, error.status, target.object.apiVersion))
            return undefined;
        const live = await this.kube.get(this.ref(target), { signal: this.options.signal });
        if (!live)
            return undefined;
        const forced = await this.patch(target, true, true);
        const takeover = (0,deploy_takeover/* planTakeover */.HG)(live, forced, this.options.fieldManager);
        return takeover && { ...plannedOutcome(target, forced, true, live, this.options.dryRun), takeover };
    }
    async applyOne(planned) {
        if (planned.noOp)
            return planned;
        try {
            const takeover = planned.takeover;
            if (takeover)
                await (0,managed_fields/* writeManagedFields */.W)(this.kube, this.ref(planned.target), takeover, entries => (0,deploy_takeover/* takeoverEntries */.M5)(entries, takeover), this.options.signal);
            if (planned.replace)
                await this.deleteForReplacement(planned.target);
            let status = 0;
            const result = await this.patch(planned.target, false, this.options.force, code => (status = code));
            const before = planned.before?.metadata;
            const same = planned.action === 'unchanged' || before?.resourceVersion === result.metadata.resourceVersion;
            // Created is what the server answered (201), not what the dry run expected: a Namespace or CRD another run
            // created in between is not this run's to delete again.
            const action = planned.replace
                ? 'replaced'
                : status === 201
                    ? 'created'
                    : !planned.before
                        ? 'configured'
                        : same
                            ? 'unchanged'
                            : 'configured';
            return { ...planned, action, result };
        }
        catch (error) {
            throw new Error(explain(error, planned.target, this.options.force), { cause: error });
        }
    }
    namespaceTarget(name) {
        const object = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
        return {
            source: { file: 'create-namespace', document: 1, object },
            object,
            plural: 'namespaces',
            namespaced: false,
            awaitsCrd: false
        };
    }
    async waitEstablished(crd) {
        const deadline = Date.now() + 60_000;
        const ref = {
            apiVersion: 'apiextensions.k8s.io/v1',
            kind: 'CustomResourceDefinition',
            name: crd.target.object.metadata.name
        };
        while (Date.now() < deadline) {
            const live = await this.kube.get(ref, {
                signal: this.options.signal
            });
            if (live?.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True'))
                return;
            await new Promise(resolve => setTimeout(resolve, 250));
        }
        throw new Error(`CustomResourceDefinition ${crd.target.object.metadata.name} was not Established within 60 s.`);
    }
    /**
     * Objects in namespaces that do not exist yet, and custom resources of CRDs applied in this run, cannot be
     * dry-run until those exist. They are checked after the Namespaces and CRDs are created; if one fails, the
     * Namespaces and CRDs this run created are deleted again, so the cluster is left as it was.
     */
    async apply(sources) {
        const targets = await this.resolve(sources);
        const missing = await this.missingNamespaces(targets);
        const deferred = (t) => t.awaitsCrd || (t.namespaced && missing.has(t.object.metadata.namespace ?? ''));
        const ordered = (0,apply_plan/* applyOrder */.Fu)(targets);
        const first = await this.preflight(ordered.filter(t => !deferred(t)));
        await this.options.validated?.(ordered);
        if (this.options.dryRun) {
            return [
                ...first,
                ...ordered
                    .filter(deferred)
                    .map(target => ({ target, action: 'created', result: target.object, changes: [] }))
            ];
        }
        const foundations = first.filter(p => p.target.object.kind === 'Namespace' || p.target.object.kind === 'CustomResourceDefinition');
        const applied = [];
        for (const planned of foundations) {
            try {
                applied.push(await this.applyOne(planned));
            }
            catch (error) {
                const rest = first.filter(p => p !== planned && !applied.some(a => a.target === p.target)).map(p => p.target);
                throw new ApplyWriteError(applied, [{ target: planned.target, message: error.message }], [...rest, ...ordered.filter(deferred)]);
            }
        }
        for (const crd of applied.filter(a => a.target.object.kind === 'CustomResourceDefinition'))
            await this.waitEstablished(crd);
        const stale = await this.options.beforeWrite?.(ordered);
        const second = await this.preflightDeferred(ordered.filter(deferred), applied);
        const planned = first.filter(p => !foundations.includes(p));
        const rest = [
            ...(stale
                ? await this.preflightOrUndo(planned.map(p => p.target), applied)
                : planned),
            ...second
        ];
        await this.options.allValidated?.();
        // Wave by wave (applyWaves), each wave concurrently: a pod's ServiceAccount, ConfigMaps and Secrets exist
        // before its workload is written, and an autoscaler or an Ingress comes after what it refers to.
        // Reported in the order planned, as before the waves.
        // A failed write stops the waves after its own: what is written is reported, with what failed and what was not tried.
        const written = new Array(rest.length);
        const failed = [];
        for (const wave of (0,apply_plan/* applyWaves */.jS)(rest.map((planned, index) => ({ planned, index, object: planned.target.object })))) {
            await mapLimited(wave, concurrency, async ({ planned, index }) => {
                try {
                    written[index] = await this.applyOne(planned);
                }
                catch (error) {
                    failed.push({ target: planned.target, message: error.message });
                }
            });
            if (failed.length > 0)
                break;
        }
        const done = written.filter((w) => w !== undefined);
        if (failed.length > 0) {
            const notAttempted = rest
                .filter((p, i) => !written[i] && !failed.some(f => f.target === p.target))
                .map(p => p.target);
            throw new ApplyWriteError([...applied, ...done], failed, notAttempted);
        }
        applied.push(...done);
        return applied;
    }
    /**
     * The namespaces the objects name that do not exist yet. Those the manifests do not declare are added as
     * targets with create-namespace, and refused without it.
     */
    async missingNamespaces(targets) {
        const declared = new Set(targets.filter(t => t.object.kind === 'Namespace').map(t => t.object.metadata.name));
        const wanted = new Set(targets.filter(t => t.namespaced && t.object.metadata.namespace).map(t => t.object.metadata.namespace));
        const missing = new Set();
        await mapLimited([...wanted], concurrency, async (ns) => {
            // A deployer bound by a namespaced Role may not read Namespaces; its dry run then shows whether ns exists.
            const found = await this.kube
                .get({ apiVersion: 'v1', kind: 'Namespace', name: ns }, { signal: this.options.signal })
                .catch(error => {
                if (error instanceof errors/* KubeApiError */.W && error.statusCode === 403)
                    return 'not readable';
                throw error;
            });
            if (!found)
                missing.add(ns);
        });
        const undeclared = [...missing].filter(ns => !declared.has(ns));
        if (undeclared.length > 0 && !this.options.createNamespace) {
            throw new ApplyValidationError(undeclared.map(ns => `namespace '${ns}' does not exist; add a Namespace to the manifests or set create-namespace: true`));
        }
        for (const ns of undeclared)
            targets.unshift(this.namespaceTarget(ns));
        return missing;
    }
    /** Dry-runs the objects that had to wait for their Namespace or CRD; on failure removes what `applied` created. */
    async preflightDeferred(later, applied) {
        if (later.length === 0)
            return [];
        for (const target of later.filter(t => t.awaitsCrd)) {
            const info = await this.kube.resourceFor(target.object.apiVersion, target.object.kind, true);
            if (!info)
                throw new Error(`${(0,manifests_documents/* describeSource */.B6)(target.source)}: kind ${target.object.kind} is still unknown after its CRD was established.`);
            target.plural = info.plural;
            target.namespaced = info.namespaced;
            (0,manifests_documents/* resolveNamespace */.uP)(target.object, info.namespaced, this.options.namespace, this.options.contextNamespace);
        }
        return this.preflightOrUndo(later, applied);
    }
    async preflightOrUndo(targets, applied) {
        try {
            return await this.preflight(targets);
        }
        catch (error) {
            await this.undoCreated(applied);
            throw error;
        }
    }
    async undoCreated(applied) {
        for (const item of applied.filter(a => a.action === 'created').reverse()) {
            await this.kube.delete(this.ref(item.target), { signal: this.options.signal }).catch(() => undefined);
        }
    }
}

// EXTERNAL MODULE: ./src/plan/applyset-plan.ts
var applyset_plan = __webpack_require__(7419);
// EXTERNAL MODULE: ./src/build/image-ref.ts
var image_ref = __webpack_require__(9557);
// EXTERNAL MODULE: ./src/format/size.ts
var format_size = __webpack_require__(4826);
// EXTERNAL MODULE: ./src/status/diagnosis-lines.ts
var diagnosis_lines = __webpack_require__(669);
;// CONCATENATED MODULE: ./src/deploy/deploy-result.ts
/** One row per object applied or pruned, with its rollout's state and time. */
function resourceReports(applied, waits, pruned = []) {
    const reports = applied.map((a) => {
        const o = a.target.object;
        const wait = waits.find(w => w.item.kind === o.kind && w.item.name === o.metadata.name && w.item.namespace === o.metadata.namespace);
        const note = [a.scaleOwners ? `scale left to ${a.scaleOwners.join(', ')}` : undefined, wait?.note]
            .filter(Boolean)
            .join('; ') || undefined;
        return {
            kind: o.kind,
            namespace: o.metadata.namespace,
            name: o.metadata.name,
            action: a.action,
            ...(note ? { note } : {}),
            rollout: wait?.state,
            durationMs: wait?.durationMs
        };
    });
    for (const p of pruned)
        reports.push({
            kind: p.kind,
            namespace: p.namespace,
            name: p.name,
            action: 'pruned',
            ...(p.skipped ? { note: p.skipped } : {})
        });
    return reports;
}

// EXTERNAL MODULE: ./src/kube/connect.ts + 3 modules
var connect = __webpack_require__(3390);
// EXTERNAL MODULE: ./src/strategies/gate-url.ts
var gate_url = __webpack_require__(4530);
// EXTERNAL MODULE: ./src/status/wait.ts + 2 modules
var status_wait = __webpack_require__(3375);
;// CONCATENATED MODULE: ./src/deploy/gate-step.ts







const isGateJob = (gate, item) => gate?.kind === 'job' && item.object.kind === 'Job' && item.object.metadata.name === gate.name;
/**
 * The verify gate as the strategies run it. A Job of the manifests is held back from the apply and run here:
 * the one left by the last run is deleted (a Job's template cannot change), then it is applied (dry run first)
 * and must complete. URL and command gates load their code only when they run.
 */
function gateRunner(kube, settings, objects, options) {
    const { verify: gate, verifyTimeoutMs } = settings.blueGreen ?? settings.canary ?? { verifyTimeoutMs: 0 };
    if (!gate)
        return undefined;
    return async (colour) => {
        const { verifyCommand, verifyUrl } = await __webpack_require__.e(/* import() */ 106).then(__webpack_require__.bind(__webpack_require__, 9106));
        if (gate.kind === 'url') {
            const request = (0,gate_url/* gateRequest */.tV)(gate.url, colour);
            core/* info */.pq(`Health gate: ${request.shown}`);
            return verifyUrl(request, verifyTimeoutMs);
        }
        if (gate.kind === 'command') {
            core/* info */.pq(`Health gate: ${gate.argv.join(' ')}`);
            return verifyCommand(gate.argv, verifyTimeoutMs, colour);
        }
        core/* info */.pq(`Health gate: job/${gate.name}`);
        const job = objects.find(item => isGateJob(gate, item));
        const ref = {
            apiVersion: 'batch/v1',
            kind: 'Job',
            namespace: job.object.metadata.namespace ?? (0,connect/* defaultNamespace */.L)(settings.namespace, kube),
            name: gate.name
        };
        await kube.delete(ref, { propagationPolicy: 'Background' }).catch(error => {
            if (!(error instanceof errors/* KubeApiError */.W && error.statusCode === 404))
                throw error;
        });
        for (const deadline = Date.now() + 30_000; await kube.get(ref);) {
            if (Date.now() > deadline)
                throw new Error(`The health gate job/${gate.name} of the last run was not deleted within 30 s.`);
            await new Promise(resolve => setTimeout(resolve, 200));
        }
        const applied = await new Applier(kube, options).apply([job]);
        const [outcome] = await (0,status_wait/* waitForRollouts */.h)(kube, applied.filter(a => a.target.object.kind === 'Job').map(waitItemFor), { timeoutMs: verifyTimeoutMs, log: line => core/* info */.pq(line) });
        if (outcome.state !== 'succeeded') {
            throw new Error([
                `The health gate job/${gate.name} did not complete: ${outcome.message}`,
                ...(outcome.diagnosis ? (0,diagnosis_lines/* formatDiagnosis */.N)(outcome.diagnosis) : [])
            ].join('\n'));
        }
    };
}

// EXTERNAL MODULE: ./src/strategies/registry.ts + 4 modules
var registry = __webpack_require__(5769);
// EXTERNAL MODULE: ./src/run/context.ts
var context = __webpack_require__(670);
// EXTERNAL MODULE: ./src/kube/kubeconfig.ts
var kubeconfig = __webpack_require__(5217);
;// CONCATENATED MODULE: ./src/manifests/files.ts


const manifestExtensions = new Set(['.yaml', '.yml', '.json']);
/** The file names kustomize itself looks for, in its order. */
const kustomizationFiles = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/**
 * Expands the `manifests` input: files as given; a directory holding a kustomization to that kustomization;
 * other directories to their YAML/JSON files (not recursive, as `kubectl apply -f dir`); globs to their sorted
 * matches. Every entry must match something.
 */
async function expandManifestPaths(entries, cwd = process.cwd()) {
    const sources = [];
    const add = (source) => {
        if (!sources.some(s => s.path === source.path))
            sources.push(source);
    };
    for (const entry of entries) {
        if (/[*?[{]/.test(entry)) {
            const matches = [];
            for await (const match of (0,promises_.glob)(entry, { cwd }))
                matches.push(match);
            const manifests = matches.filter(m => manifestExtensions.has(external_node_path_default().extname(m))).sort();
            if (manifests.length === 0)
                throw new Error(`manifests entry '${entry}' matches no .yaml, .yml or .json file (in ${cwd}).`);
            manifests.forEach(file => add({ kind: 'file', path: file }));
            continue;
        }
        const info = await (0,promises_.stat)(external_node_path_default().resolve(cwd, entry)).catch(() => undefined);
        if (!info)
            throw new Error(`manifests entry '${entry}' does not exist (in ${cwd}).`);
        if (!info.isDirectory()) {
            add({ kind: 'file', path: entry });
            continue;
        }
        const inside = [];
        for await (const match of (0,promises_.glob)('*', { cwd: external_node_path_default().resolve(cwd, entry) }))
            inside.push(match);
        // A kustomization's files are patches and bases, not objects to apply one by one.
        if (inside.some(name => kustomizationFiles.includes(name))) {
            add({ kind: 'kustomization', path: entry });
            continue;
        }
        const manifests = inside.filter(name => manifestExtensions.has(external_node_path_default().extname(name)));
        if (manifests.length === 0)
            throw new Error(`manifests directory '${entry}' holds no .yaml, .yml or .json file and no kustomization.`);
        manifests.sort().forEach(name => add({ kind: 'file', path: external_node_path_default().join(entry, name) }));
    }
    return sources;
}
async function readManifestFile(file, cwd = process.cwd()) {
    try {
        return await (0,promises_.readFile)(external_node_path_default().resolve(cwd, file), 'utf8');
    }
    catch (error) {
        throw new Error(`Cannot read manifest ${file}: ${error.message}`, { cause: error });
    }
}

// EXTERNAL MODULE: ./src/lazy/exec-lazy.ts
var exec_lazy = __webpack_require__(7872);
// EXTERNAL MODULE: ./src/process/child-env.ts
var child_env = __webpack_require__(8561);
;// CONCATENATED MODULE: ./src/manifests/render.ts



/** kustomize itself when installed (it tracks kustomize releases), otherwise the copy built into kubectl. */
function kustomizeCommand(dir, tools) {
    if (tools.kustomize)
        return { tool: tools.kustomize, args: ['build', dir] };
    if (tools.kubectl)
        return { tool: tools.kubectl, args: ['kustomize', dir] };
    throw new Error(`manifests entry '${dir}' is a kustomization directory; rendering it needs kustomize or kubectl on PATH, and neither was found. Install one (e.g. azure/setup-kubectl), or list the rendered files instead.`);
}
/**
 * `helm template`: rendered on this machine, without the chart's tests. helm itself does not contact the cluster,
 * so the cluster's version and API versions are passed in: without them a chart sees helm's compiled-in default
 * (v1.20 in a helm built without its Makefile's ldflags) and fails a `kubeVersion: ">=1.23.0-0"` constraint.
 * helm template adds --api-versions to the versions it was compiled with; it cannot remove those.
 */
function helmTemplateCommand(release, helm) {
    if (!helm) {
        throw new Error(`helm-chart '${release.chart}' is rendered with helm template, and helm is not on PATH. Install it (e.g. azure/setup-helm).`);
    }
    const args = ['template', release.release, release.chart, '--skip-tests'];
    if (release.namespace)
        args.push('--namespace', release.namespace);
    for (const values of release.values)
        args.push('--values', values);
    if (!release.capabilities)
        return { tool: helm, args };
    const { kubeVersion, apiVersions } = release.capabilities;
    const shown = [...args, '--kube-version', kubeVersion];
    args.push('--kube-version', kubeVersion);
    // One comma-separated value (helm reads the flag as a string slice): 100 entries on a bare 1.36 cluster, more with CRDs.
    if (apiVersions.length > 0) {
        args.push('--api-versions', apiVersions.join(','));
        shown.push('--api-versions', `<${apiVersions.length} API versions of the cluster>`);
    }
    return { tool: helm, args, shown };
}
async function run(command, what) {
    const result = await exec_lazy/* getExecOutput */.H(command.tool, command.args, {
        silent: true,
        ignoreReturnCode: true,
        env: (0,child_env/* childEnv */.g)()
    });
    if (result.exitCode !== 0) {
        const detail = result.stderr.trim().split('\n').slice(-10).join('\n') || `exit code ${result.exitCode}`;
        throw new Error(`${what} failed (${external_node_path_default().basename(command.tool)} ${(command.shown ?? command.args).join(' ')}):\n${detail}`);
    }
    return result.stdout;
}
/** The tool's path on PATH, or undefined. Loaded on use: @actions/io brings assert, which most runs never need. */
async function installed(tool) {
    const io = await __webpack_require__.e(/* import() */ 701).then(__webpack_require__.bind(__webpack_require__, 8701));
    return (await io.which(tool, false)) || undefined;
}
async function renderKustomization(dir) {
    const command = kustomizeCommand(dir, {
        kustomize: await installed('kustomize'),
        kubectl: await installed('kubectl')
    });
    return run(command, `Rendering the kustomization '${dir}'`);
}
/** Renders the chart for the cluster's capabilities, awaited once helm is found: a missing helm is reported at once. */
async function renderHelmChart(release, capabilities) {
    const helm = await installed('helm');
    const command = helmTemplateCommand({ ...release, capabilities: helm ? await capabilities : undefined }, helm);
    return run(command, `Rendering helm-chart '${release.chart}'`);
}

// EXTERNAL MODULE: ./src/manifests/patch.ts
var patch = __webpack_require__(552);
// EXTERNAL MODULE: ./src/status/diagnose.ts
var diagnose = __webpack_require__(1280);
// EXTERNAL MODULE: ./src/status/readers.ts + 10 modules
var readers = __webpack_require__(7822);
;// CONCATENATED MODULE: ./src/plan/phases.ts
/**
 * The steps of a deploy around the main apply: Helm hooks as `helm install` / `helm upgrade` run them
 * (helm.sh/hook, hook-weight, hook-delete-policy), and our own `build-and-deploy/phase` for plain manifests and
 * kustomize. Pure: the deploy step runs the plan.
 */

const phaseAnnotation = 'build-and-deploy/phase';
const hookAnnotation = 'helm.sh/hook';
const weightAnnotation = 'helm.sh/hook-weight';
const deletePolicyAnnotation = 'helm.sh/hook-delete-policy';
const deletePolicies = ['before-hook-creation', 'hook-succeeded', 'hook-failed'];
/** A manifest's hook annotations that cannot be planned: reported with the rest before anything is applied. */
class PhaseError extends Error {
}
const list = (value) => (value ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
/** The phase of one object in this deploy, or why it is skipped, or undefined for the main apply. */
function phaseOf(item, install) {
    const annotations = item.object.metadata.annotations ?? {};
    const ours = annotations[phaseAnnotation];
    if (ours !== undefined) {
        if (ours === 'pre-deploy')
            return { phase: 'pre' };
        if (ours === 'post-deploy')
            return { phase: 'post' };
        throw new PhaseError(`${where(item)}: ${phaseAnnotation} is '${ours}'; expected pre-deploy or post-deploy`);
    }
    const hooks = list(annotations[hookAnnotation]);
    if (hooks.length === 0)
        return undefined;
    if (hooks.includes(install ? 'pre-install' : 'pre-upgrade'))
        return { phase: 'pre' };
    if (hooks.includes(install ? 'post-install' : 'post-upgrade'))
        return { phase: 'post' };
    const known = [
        'pre-install',
        'pre-upgrade',
        'post-install',
        'post-upgrade',
        'pre-delete',
        'post-delete',
        'pre-rollback',
        'post-rollback',
        'test',
        'test-success'
    ];
    const unknown = hooks.filter(h => !known.includes(h));
    if (unknown.length > 0)
        throw new PhaseError(`${where(item)}: ${hookAnnotation} names ${unknown.map(h => `'${h}'`).join(', ')}; Helm knows ${known.join(', ')}`);
    return { skip: `${hookAnnotation}: ${hooks.join(',')} does not run on ${install ? 'an install' : 'an upgrade'}` };
}
const where = (item) => `${(0,manifests_documents/* describeSource */.B6)(item)} (${item.object.kind} ${item.object.metadata.name})`;
/** The delete policies of a hook object: Helm's default is before-hook-creation. */
function hookPolicy(item) {
    const annotations = item.object.metadata.annotations ?? {};
    const given = list(annotations[deletePolicyAnnotation]);
    const bad = given.filter(p => !deletePolicies.includes(p));
    if (bad.length > 0)
        throw new PhaseError(`${where(item)}: ${deletePolicyAnnotation} names ${bad.map(p => `'${p}'`).join(', ')}; expected ${deletePolicies.join(', ')}`);
    const declaredAs = annotations[phaseAnnotation] !== undefined
        ? `${phaseAnnotation}: ${annotations[phaseAnnotation]}`
        : `${hookAnnotation}: ${annotations[hookAnnotation]}`;
    return { deletePolicies: given.length > 0 ? given : ['before-hook-creation'], declaredAs };
}
function weightOf(item) {
    const text = item.object.metadata.annotations?.[weightAnnotation];
    if (text === undefined || text.trim() === '')
        return 0;
    const weight = Number(text);
    if (!Number.isInteger(weight))
        throw new PhaseError(`${where(item)}: ${weightAnnotation} is '${text}'; expected an integer`);
    return weight;
}
/**
 * Splits the manifests into pre steps, the main apply and post steps. `install` is a release's first deploy to
 * its namespace (no object of the main apply exists yet), which picks pre-install over pre-upgrade. Steps run by
 * ascending weight, as Helm sorts hooks; within a weight, in the order written. Every problem is reported at once.
 */
function planPhases(objects, install) {
    const plan = { pre: [], main: [], post: [], skipped: [] };
    const problems = [];
    const steps = new Map();
    for (const item of objects) {
        try {
            const found = phaseOf(item, install);
            if (!found) {
                plan.main.push(item);
                continue;
            }
            if ('skip' in found) {
                plan.skipped.push({ object: item, why: found.skip });
                continue;
            }
            hookPolicy(item);
            const weight = weightOf(item);
            const key = `${found.phase}/${weight}`;
            const step = steps.get(key) ?? { phase: found.phase, weight, objects: [] };
            step.objects.push(item);
            steps.set(key, step);
        }
        catch (error) {
            if (!(error instanceof PhaseError))
                throw error;
            problems.push(error.message);
        }
    }
    if (problems.length > 0)
        throw new PhaseError(problems.join('\n'));
    const sorted = [...steps.values()].sort((a, b) => a.weight - b.weight);
    plan.pre = sorted.filter(s => s.phase === 'pre');
    plan.post = sorted.filter(s => s.phase === 'post');
    return plan;
}
/** Whether a hook object is deleted after its step: by its policies and the step's outcome. */
function deletedAfter(policy, succeeded) {
    return policy.deletePolicies.includes(succeeded ? 'hook-succeeded' : 'hook-failed');
}

;// CONCATENATED MODULE: ./src/deploy/hooks.ts
/**
 * Runs the hook steps of a phase plan: each weight in turn is applied, its Jobs waited on to completion, and its
 * objects deleted by their policies; a step that fails stops the deploy, and nothing after it is applied.
 */





const outcomeOf = (step, item, state) => ({
    phase: step.phase,
    weight: step.weight,
    kind: item.object.kind,
    namespace: item.object.metadata.namespace,
    name: item.object.metadata.name,
    declaredAs: hookPolicy(item).declaredAs,
    state,
    deleted: false
});
/** Lists the steps as a dry run shows them, in the order they would run. */
function hooksInOrder(steps) {
    return steps.flatMap(step => step.objects.map(item => outcomeOf(step, item, 'dry run')));
}
async function runHookSteps(steps, context) {
    const outcomes = [];
    const notRunAfter = (index) => steps.slice(index + 1).flatMap(later => later.objects.map(item => outcomeOf(later, item, 'not run')));
    for (const [index, step] of steps.entries()) {
        const label = `${step.phase}-deploy hooks of weight ${step.weight}: ${step.objects.map(o => (0,manifests_documents/* describeObject */.v8)(o.object)).join(', ')}`;
        context.log(label);
        const started = Date.now();
        let ran;
        try {
            ran = await applyStep(step, context);
        }
        catch (error) {
            outcomes.push(...step.objects.map(item => outcomeOf(step, item, 'failed')), ...notRunAfter(index));
            return { outcomes, failure: { message: `${label}: ${error.message}` } };
        }
        const { applied, waits } = ran;
        const failed = waits.find(w => w.state !== 'succeeded');
        for (const item of step.objects) {
            const wait = waits.find(w => w.item.kind === item.object.kind && w.item.name === item.object.metadata.name);
            const succeeded = !wait || wait.state === 'succeeded';
            const outcome = {
                ...outcomeOf(step, item, wait ? (succeeded ? 'succeeded' : 'failed') : 'applied'),
                durationMs: wait?.durationMs ?? Date.now() - started
            };
            const live = applied.find(a => a.target.source === item)?.target.object;
            // A hook kept after failing is what a user reads its logs from, unless it asked to have it deleted.
            if (live && deletedAfter(hookPolicy(item), !failed)) {
                await deleteObject(context, live).catch(error => context.log(`could not delete ${(0,manifests_documents/* describeObject */.v8)(live)}: ${error.message}`));
                outcome.deleted = true;
            }
            outcomes.push(outcome);
        }
        if (failed) {
            outcomes.push(...notRunAfter(index));
            return {
                outcomes,
                failure: {
                    message: `${step.phase}-deploy hook ${failed.item.kind.toLowerCase()}/${failed.item.name} failed: ${failed.message}`,
                    wait: failed
                }
            };
        }
    }
    return { outcomes };
}
async function applyStep(step, context) {
    for (const item of step.objects)
        if (hookPolicy(item).deletePolicies.includes('before-hook-creation'))
            await deleteObject(context, item.object);
    const applied = await new Applier(context.kube, context.options).apply(step.objects);
    const jobs = applied.filter(a => a.target.object.kind === 'Job').map(waitItemFor);
    const waits = jobs.length > 0 ? await (0,status_wait/* waitForRollouts */.h)(context.kube, jobs, { timeoutMs: context.timeoutMs, log: context.log }) : [];
    return { applied, waits };
}
/** Where an object of the manifests lives, or undefined for a kind the cluster does not serve (yet). */
async function liveRef(kube, given, options) {
    const info = await kube.resourceFor(given.apiVersion, given.kind);
    if (!info)
        return undefined;
    const object = structuredClone(given);
    (0,manifests_documents/* resolveNamespace */.uP)(object, info.namespaced, options.namespace, options.contextNamespace);
    return {
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name
    };
}
/** Deletes an object as Helm's before-hook-creation does, and waits until it is gone so the apply creates it anew. */
async function deleteObject(context, object) {
    // A kind the cluster does not serve yet (its CRD comes with this deploy) has nothing to delete.
    const ref = await liveRef(context.kube, object, context.options);
    if (ref)
        await deleteUntilGone(context.kube, ref, `${(0,manifests_documents/* describeObject */.v8)(object)} was deleted before its hook ran again`, context.options.signal);
}
/**
 * The phase plan of these manifests. Helm hooks pick install or upgrade: an install is a release's first deploy,
 * when no object of the main apply exists yet (one read per object, made only when a Helm hook is present).
 */
async function planDeployPhases(kube, objects, options) {
    const plan = (install) => {
        try {
            return planPhases(objects, install);
        }
        catch (error) {
            if (error instanceof PhaseError)
                throw new ApplyValidationError(error.message.split('\n'));
            throw error;
        }
    };
    // The main objects are the same either way; only Helm hooks tell install from upgrade.
    const upgrade = plan(false);
    const hasHelmHooks = objects.some(o => o.object.metadata.annotations?.['helm.sh/hook'] !== undefined);
    return hasHelmHooks && !(await anyExists(kube, upgrade.main, options)) ? plan(true) : upgrade;
}
async function anyExists(kube, objects, options) {
    const found = await mapLimited(objects, 16, async ({ object }) => {
        const ref = await liveRef(kube, object, options).catch(() => undefined);
        return !!ref && !!(await kube.get(ref, { signal: options.signal }));
    });
    return found.some(Boolean);
}
/** A failed hook step, with the outcomes so far, for the report. */
class HookFailure extends Error {
    hooks;
    constructor(message, hooks) {
        super(message);
        this.hooks = hooks;
        this.name = 'HookFailure';
    }
}

// EXTERNAL MODULE: ./src/run/lock.ts
var lock = __webpack_require__(8642);
// EXTERNAL MODULE: ./src/releases/record-step.ts + 1 modules
var record_step = __webpack_require__(506);
;// CONCATENATED MODULE: ./src/deploy/deploy-step.ts




























/**
 * The target cluster's version and API versions for the chart, from the early connection when there is one. A
 * cluster that cannot be asked fails the render rather than falling back to helm's guess: the chart's kubeVersion
 * check and its .Capabilities branches would then describe some other cluster.
 */
async function chartCapabilities(settings, connected) {
    const { chart } = settings.helm;
    let kube = connected;
    try {
        kube ??= (0,connect/* connect */.N)(settings.kube, { stallLimitMs: settings.timeoutMs });
        const capabilities = await kube.serverCapabilities();
        if (capabilities.failed.length > 0) {
            core/* warning */.$e(`helm-chart '${chart}': the API server could not list ${capabilities.failed.join(', ')} (an aggregated API whose service is down?), so .Capabilities.APIVersions lacks them, as it would for helm install.`);
        }
        return capabilities;
    }
    catch (error) {
        throw new Error(`helm-chart '${chart}' is rendered for the target cluster's Kubernetes version and API versions, and the cluster could not be asked for them: ${error.message}`, { cause: error });
    }
    finally {
        if (!connected)
            kube?.close();
    }
}
/** The manifests as text, one entry per file, rendered kustomization or rendered chart, labelled for errors. */
async function manifestTexts(settings, kube) {
    // Only a chart waits on the cluster; asked at once, so the round trips overlap reading the files.
    const capabilities = settings.helm ? chartCapabilities(settings, kube) : undefined;
    capabilities?.catch(() => undefined);
    const sources = settings.manifests.length > 0 ? await expandManifestPaths(settings.manifests) : [];
    const texts = await Promise.all(sources.map(async (source) => source.kind === 'file'
        ? { label: source.path, text: await readManifestFile(source.path) }
        : { label: `${source.path} (kustomize)`, text: await renderKustomization(source.path) }));
    if (settings.helm) {
        const { chart, release, values } = settings.helm;
        const text = await renderHelmChart({ chart, release, values, namespace: settings.namespace }, capabilities);
        texts.push({ label: `${chart} (helm template ${release})`, text });
    }
    return texts;
}
/**
 * Reads (rendering kustomizations and the chart), patches and checks every manifest; throws with all problems before
 * anything is applied. Only a chart contacts the cluster here (through `kube` when given), for its version.
 */
async function prepareManifests(settings, substitutions, origin, kube) {
    const texts = await manifestTexts(settings, kube);
    const files = texts.map(t => t.label);
    const size = texts.reduce((sum, t) => sum + Buffer.byteLength(t.text), 0);
    if (size > settings.maxManifestsBytes) {
        throw new Error(`The manifests (${files.join(', ')}) are ${(0,format_size/* formatSize */.X)(size)}, over max-manifests-size (${(0,format_size/* formatSize */.X)(settings.maxManifestsBytes)}); nothing was built or applied. Raise max-manifests-size if they really are this large.`);
    }
    const problems = [];
    const objects = [];
    const replacements = [];
    const matched = new Set();
    const patchedTexts = [];
    for (const { label: file, text } of texts) {
        let patched = text;
        let documents;
        try {
            const result = (0,patch/* patchImages */.Nv)(text, file, substitutions);
            patched = result.text;
            documents = result.documents;
            replacements.push(...result.replacements);
            result.matched.forEach(m => matched.add(m));
        }
        catch (error) {
            problems.push(error.message);
        }
        objects.push(...(0,manifests_documents/* readObjects */.$I)(patched, file, problems, documents));
        patchedTexts.push(`# Source: ${file}\n${(0,patch/* redactSecretValues */.GT)(patched).replace(/\n*$/, '\n')}`);
    }
    problems.push(...(0,apply_plan/* findDuplicates */.Ir)(objects));
    for (const substitution of substitutions) {
        if (!matched.has((0,image_ref/* canonicalRepository */.JA)(substitution.repository))) {
            problems.push(`no container in ${files.join(', ')} uses the image repository ${(0,image_ref/* repositoryOf */._M)(substitution.repository)}, so ${substitution.image} would be deployed nowhere; write image: ${(0,image_ref/* repositoryOf */._M)(substitution.repository)} (any tag) in the manifests`);
        }
    }
    if (problems.length > 0) {
        throw new Error(`The manifests have ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was applied:\n- ${problems.join('\n- ')}`);
    }
    if (objects.length === 0)
        throw new Error(`The manifests (${files.join(', ')}) contain no Kubernetes objects.`);
    for (const item of objects) {
        maskSecretValues(item.object);
        item.object = (0,annotate/* annotateWorkload */.cH)(item.object, origin);
    }
    const file = external_node_path_default().join(await manifestsDir(), 'manifests.yaml');
    // Redacted, yet the deploy's whole configuration: for the runner's user alone, also when a rerun finds it there.
    const handle = await (0,promises_.open)(file, 'w', 0o600);
    try {
        await handle.chmod(0o600);
        await handle.writeFile(patchedTexts.join('---\n'));
    }
    finally {
        await handle.close();
    }
    return { objects, replacements, file };
}
/** Where this run writes the manifests it applies (the manifests-file output): one directory per run. */
async function manifestsDir() {
    const dir = external_node_path_default().join(process.env.RUNNER_TEMP || external_node_os_default().tmpdir(), `build-and-deploy-${process.env.GITHUB_RUN_ID ?? process.pid}`);
    await (0,promises_.mkdir)(dir, { recursive: true });
    return dir;
}
/** Masks a Secret's values, so that even a server error quoting one cannot print it. */
function maskSecretValues(object) {
    if (object.kind !== 'Secret')
        return;
    for (const [field, encoded] of [
        ['data', true],
        ['stringData', false]
    ]) {
        for (const value of Object.values((object[field] ?? {}))) {
            if (typeof value !== 'string' || value === '')
                continue;
            const plain = encoded ? Buffer.from(value, 'base64').toString('utf8') : value;
            if (!(0,patch/* worthMasking */.LB)(plain))
                continue;
            core/* setSecret */.Pq(value);
            if (encoded)
                core/* setSecret */.Pq(plain);
        }
    }
}
const describeTarget = ({ object }) => `${object.kind.toLowerCase()}/${object.metadata.name}${object.metadata.namespace ? ` (${object.metadata.namespace})` : ''}`;
const describeApplied = (a) => describeTarget(a.target);
/**
 * Restores every workload this run changed to its revision from before the run, and waits for it up to `waitMs`
 * (the timeout; 0 after a cancel, whose grace period is too short to wait: the undo is then started, not completed).
 */
async function rollBack(kube, settings, applied, waitMs = settings.timeoutMs) {
    const started = Date.now();
    // Loaded only when a rollout failed: a successful run never needs the undo planning.
    const { canUndo, describeUndo, undoToBefore } = await __webpack_require__.e(/* import() */ 392).then(__webpack_require__.bind(__webpack_require__, 3392));
    const changed = applied.filter(a => (a.action === 'configured' || a.action === 'replaced') && a.before);
    const restored = await Promise.all(changed
        .filter(a => canUndo(a.target.object.kind))
        .map(a => {
        const o = a.target.object;
        return undoToBefore(kube, { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }, a.before, settings.fieldManager);
    }));
    for (const r of restored)
        core/* info */.pq(describeUndo(r));
    const created = applied.filter(a => a.action === 'created');
    if (settings.rollbackDeleteNew) {
        // Reverse apply order: workloads before the Namespaces that hold them.
        for (const item of [...created].reverse()) {
            const { apiVersion, kind, metadata } = item.target.object;
            await kube
                .delete({ apiVersion, kind, namespace: metadata.namespace, name: metadata.name }, { propagationPolicy: 'Background' })
                .catch(error => core/* warning */.$e(`Could not delete ${describeApplied(item)}: ${error.message}`));
            core/* info */.pq(`${describeApplied(item)}: deleted (created by this run)`);
        }
    }
    const rolled = restored
        .filter(r => r.plan.action === 'patch')
        .map(r => applied.find(a => a.target.object.kind === r.workload.kind &&
        a.target.object.metadata.name === r.workload.name &&
        a.target.object.metadata.namespace === r.workload.namespace));
    const waits = rolled.length === 0 || waitMs === 0
        ? []
        : await (0,status_wait/* waitForRollouts */.h)(kube, rolled.map(waitItemFor), { timeoutMs: waitMs, log: line => core/* info */.pq(line) });
    return {
        restored,
        created: created.map(describeApplied),
        deleted: settings.rollbackDeleteNew,
        notRestored: changed.filter(a => !canUndo(a.target.object.kind)).map(describeApplied),
        waits,
        durationMs: Date.now() - started,
        succeeded: waitMs > 0 && waits.every(w => w.state === 'succeeded')
    };
}
/**
 * A client for the target cluster, warming up (credentials, discovery) while the caller renders a chart (which
 * awaits the cluster's version), builds, or looks images up in the registry. Undefined when the kubeconfig cannot be
 * resolved: readManifests reports that in its turn.
 */
function connectEarly(settings) {
    let kube;
    try {
        kube = (0,connect/* connect */.N)(settings.kube, { stallLimitMs: settings.timeoutMs });
    }
    catch {
        return undefined;
    }
    kube.warmUp();
    return kube;
}
/** Adds the ApplySet's member label to every object (prune), or leaves them as they are. */
function withMembership(objects, applySet) {
    if (!applySet)
        return objects;
    const { items, problems } = (0,applyset_plan/* labelMembers */.qC)(objects, applySet.id, manifests_documents/* describeSource */.B6);
    if (problems.length > 0)
        throw new ApplyValidationError(problems);
    return items;
}
/** Deletes what the manifests dropped, then narrows the parent to this run's set. */
async function pruneSet(applySet, candidates, applied) {
    return core/* group */.Os(`Prune ${candidates.length} object${candidates.length === 1 ? '' : 's'} from ${applySet.describeParent()}`, async () => {
        const pruned = await applySet.prune(candidates);
        for (const p of pruned)
            core/* info */.pq(`${p.kind.toLowerCase()}/${p.name}${p.namespace ? ` (${p.namespace})` : ''} ${p.skipped ? `not pruned: ${p.skipped}` : 'pruned'}`);
        await applySet.narrow(applied.map(a => a.target));
        return pruned;
    });
}
const allSucceeded = (waits) => waits.every(w => w.state === 'succeeded');
/**
 * `cancel` (the runner's SIGINT/SIGTERM) stops a wait for the lock and the rollout wait, not a write under way: an
 * apply takes seconds, and stopping it midway would leave a half-applied set.
 */
async function deploy(settings, manifestObjects, connected, cancel, release = { images: [] }) {
    // A cancel during the build (a runner that signals this process alone) must not be followed by a deploy.
    if (cancel?.aborted)
        throw new Error('Cancelled before anything was applied.');
    (0,record_step/* checkRecordSize */.N5)(settings, manifestObjects, release);
    return (0,context/* withCluster */.B)(settings, async (context) => {
        const result = await deployTo(context, settings, manifestObjects, cancel);
        const failure = deployFailure(result);
        // A failed deploy left as it is (no rollback) is live too: recorded, so that previous is not taken for it.
        const verdict = !failure ? 'succeeded' : failure.result === 'rolled-back' ? 'rolled-back' : 'failed';
        const wrote = result.applied.some(a => a.action !== 'unchanged');
        if (result.target?.namespace && !result.cancelled && (verdict !== 'failed' || wrote))
            result.release = await (0,record_step/* recordRelease */.ty)(context.kube, settings, {
                namespace: result.target.namespace,
                objects: result.applied.map(a => a.target.object),
                changes: resourceReports(result.applied, result.waits, result.pruned).map(({ kind, namespace, name, action }) => ({ kind, namespace, name, action }))
            }, verdict, release);
        return result;
    }, connected);
}
/**
 * Held before anything a rollback, a colour or a prune depends on is read (issue 19): a run that waited for
 * another then reads what that run left, not what it found while the other was still deploying. A namespace
 * that does not exist yet gets it once the apply has created the namespace (deferred), and the objects are
 * dry-run again.
 */
async function lockFirst(context, settings, manifestObjects, cancel) {
    const lockIn = (0,lock/* lockNamespace */.vH)(manifestObjects.map(o => o.object), settings.namespace, context.kube.namespace);
    if (settings.dryRun)
        return { lockIn, lockDeferred: false };
    let lockDeferred = false;
    await context.holdLock(lockIn, cancel).catch(error => {
        if (!(0,lock/* isNamespaceMissing */.aW)(error))
            throw error;
        lockDeferred = true;
    });
    return { lockIn, lockDeferred };
}
async function deployTo(context, settings, manifestObjects, cancel) {
    const { kube, targetNamespace } = context;
    const { lockIn, lockDeferred } = await lockFirst(context, settings, manifestObjects, cancel);
    // The ApplySet code loads only for prune, as the strategies load only when chosen.
    const applySet = settings.prune
        ? await (await __webpack_require__.e(/* import() */ 451).then(__webpack_require__.bind(__webpack_require__, 3451))).ApplySet.open(kube, settings.prune, targetNamespace, settings.fieldManager)
        : undefined;
    const options = applyOptions(settings, kube);
    // Hooks and phases run around the main apply; everything else below sees the main objects only.
    const phases = await planDeployPhases(kube, manifestObjects, options);
    const objects = phases.main;
    for (const { object, why } of phases.skipped)
        core/* info */.pq(`${(0,manifests_documents/* describeObject */.v8)(object.object)} skipped: ${why}`);
    const { hooks, runPhase, postHooks } = deployHooks(kube, settings, options, phases);
    const waitItems = (applied) => applied.filter(a => (0,readers/* isWaitable */.mI)(a.target.object, settings)).map(waitItemFor);
    const deployed = new Set();
    const wait = (items) => (0,status_wait/* waitForRollouts */.h)(kube, items, {
        timeoutMs: settings.timeoutMs,
        log: line => core/* info */.pq(line),
        deployed,
        signal: cancel
    });
    // A canary promoted in the same step: the retained stable Deployments get the manifests' version.
    const rollStable = async () => {
        const stable = objects.filter(o => o.object.kind === 'Deployment' && strategy.retained.some(r => r.metadata.name === o.object.metadata.name));
        return allSucceeded(await wait(waitItems(await new Applier(kube, options).apply(withMembership(stable, applySet)))));
    };
    const strategy = await prepareStrategy(kube, settings, objects, targetNamespace, rollStable, options);
    let candidates = [];
    const applier = new Applier(kube, {
        ...options,
        validated: async (targets) => {
            if (applySet)
                candidates = await applySet.plan(targets, strategy?.retained);
        },
        beforeWrite: async (targets) => {
            if (cancel?.aborted)
                throw new Error('Cancelled before anything but Namespaces and CRDs was applied.');
            if (lockDeferred)
                await context.holdLock(lockIn, cancel);
            await applySet?.widen(targets);
            return lockDeferred && context.holdsLock;
        },
        allValidated: () => runPhase(phases.pre, 'Pre-deploy hooks')
    });
    const { applied, writeFailure } = await applyLogged(applier, withMembership(strategy?.objects ?? objects, applySet), settings.dryRun, () => candidates);
    for (const { target } of applied)
        deployed.add((0,diagnose/* deployedKey */.cq)(target.object.kind, target.object.metadata.namespace, target.object.metadata.name));
    return settle({
        kube,
        settings,
        lockIn,
        applied,
        writeFailure,
        candidates,
        strategy,
        applySet,
        hooks,
        postHooks,
        waitItems,
        wait,
        cancel
    });
}
/** After the apply: the dry run's answer, the undo of a half-written set, or the wait and what follows it. */
async function settle(run) {
    const { kube, settings, lockIn, applied, writeFailure, candidates, strategy, applySet, hooks, postHooks, cancel } = run;
    const { waitItems, wait } = run;
    // Every result names where the deploy went, and what was applied.
    const result = (rest) => ({
        target: { server: kube.server.origin, context: kube.context, namespace: lockIn },
        applied,
        ...rest
    });
    const undo = (rollBackWith) => undoDeploy(kube, strategy, rollBackWith);
    const rollBackApplied = (title, waitMs) => () => core/* group */.Os(title, () => rollBack(kube, settings, applied, waitMs));
    if (settings.dryRun)
        return result({
            waits: [],
            pruned: candidates.map(c => ({
                kind: c.object.kind,
                namespace: c.object.metadata.namespace,
                name: c.object.metadata.name
            })),
            traffic: strategy?.report(),
            hooks
        });
    if (writeFailure) {
        // As after a failed rollout: what this run wrote is undone, so the set is not left half old, half new.
        const unwritten = [
            ...writeFailure.failed.map(f => ({ target: f.target, fate: 'failed' })),
            ...writeFailure.notAttempted.map(target => ({ target, fate: 'not applied' }))
        ];
        return result({
            waits: [],
            pruned: [],
            ...(await undo(settings.rollbackOnFailure ? rollBackApplied('Roll back') : undefined)),
            hooks,
            writeFailure: { message: writeFailure.message, unwritten }
        });
    }
    const prune = async () => (applySet ? pruneSet(applySet, candidates, applied) : []);
    if (!settings.wait) {
        const hookFailure = await postHooks();
        return result({ waits: [], pruned: hookFailure ? [] : await prune(), hooks, hookFailure });
    }
    const items = waitItems(applied);
    const waits = cancel?.aborted
        ? []
        : await core/* group */.Os(`Wait for ${items.length} rollout${items.length === 1 ? '' : 's'}`, () => wait(items));
    if (cancel?.aborted) {
        // Left as it is unless asked: a run cancelled by a newer push is followed by that push's deploy anyway.
        if (!settings.rollbackOnCancel)
            return result({ waits, pruned: [], traffic: strategy?.report(), hooks, cancelled: true });
        return result({
            waits,
            pruned: [],
            ...(await undo(rollBackApplied('Roll back (cancelled)', 0))),
            hooks,
            cancelled: true
        });
    }
    if (allSucceeded(waits))
        return result({ waits, ...(await promoteAndPrune(run, prune)) });
    return result({
        waits,
        pruned: [],
        ...(await undo(settings.rollbackOnFailure ? rollBackApplied('Roll back') : undefined)),
        hooks
    });
}
/** Every rollout succeeded: the strategy moves traffic, post-deploy hooks run, and only then is the set pruned. */
async function promoteAndPrune(run, prune) {
    const { kube, strategy, postHooks, hooks } = run;
    const readyAt = Date.now();
    // Only a deploy that succeeded prunes: a failed one is rolled back to a set that still has every object.
    const failure = strategy
        ? await core/* group */.Os('Traffic', () => strategy.promote(kube, readyAt))
            .then(() => undefined, (error) => error.message)
        : undefined;
    if (failure && strategy.onFailure === 'discard')
        await strategy.discard(kube);
    const hookFailure = failure ? undefined : await postHooks();
    return {
        pruned: failure || hookFailure ? [] : await prune(),
        traffic: strategy?.report(),
        strategyFailure: failure,
        hooks,
        hookFailure
    };
}
function applyOptions(settings, kube) {
    return {
        fieldManager: settings.fieldManager,
        force: settings.forceConflicts,
        namespace: settings.namespace,
        contextNamespace: kube.namespace,
        createNamespace: settings.createNamespace,
        dryRun: settings.dryRun
    };
}
/** The deploy's hooks: listed in a dry run; otherwise run around the main apply, each phase's outcomes kept. */
function deployHooks(kube, settings, options, phases) {
    const hooks = settings.dryRun ? hooksInOrder([...phases.pre, ...phases.post]) : [];
    for (const h of settings.dryRun ? hooks : [])
        core/* info */.pq(`${h.phase}-deploy hook (weight ${h.weight}) ${h.kind.toLowerCase()}/${h.name} would run (${h.declaredAs})`);
    const runPhase = async (steps, title) => {
        if (steps.length === 0 || settings.dryRun)
            return;
        const run = await core/* group */.Os(title, () => runHookSteps(steps, { kube, options, timeoutMs: settings.timeoutMs, log: line => core/* info */.pq(line) }));
        hooks.push(...run.outcomes);
        if (run.failure)
            throw new HookFailure([run.failure.message, ...(run.failure.wait?.diagnosis ? (0,diagnosis_lines/* formatDiagnosis */.N)(run.failure.wait.diagnosis) : [])].join('\n'), hooks);
    };
    // Post hooks run once the deploy is live, before the prune; one that fails fails the step, and the
    // workloads, healthy, are not rolled back (as Helm leaves a release whose post hook failed).
    const postHooks = async () => runPhase(phases.post, 'Post-deploy hooks').then(() => undefined, (error) => {
        if (error instanceof HookFailure)
            return `${error.message}\nThe deploy's objects are applied and were not rolled back.`;
        throw error;
    });
    return { hooks, runPhase, postHooks };
}
/** The settings' strategy, planned on the main objects; a Job named as the gate is held back to run as the gate. */
async function prepareStrategy(kube, settings, objects, targetNamespace, rollStable, options) {
    const gate = settings.blueGreen?.verify ?? settings.canary?.verify;
    if (gate?.kind === 'job' && !objects.some(item => isGateJob(gate, item))) {
        throw new ApplyValidationError([
            `verify names job/${gate.name}, but the manifests have no Job ${gate.name}; add it, or name another gate`
        ]);
    }
    return (0,registry/* strategyNamed */.vL)(settings.strategy).prepare({
        kube,
        settings,
        objects: objects.filter(item => !isGateJob(gate, item)),
        targetNamespace,
        rollStable,
        gate: gateRunner(kube, settings, objects, options)
    });
}
/**
 * After a failed write, a failed rollout, or a cancel with rollback-on-cancel. Blue-green and canary never roll
 * back: the live version was not touched, so the new one is dropped. Otherwise `rollBackWith`, when given, restores
 * what this run changed.
 */
async function undoDeploy(kube, strategy, rollBackWith) {
    if (strategy?.onFailure === 'discard') {
        await strategy.discard(kube);
        return { traffic: strategy.report() };
    }
    return { rollback: await rollBackWith?.(), traffic: strategy?.report() };
}
/** Applies (or dry-runs) the objects and logs what became of each; a failed write ends the apply, not the step. */
async function applyLogged(applier, objects, dryRun, prunable) {
    let writeFailure;
    const applied = await core/* group */.Os(dryRun ? 'Server-side dry run' : 'Apply', async () => {
        const result = await applier.apply(objects).catch(error => {
            if (!(error instanceof ApplyWriteError))
                throw error;
            writeFailure = error;
            for (const f of error.failed)
                core/* info */.pq(`${describeTarget(f.target)} failed (the error below says why)`);
            for (const t of error.notAttempted)
                core/* info */.pq(`${describeTarget(t)} not applied: an earlier write failed`);
            return error.written;
        });
        for (const item of result) {
            const why = item.action === 'replaced'
                ? `: its pod template changed, and a Job's cannot be updated, so it ${dryRun ? 'would be' : 'was'} deleted and created anew`
                : '';
            core/* info */.pq(`${describeApplied(item)} ${item.action}${dryRun ? ' (dry run)' : ''}${why}`);
        }
        for (const c of dryRun ? prunable() : [])
            core/* info */.pq(`${(0,manifests_documents/* describeObject */.v8)(c.object)} would be pruned (dry run)`);
        const scaled = result.filter(a => a.scaleOwners);
        if (scaled.length > 0) {
            const owners = [...new Set(scaled.flatMap(a => a.scaleOwners))].join(', ');
            core/* info */.pq(`spec.replicas left out of ${scaled.map(describeApplied).join(', ')}: ${owners} own${scaled.length === 1 && !owners.includes(',') ? 's' : ''} the live scale through the scale subresource (an autoscaler), so it is kept as it is.`);
        }
        const takeover = (0,deploy_takeover/* takeoverSummary */.YN)(result, dryRun);
        if (takeover)
            core/* info */.pq(takeover);
        return result;
    });
    return { applied, writeFailure };
}
/**
 * Reads, patches and checks the manifests: everything that can fail before a build or an apply.
 * `built` are the images of this run (planned or found), on top of the images input's substitutions; `kube`, the
 * early connection, serves a chart's render.
 */
async function readManifests(settings, built, kube) {
    const substitutions = [...settings.images, ...built];
    const origin = {
        sha: settings.run.sha,
        runUrl: settings.run.runUrl,
        actor: settings.run.actor,
        images: built.map(b => b.image)
    };
    const manifests = { ...(await prepareManifests(settings, substitutions, origin, kube)), images: origin.images };
    for (const r of manifests.replacements)
        core/* info */.pq(`${r.file}: ${r.kind}/${r.name} container ${r.container}: ${r.from} → ${r.to}`);
    // A missing or broken kubeconfig is found now, not after a ten-minute build.
    (0,kubeconfig/* resolveKubeTarget */.$)(settings.kube);
    return manifests;
}
/** The workloads a rollback restored, as "kind/name to revision N". */
const restoredWorkloads = (rollback) => rollback.restored
    .filter(r => r.plan.action === 'patch')
    .map(r => `${r.workload.kind.toLowerCase()}/${r.workload.name} to revision ${r.plan.revision}`);
/** What a deploy put in the report, whether it succeeded or not. */
function deployReport(result) {
    const resources = resourceReports(result.applied, result.waits, result.pruned);
    for (const { target, fate } of result.writeFailure?.unwritten ?? []) {
        resources.push({
            kind: target.object.kind,
            namespace: target.object.metadata.namespace,
            name: target.object.metadata.name,
            action: fate
        });
    }
    return {
        hooks: result.hooks,
        target: result.target,
        applied: result.applied,
        waits: result.waits,
        resources,
        rollback: result.rollback,
        traffic: result.traffic,
        release: result.release && { name: result.release.name, number: result.release.number }
    };
}
/** Why a deploy failed, and how it ended (rolled back, cancelled); undefined when it succeeded. */
function deployFailure(result) {
    if (result.cancelled) {
        const unfinished = result.waits.filter(w => w.state !== 'succeeded').map(w => w.message);
        const undo = result.rollback
            ? `The workloads this run changed are being restored (rollback-on-cancel): ${restoredWorkloads(result.rollback).join(', ') || 'none had an earlier revision'}.`
            : 'What was applied stays as it is (rollback-on-cancel: false).';
        return {
            result: 'cancelled',
            message: [
                `Cancelled after the apply${unfinished.length > 0 ? `, with ${unfinished.length} rollout${unfinished.length === 1 ? '' : 's'} unfinished` : ''}.`,
                ...unfinished,
                undo
            ].join('\n')
        };
    }
    const failed = result.waits.filter(w => w.state !== 'succeeded');
    const kept = result.traffic ? (0,registry/* strategyNamed */.vL)(result.traffic.strategy).untouchedLine(result.traffic) : undefined;
    if (result.strategyFailure)
        return { message: [result.strategyFailure, kept].filter(Boolean).join('\n') };
    if (result.hookFailure)
        return { message: result.hookFailure };
    if (failed.length === 0 && !result.writeFailure)
        return undefined;
    const lines = result.writeFailure
        ? [result.writeFailure.message]
        : failed.flatMap(w => [w.message, ...(w.diagnosis ? (0,diagnosis_lines/* formatDiagnosis */.N)(w.diagnosis) : [])]);
    if (kept)
        lines.push(kept);
    const restored = result.rollback ? restoredWorkloads(result.rollback) : [];
    let rolledBack = false;
    if (result.rollback?.succeeded && restored.length > 0) {
        rolledBack = true;
        lines.push(`Rolled back: ${restored.join(', ')}.`);
    }
    else if (result.rollback?.succeeded) {
        lines.push('Nothing to roll back: no workload this run changed had an earlier revision.');
    }
    else if (result.rollback) {
        lines.push(`The rollback did not complete: ${result.rollback.waits
            .filter(w => w.state !== 'succeeded')
            .map(w => w.message)
            .join('; ')}`);
    }
    else if (result.writeFailure) {
        const written = result.applied.filter(a => a.action !== 'unchanged').map(describeApplied);
        lines.push(written.length > 0
            ? `Written before the failure and left as they are (rollback-on-failure: false): ${written.join(', ')}.`
            : 'Nothing was changed before the failure.');
    }
    return {
        message: result.writeFailure ? lines.join('\n') : `Rollout failed:\n${lines.join('\n')}`,
        ...(rolledBack ? { result: 'rolled-back' } : {})
    };
}
/** Applies prepared manifests and waits: what went into the report, and why it failed if it did. */
async function deployManifests(settings, manifests, kube, cancel) {
    try {
        const result = await deploy(settings, manifests.objects, kube, cancel, { images: manifests.images ?? [] });
        return { report: deployReport(result), failure: deployFailure(result) };
    }
    catch (error) {
        if (!(error instanceof HookFailure))
            throw error;
        return { report: { hooks: error.hooks }, failure: { message: `${error.message}\nNothing after it was applied.` } };
    }
}


/***/ }),

/***/ 762:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RC: () => (/* binding */ scaleOwners),
/* harmony export */   XH: () => (/* binding */ setsReplicas),
/* harmony export */   Ye: () => (/* binding */ withoutReplicas),
/* harmony export */   ev: () => (/* binding */ isReplicasConflict)
/* harmony export */ });
/** The kinds with a scale subresource whose replicas an autoscaler takes over. */
const scalableKinds = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);
/** Managers other than `fieldManager` that own spec.replicas through the scale subresource, by name. */
function scaleOwners(live, fieldManager) {
    if (!live || !scalableKinds.has(live.kind))
        return [];
    const entries = (live.metadata.managedFields ?? []);
    const owners = entries.filter(e => e.subresource === 'scale' && e.manager !== fieldManager && e.fieldsV1?.['f:spec']?.['f:replicas'] !== undefined);
    return [...new Set(owners.map(e => e.manager ?? '(unnamed manager)'))];
}
const setsReplicas = (object) => object.spec?.replicas !== undefined;
/** The object without spec.replicas, for an apply that must leave the scale to its owner. */
function withoutReplicas(object) {
    const copy = structuredClone(object);
    delete copy.spec.replicas;
    return copy;
}
/** A dry-run conflict that is about spec.replicas alone: the sign that something else owns the scale. */
function isReplicasConflict(kind, statusCode, causes) {
    return (scalableKinds.has(kind) &&
        statusCode === 409 &&
        causes.length > 0 &&
        causes.every(c => c.field === '.spec.replicas'));
}


/***/ }),

/***/ 3066:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HG: () => (/* binding */ planTakeover),
/* harmony export */   M5: () => (/* binding */ takeoverEntries),
/* harmony export */   R4: () => (/* binding */ isClientSideApplyConflict),
/* harmony export */   YN: () => (/* binding */ takeoverSummary)
/* harmony export */ });
/* unused harmony exports clientSideApplyManager, fieldsIntersection, fieldsDifference, fieldsUnion, fieldPaths */
/* harmony import */ var _manifests_documents_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1860);

const clientSideApplyManager = 'kubectl-client-side-apply';
// As structured-merge-diff reads FieldsV1 (fieldpath/serialize.go): a node with no children is a member, one with
// children is a member only when it has `.`. The root is never a member. Keys are compared as the server wrote them
// (it writes them canonically), never re-encoded.
function readNode(fields, root) {
    const children = new Map();
    for (const [key, value] of Object.entries(fields))
        if (key !== '.')
            children.set(key, readNode(value ?? {}, false));
    return { member: !root && (children.size === 0 || '.' in fields), children };
}
function writeNode(node) {
    const out = {};
    if (node.member && node.children.size > 0)
        out['.'] = {};
    for (const [key, child] of node.children)
        out[key] = writeNode(child);
    return out;
}
const isEmpty = (node) => !node.member && node.children.size === 0;
function combine(a, b, member, keys) {
    const children = new Map();
    const names = keys === 'either' ? new Set([...a.children.keys(), ...(b?.children.keys() ?? [])]) : a.children.keys();
    for (const key of names) {
        const left = a.children.get(key);
        const right = b?.children.get(key);
        if (keys === 'both' && !right)
            continue;
        const child = combine(left ?? right, left ? right : undefined, member, keys);
        if (!isEmpty(child))
            children.set(key, child);
    }
    return { member: member(a.member, b?.member ?? false), children };
}
const fieldSet = (fields) => readNode(fields ?? {}, true);
/** The fields in both sets. */
function fieldsIntersection(a, b) {
    return writeNode(combine(fieldSet(a), fieldSet(b), (x, y) => x && y, 'both'));
}
/** The fields of `a` that are not in `b`. */
function fieldsDifference(a, b) {
    return writeNode(combine(fieldSet(a), fieldSet(b), (x, y) => x && !y, 'a'));
}
/** The fields in either set. */
function fieldsUnion(a, b) {
    return writeNode(combine(fieldSet(a), fieldSet(b), (x, y) => x || y, 'either'));
}
/** Every member of the set as its path of keys joined by ` `, e.g. `f:spec f:template ... f:image`. */
function fieldPaths(fields) {
    const out = [];
    const walk = (node, prefix) => {
        if (node.member)
            out.push(prefix.join(' '));
        for (const [key, child] of node.children)
            walk(child, [...prefix, key]);
    };
    walk(fieldSet(fields), []);
    return out;
}
/**
 * Whether a failed server-side apply is a conflict with kubectl-client-side-apply alone, in `apiVersion`. The API
 * server gives one cause per field, `conflict with "<manager>" using <apiVersion>[ at <time>]` (the fieldmanager's
 * NewConflictError); a subresource or another manager anywhere in the list makes it an ordinary conflict.
 */
function isClientSideApplyConflict(statusCode, status, apiVersion) {
    const causes = status.details?.causes ?? [];
    const expected = `conflict with "${clientSideApplyManager}" using ${apiVersion}`;
    return (statusCode === 409 &&
        status.reason === 'Conflict' &&
        causes.length > 0 &&
        causes.every(c => c.reason === 'FieldManagerConflict' && (c.message === expected || c.message?.startsWith(`${expected} at `))));
}
const isClientSide = (e, apiVersion) => e.manager === clientSideApplyManager && e.operation === 'Update' && e.apiVersion === apiVersion && !e.subresource;
const isApplyOf = (e, manager) => e.manager === manager && e.operation === 'Apply' && !e.subresource;
/**
 * Plans the takeover for an object whose apply conflicted with kubectl-client-side-apply alone: `live` is the object,
 * `forced` the result of a forced dry run of the same apply, whose Apply entry of `fieldManager` is exactly the field
 * set the manifest sets (the server computes it). Undefined when there is nothing to move, so the conflict stays an
 * error: no client-side entry in the manifest's apiVersion, no overlap, or an own Apply entry in another apiVersion
 * (its fields are in another version's schema).
 */
function planTakeover(live, forced, fieldManager) {
    const managedFields = (live.metadata.managedFields ?? []);
    const resourceVersion = live.metadata.resourceVersion;
    const apiVersion = live.apiVersion;
    const clientSide = managedFields.find(e => isClientSide(e, apiVersion));
    const ours = (forced.metadata.managedFields ?? []).find(e => isApplyOf(e, fieldManager));
    const own = managedFields.find(e => isApplyOf(e, fieldManager));
    if (!clientSide || !ours || !resourceVersion || (own && own.apiVersion !== apiVersion))
        return undefined;
    const fields = fieldsIntersection(clientSide.fieldsV1, ours.fieldsV1);
    const count = fieldPaths(fields).length;
    if (count === 0)
        return undefined;
    return {
        from: clientSideApplyManager,
        to: fieldManager,
        object: (0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .describeObject */ .v8)(live),
        apiVersion,
        fields,
        count,
        resourceVersion,
        managedFields
    };
}
/**
 * The managedFields after the takeover, from `entries`: the planned object's, or a newer one's when a status update
 * moved its resourceVersion. The plan's fields leave the client-side entry (dropped when empty) and join the Apply
 * entry of the action's field manager (created when missing). Throws when either of those two entries differs from
 * the planned ones: someone wrote the object in between, and the plan no longer says what to move.
 */
function takeoverEntries(entries, plan) {
    const pick = (list) => ({
        clientSide: list.find(e => isClientSide(e, plan.apiVersion)),
        own: list.find(e => isApplyOf(e, plan.to))
    });
    const now = pick(entries);
    const then = pick(plan.managedFields);
    if (!now.clientSide ||
        !(0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .sameValue */ .eE)(now.clientSide.fieldsV1, then.clientSide?.fieldsV1) ||
        !(0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .sameValue */ .eE)(now.own?.fieldsV1, then.own?.fieldsV1)) {
        throw new Error(`${plan.object} changed since validation: the fields of ${plan.from} or ${plan.to} are no longer those the dry run saw, so they were not taken over. Run the deploy again.`);
    }
    const out = [];
    for (const entry of entries) {
        if (entry === now.clientSide) {
            const left = fieldsDifference(entry.fieldsV1, plan.fields);
            if (fieldPaths(left).length > 0)
                out.push({ ...entry, fieldsV1: left });
        }
        else if (entry === now.own) {
            out.push({ ...entry, fieldsV1: fieldsUnion(entry.fieldsV1, plan.fields) });
        }
        else {
            out.push(entry);
        }
    }
    if (!now.own)
        out.push({
            manager: plan.to,
            operation: 'Apply',
            apiVersion: plan.apiVersion,
            fieldsType: 'FieldsV1',
            fieldsV1: plan.fields
        });
    return out;
}
/** The run's one line about takeovers, or undefined when there was none. */
function takeoverSummary(applied, dryRun) {
    const taken = applied.filter(a => a.takeover);
    if (taken.length === 0)
        return undefined;
    const fields = taken.reduce((sum, a) => sum + a.takeover.count, 0);
    const objects = taken.map(a => {
        const o = a.target.object;
        return `${o.kind.toLowerCase()}/${o.metadata.name}${o.metadata.namespace ? ` (${o.metadata.namespace})` : ''}`;
    });
    const counted = `${fields} field${fields === 1 ? '' : 's'} of ${taken.length} object${taken.length === 1 ? '' : 's'}`;
    return `${dryRun ? 'Would take' : 'Took'} over ${counted} from ${clientSideApplyManager}, as kubectl apply --server-side does: ${objects.join(', ')}`;
}


/***/ }),

/***/ 447:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E: () => (/* binding */ parseDuration),
/* harmony export */   a: () => (/* binding */ formatDuration)
/* harmony export */ });
const unitMs = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    μs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000
};
/**
 * Parses a Go duration (time.ParseDuration syntax: "90s", "5m", "1h30m", "1.5h") into milliseconds,
 * so `timeout` reads the same as in kubectl and Helm.
 */
function parseDuration(text, inputName) {
    const trimmed = text.trim();
    const fail = () => {
        throw new Error(`Invalid ${inputName} '${text}'. Expected a Go duration such as 90s, 5m or 1h30m.`);
    };
    if (trimmed === '0')
        return 0;
    if (trimmed === '' || trimmed.startsWith('-'))
        fail();
    const body = trimmed.startsWith('+') ? trimmed.slice(1) : trimmed;
    const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
    let total = 0;
    let offset = 0;
    while (offset < body.length) {
        part.lastIndex = offset;
        const match = part.exec(body);
        if (!match)
            fail();
        total += Number(match[1]) * unitMs[match[2]];
        offset = part.lastIndex;
    }
    if (offset === 0)
        fail();
    return Math.round(total);
}
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    const seconds = ms / 1000;
    if (seconds < 60)
        return `${seconds.toFixed(1)}s`;
    const minutes = Math.floor(seconds / 60);
    return `${minutes}m${Math.round(seconds - minutes * 60)}s`;
}


/***/ }),

/***/ 1990:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OF: () => (/* binding */ fenced),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   mG: () => (/* binding */ inline),
/* harmony export */   qy: () => (/* binding */ html)
/* harmony export */ });
// Values the job summary quotes (names, images, messages, log lines) come from manifests, inputs and the
// cluster: each is written through one of these, so none can open a heading, a link, an image or raw HTML,
// close a code block or break a table (issue 19).
/**
 * A value as literal inline Markdown, in a table cell or running text: one line; `&`, `<` and `>` as entities
 * (no HTML, no autolink); backslash before the characters that start code, emphasis, links, strikethrough or a
 * cell (the characters GitHub gives meaning to where a value can stand).
 */
function inline(value) {
    return String(value ?? '')
        .replace(/[\r\n]+/g, ' ')
        .replace(/[&<>]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])
        .replace(/[\\`*_[\]|~]/g, '\\$&');
}
/**
 * A value as code: a backtick span for the plain values a summary mostly shows (image references, tags,
 * digests); anything a span cannot hold for certain (a backtick, a pipe or backslash a table would split on,
 * markup characters) in `<code>` with the value escaped as inline text.
 */
function code(value) {
    if (value === '')
        return '';
    return /^[^`|\\<>&\r\n]+$/.test(value) ? `\`${value}\`` : `<code>${inline(value)}</code>`;
}
/** Lines as a fenced code block, whose fence no line can close: longer than every backtick run in them. */
function fenced(info, lines) {
    const fence = '`'.repeat(Math.max(3, longestRun(lines.join('\n')) + 1));
    return [`${fence}${info}`, ...lines.flatMap(line => line.split(/\r\n|\r|\n/)), fence];
}
/**
 * A value inside raw HTML (a `<summary>`): one line, as a blank line would end the HTML block; `&<>"'` as
 * entities, and Markdown's characters too, so that a renderer reading the line as Markdown shows them as well.
 */
function html(value) {
    const named = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
    return value.replace(/[\r\n]+/g, ' ').replace(/[&<>"'`*_[\]|~\\]/g, c => named[c] ?? `&#${c.charCodeAt(0)};`);
}
const longestRun = (text) => Math.max(0, ...(text.match(/`+/g) ?? []).map(run => run.length));


/***/ }),

/***/ 4826:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D: () => (/* binding */ parseSize),
/* harmony export */   X: () => (/* binding */ formatSize)
/* harmony export */ });
const unitBytes = { '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
/** Parses a byte size written as a Kubernetes quantity ("16Mi", "500k", "2G", "1048576"), as limits are in manifests. */
function parseSize(text, inputName) {
    const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(text.trim());
    const bytes = match ? Math.round(Number(match[1]) * unitBytes[match[2] ?? '']) : NaN;
    if (!match || !(bytes > 0))
        throw new Error(`Invalid ${inputName} '${text}'. Expected a size such as 16Mi, 500Ki or 2G.`);
    return bytes;
}
function formatSize(bytes) {
    if (bytes >= 1024 ** 2)
        return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
    if (bytes >= 1024)
        return `${(bytes / 1024).toFixed(1)} KiB`;
    return `${bytes} B`;
}


/***/ }),

/***/ 8943:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   P: () => (/* binding */ callDeadline),
/* harmony export */   a: () => (/* binding */ gitHubApi)
/* harmony export */ });
/* harmony import */ var _lazy_http_client_lazy_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3469);
/* harmony import */ var _lazy_undici_lazy_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(947);


/** The GitHub API for this run's repository, or why there is none here (act, no token, no repository). */
async function gitHubApi(token, env) {
    if (env.ACT)
        return { unavailable: 'running under act, which has no GitHub API' };
    if (!token)
        return { unavailable: 'no github-token' };
    if (!env.GITHUB_REPOSITORY)
        return { unavailable: 'GITHUB_REPOSITORY is not set' };
    const [owner, repo] = env.GITHUB_REPOSITORY.split('/');
    // Loaded only here: Octokit is most of @actions/github and most runs never need it; it fetches through undici and
    // sets up its proxy with @actions/http-client.
    await Promise.all([(0,_lazy_undici_lazy_js__WEBPACK_IMPORTED_MODULE_0__/* .preloadUndici */ .mB)(), (0,_lazy_http_client_lazy_js__WEBPACK_IMPORTED_MODULE_1__/* .preloadHttpClient */ .H)()]);
    const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
    return { octokit: getOctokit(token), owner, repo };
}
/** One call's deadline: @octokit/request 10 honours an AbortSignal, not its timeout option. */
const callDeadline = (ms) => ({ signal: AbortSignal.timeout(ms) });


/***/ }),

/***/ 3390:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  N: () => (/* binding */ connect),
  L: () => (/* binding */ defaultNamespace)
});

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
;// CONCATENATED MODULE: ./src/kube/capabilities.ts
/** As client-go's discovery client asks: aggregated v2, then v2beta1 (Kubernetes 1.26-1.29), then the plain lists. */
const discoveryAccept = [
    'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    'application/json'
].join(',');
const isAggregated = (root) => Array.isArray(root.items);
/** The group versions whose resource lists must be fetched one by one: those of a root answered in the plain form. */
function groupVersionsToList(roots) {
    return roots.flatMap(root => {
        if (isAggregated(root))
            return [];
        if ('groups' in root)
            return (root.groups ?? []).flatMap(g => g.versions.map(v => v.groupVersion));
        return root.versions ?? [];
    });
}
const emptyKind = (gvk) => !gvk || (!gvk.group && !gvk.version && !gvk.kind);
// path.Join(groupVersion, kind) in helm: a kind-less entry is the group version itself.
const withKind = (groupVersion, kind) => kind ? `${groupVersion}/${kind}` : groupVersion;
/**
 * `.Capabilities` from GET /version, the /api and /apis roots, and the resource lists fetched for plain roots
 * (`failedLists`: group versions whose list could not be read). As client-go reads aggregated discovery, a stale
 * version is left out entirely and a resource without a response kind is skipped (its subresources are not).
 */
function capabilitiesFrom(version, roots, resourceLists, failedLists = []) {
    if (!version.gitVersion)
        throw new Error('GET /version answered without a gitVersion');
    const set = new Set();
    const failed = new Set(failedLists);
    for (const root of roots) {
        if (!isAggregated(root)) {
            for (const groupVersion of groupVersionsToList([root]))
                set.add(groupVersion);
            continue;
        }
        for (const group of root.items) {
            const name = group.metadata?.name ?? '';
            for (const v of group.versions ?? []) {
                const groupVersion = name ? `${name}/${v.version}` : v.version;
                if (v.freshness === 'Stale') {
                    failed.add(groupVersion);
                    continue;
                }
                set.add(groupVersion);
                for (const resource of v.resources ?? []) {
                    if (!emptyKind(resource.responseKind))
                        set.add(withKind(groupVersion, resource.responseKind.kind));
                    for (const sub of resource.subresources ?? [])
                        if (!emptyKind(sub.responseKind))
                            set.add(withKind(groupVersion, sub.responseKind.kind));
                }
            }
        }
    }
    for (const list of resourceLists)
        for (const resource of list.resources ?? [])
            set.add(withKind(list.groupVersion, resource.kind));
    return { kubeVersion: version.gitVersion, apiVersions: [...set].sort(), failed: [...failed].sort() };
}

// EXTERNAL MODULE: ./src/kube/errors.ts
var errors = __webpack_require__(3646);
;// CONCATENATED MODULE: ./src/kube/paths.ts
/**
 * The kinds the action itself reads and writes, with their resource name and scope, so that their paths need no
 * discovery round trip (as client-go's typed clients, which know their own resources). Any other kind is looked up
 * by discovery.
 */
const builtinKinds = [
    ['v1', 'Pod', 'pods', true],
    ['v1', 'Event', 'events', true],
    ['v1', 'Namespace', 'namespaces', false],
    ['v1', 'Service', 'services', true],
    ['v1', 'ConfigMap', 'configmaps', true],
    ['v1', 'Secret', 'secrets', true],
    ['v1', 'ServiceAccount', 'serviceaccounts', true],
    ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
    ['apps/v1', 'Deployment', 'deployments', true],
    ['apps/v1', 'ReplicaSet', 'replicasets', true],
    ['apps/v1', 'StatefulSet', 'statefulsets', true],
    ['apps/v1', 'DaemonSet', 'daemonsets', true],
    ['apps/v1', 'ControllerRevision', 'controllerrevisions', true],
    ['batch/v1', 'Job', 'jobs', true],
    ['batch/v1', 'CronJob', 'cronjobs', true],
    ['networking.k8s.io/v1', 'Ingress', 'ingresses', true],
    ['coordination.k8s.io/v1', 'Lease', 'leases', true],
    ['storage.k8s.io/v1', 'StorageClass', 'storageclasses', false],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false],
    ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false]
];
const builtins = new Map(builtinKinds.map(([apiVersion, kind, plural, namespaced]) => [
    `${apiVersion} ${kind}`,
    { plural, namespaced, groupVersion: apiVersion }
]));
/** The resource of a kind the action knows without asking the server; undefined for any other kind. */
function builtinResource(apiVersion, kind) {
    return builtins.get(`${apiVersion} ${kind}`);
}
/** The discovery path of a group version: /api/v1 for the core group, /apis/<group>/<version> for the others. */
function groupVersionPath(apiVersion) {
    return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}
/**
 * The REST path of a resource's collection (no name) or of one object and, optionally, its subresource. The
 * namespace counts only for a namespaced resource; without one, a namespaced collection is across all namespaces.
 */
function resourcePath(info, namespace, name, subresource) {
    const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const object = name === undefined ? '' : `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
    return `${groupVersionPath(info.groupVersion)}${ns}/${info.plural}${object}`;
}

// EXTERNAL MODULE: ./src/kube/retry.ts
var retry = __webpack_require__(4963);
;// CONCATENATED MODULE: ./src/kube/client.ts






// As client-go: 429 (API Priority and Fairness) and the gateway codes are retried; a 500 only when the server
// says when to retry (Retry-After), since server-side apply reports deterministic errors as 500 too.
const retriableCodes = new Set([429, 502, 503, 504]);
const isRetriable = (statusCode, retryAfter) => retriableCodes.has(statusCode) || (statusCode >= 500 && retryAfter !== undefined);
const retriableErrors = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const maxAttempts = 6;
const defaultTimeouts = {
    connectTimeoutMs: 10_000,
    responseTimeoutMs: 30_000,
    stallLimitMs: 5 * 60_000
};
/**
 * Once the stall limit is spent, a call still gets one short attempt (at most the response timeout): the lock
 * release after a failure must not be skipped for a blip, nor wait long on a dead server.
 */
const lastChanceMs = 5_000;
/**
 * Whether a request that timed out may be sent again. Reads are; so is a server-side apply PATCH, which is
 * declarative (applying the same configuration twice leaves the object as applying it once, and the field
 * manager's ownership is the same). A POST, PUT or DELETE that timed out may have taken effect: sending it again
 * could create twice or delete what the first one's effect replaced, so it is reported instead. A connect
 * timeout is always retried: nothing was sent.
 */
const repeatable = (method, contentType) => method === 'GET' || method === 'HEAD' || (method === 'PATCH' && contentType === 'application/apply-patch+yaml');
const sleep = (ms, signal) => new Promise((resolve, reject) => {
    if (signal?.aborted)
        return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
});
/**
 * The one place that talks to the Kubernetes API. Plain HTTP(S) with a keep-alive agent rather than
 * client-node's generated clients: the action sends raw objects (the generated models drop unknown fields,
 * kubernetes-client/javascript#2400, which would hide a misspelt field from strict validation) and watches
 * with its own 410 handling.
 */
class KubeClient {
    target;
    discovery = new Map();
    preferredVersions = new Map();
    capabilities;
    headers = {};
    credentials;
    agent;
    transport;
    server;
    /** The context's default namespace, when it sets one. */
    namespace;
    /** The kubeconfig context this client speaks for, for reports. */
    context;
    timeouts;
    /** Start of the first attempt that timed out since the server last answered; undefined while it answers. */
    stalledSince;
    closing = new AbortController();
    constructor(target, timeouts = {}) {
        this.target = target;
        this.timeouts = { ...defaultTimeouts, ...timeouts };
        this.server = target.server;
        this.namespace = target.namespace;
        this.context = target.contextName;
        const secure = target.server.protocol === 'https:';
        // One keep-alive pool for every call and watch: a TLS handshake per request would dominate the apply.
        this.agent = secure
            ? new (external_node_https_default()).Agent({ keepAlive: true, maxSockets: 64, ...target.tls })
            : new (external_node_http_default()).Agent({ keepAlive: true, maxSockets: 64 });
        this.transport = secure ? (external_node_https_default()) : (external_node_http_default());
    }
    /** Obtains credentials (runs exec plugins) once, before the first request; later calls share the first. */
    authenticate() {
        this.credentials ??= this.target.authenticate().then(headers => {
            this.headers = headers;
        });
        return this.credentials;
    }
    /**
     * Starts what every deploy needs first, credentials and the core group's discovery, without waiting for it:
     * an exec plugin (aws eks get-token, gke-gcloud-auth-plugin) and the round trips then overlap the build or the
     * registry lookups. Failures are left for the real calls to meet and report.
     */
    warmUp() {
        this.authenticate()
            .then(() => this.resourceFor('v1', 'Namespace'))
            .catch(() => undefined);
    }
    /** Ends every request and watch in flight (a lock renewal among them), and refuses new ones. */
    close() {
        this.closing.abort(new Error(`The connection to the Kubernetes API at ${this.server.origin} was closed.`));
        this.agent.destroy();
    }
    url(apiPath, query) {
        const url = new URL(this.server.pathname.replace(/\/$/, '') + apiPath, this.server);
        for (const [key, value] of Object.entries(query ?? {}))
            if (value !== undefined)
                url.searchParams.set(key, String(value));
        return url;
    }
    /**
     * How long the next attempt may wait on the server: the response timeout, capped by what is left of the stall
     * limit once the server has left a request unanswered (never less than a last short chance).
     */
    attemptBoundMs() {
        const { responseTimeoutMs } = this.timeouts;
        return Math.min(responseTimeoutMs, Math.max(this.stallLeftMs(), lastChanceMs));
    }
    /**
     * The caller's signal, also aborted when the client closes. One derived signal per call: a listener per request
     * on the shared one would trip Node's MaxListeners warning with a dozen requests in flight.
     */
    signalFor(signal) {
        return AbortSignal.any(signal ? [signal, this.closing.signal] : [this.closing.signal]);
    }
    stallLeftMs() {
        return this.stalledSince === undefined
            ? this.timeouts.stallLimitMs
            : this.stalledSince + this.timeouts.stallLimitMs - Date.now();
    }
    timedOut(error, started) {
        this.stalledSince ??= started;
        return error;
    }
    /** Sends one request; resolves with the response once its headers are in, within the connect and response bounds. */
    send(method, url, options, boundMs) {
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        const connectMs = Math.min(this.timeouts.connectTimeoutMs, boundMs);
        const secure = this.server.protocol === 'https:';
        return new Promise((resolve, reject) => {
            let timer;
            const arm = (phase, ms) => {
                clearTimeout(timer);
                timer = setTimeout(() => request.destroy(new errors/* KubeTimeoutError */.b(phase, this.server.origin, method, url.pathname, ms)), ms);
            };
            const request = this.transport.request(url, {
                agent: this.agent,
                method,
                signal: options.signal,
                headers: {
                    ...this.headers,
                    Accept: options.accept ?? 'application/json',
                    ...(body === undefined
                        ? {}
                        : {
                            'Content-Type': options.contentType ?? 'application/json',
                            'Content-Length': Buffer.byteLength(body)
                        })
                }
            }, response => {
                clearTimeout(timer);
                resolve(response);
            });
            // Armed at once, it also covers a wait for a free socket of the pool.
            arm('response', boundMs);
            request.once('socket', socket => {
                if (!socket.connecting)
                    return;
                arm('connect', connectMs);
                // A TLS server that accepts the TCP connection and never finishes the handshake is a connect timeout too.
                socket.once(secure ? 'secureConnect' : 'connect', () => arm('response', boundMs));
            });
            request.on('error', error => {
                clearTimeout(timer);
                reject(error);
            });
            request.on('close', () => clearTimeout(timer));
            request.end(body);
        });
    }
    /**
     * One API call, retried with backoff on 429, 5xx and dropped connections, and on a timeout when the call may be
     * repeated (see repeatable) and the server has not been stalled for longer than the stall limit.
     */
    async request(method, apiPath, callerOptions = {}) {
        const url = this.url(apiPath, callerOptions.query);
        const options = { ...callerOptions, signal: this.signalFor(callerOptions.signal) };
        const callStarted = Date.now();
        for (let attempt = 0;; attempt++) {
            const started = Date.now();
            const boundMs = this.attemptBoundMs();
            let response;
            let text;
            try {
                response = await this.send(method, url, options, boundMs);
                text = await readBody(response, boundMs, () => new errors/* KubeTimeoutError */.b('body', this.server.origin, method, url.pathname, boundMs));
            }
            catch (error) {
                if (options.signal.aborted) {
                    // The caller's own bound (AbortSignal.timeout) is a timeout too, and says which endpoint it cut.
                    const reason = options.signal.reason;
                    if (reason instanceof DOMException && reason.name === 'TimeoutError') {
                        throw new errors/* KubeTimeoutError */.b(response ? 'body' : 'response', this.server.origin, method, url.pathname, Date.now() - callStarted);
                    }
                    throw error;
                }
                if (error instanceof errors/* KubeTimeoutError */.b) {
                    this.timedOut(error, started);
                    const delay = (0,retry/* retryDelayMs */.q)(attempt);
                    if ((error.phase === 'connect' || repeatable(method, options.contentType)) &&
                        attempt + 1 < maxAttempts &&
                        this.stallLeftMs() > delay) {
                        await sleep(delay, options.signal);
                        continue;
                    }
                    throw error.withNote(attempt, repeatable(method, options.contentType), Date.now() - callStarted);
                }
                const code = error.code ?? '';
                // A connection dropped after the headers may have carried out the request: not sent again.
                if (!response && retriableErrors.has(code) && attempt + 1 < maxAttempts) {
                    await sleep((0,retry/* retryDelayMs */.q)(attempt), options.signal);
                    continue;
                }
                throw new Error(`Cannot reach the Kubernetes API at ${this.server.origin} (${method} ${url.pathname}): ${tlsAdvice(code) ?? error.message}`, { cause: error });
            }
            this.stalledSince = undefined;
            const statusCode = response.statusCode ?? 0;
            if (statusCode >= 200 && statusCode < 300) {
                options.onSuccess?.(statusCode);
                return (options.text ? text : text ? JSON.parse(text) : {});
            }
            if (isRetriable(statusCode, response.headers['retry-after']) && attempt + 1 < maxAttempts) {
                await sleep((0,retry/* retryDelayMs */.q)(attempt, Number(response.headers['retry-after'])), options.signal);
                continue;
            }
            let status;
            try {
                status = JSON.parse(text);
            }
            catch {
                status = { code: statusCode, message: `${method} ${url.pathname}: HTTP ${statusCode} ${text.slice(0, 200)}` };
            }
            if (statusCode === 401) {
                status.message = `The Kubernetes API at ${this.server.origin} rejected the credentials (HTTP 401 Unauthorized): check the kubeconfig's user (an expired token, a certificate of another cluster?).`;
            }
            throw new errors/* KubeApiError */.W(statusCode, status, method, url.pathname);
        }
    }
    /**
     * The REST path of an object or collection: a kind the action itself uses from the built-in table (no round trip,
     * as the hand-written paths before), any other from discovery. A kind the server does not serve is answered as
     * the server answers a path it does not know, 404.
     */
    async pathOf(ref, subresource, method = 'GET') {
        const info = builtinResource(ref.apiVersion, ref.kind) ?? (await this.resourceFor(ref.apiVersion, ref.kind));
        if (!info) {
            const message = `the server does not serve kind ${ref.kind} in ${ref.apiVersion}`;
            throw new errors/* KubeApiError */.W(404, { code: 404, reason: 'NotFound', message }, method, groupVersionPath(ref.apiVersion));
        }
        return resourcePath({ ...info, groupVersion: ref.apiVersion }, ref.namespace, ref.name, subresource);
    }
    async getPath(apiPath, signal) {
        try {
            return await this.request('GET', apiPath, { signal });
        }
        catch (error) {
            if (error instanceof errors/* KubeApiError */.W && error.statusCode === 404)
                return undefined;
            throw error;
        }
    }
    async get(ref, options = {}) {
        try {
            return await this.getPath(await this.pathOf(ref), options.signal);
        }
        catch (error) {
            // pathOf's answer for a kind the server does not serve.
            if (error instanceof errors/* KubeApiError */.W && error.statusCode === 404)
                return undefined;
            throw error;
        }
    }
    async list(ref, query = {}, options = {}) {
        return this.request('GET', await this.pathOf(ref), { query: { ...query }, signal: options.signal });
    }
    async apply(object, options) {
        return this.request('PATCH', await this.pathOf(objectRef(object), undefined, 'PATCH'), {
            query: { ...writeQuery(options), force: options.force || undefined },
            // application/apply-patch+yaml accepts JSON, which is YAML.
            contentType: 'application/apply-patch+yaml',
            body: object,
            signal: options.signal,
            onSuccess: options.onStatus
        });
    }
    async create(object, options = {}) {
        const collection = { apiVersion: object.apiVersion, kind: object.kind, namespace: object.metadata?.namespace };
        return this.request('POST', await this.pathOf(collection, undefined, 'POST'), {
            query: writeQuery(options),
            body: object,
            signal: options.signal,
            onSuccess: options.onStatus
        });
    }
    async replace(object, options = {}) {
        return this.request('PUT', await this.pathOf(objectRef(object), undefined, 'PUT'), {
            query: writeQuery(options),
            body: object,
            signal: options.signal,
            onSuccess: options.onStatus
        });
    }
    async patch(ref, patch, options = {}) {
        return this.request('PATCH', await this.pathOf(ref, options.subresource, 'PATCH'), {
            query: writeQuery(options),
            contentType: patchContentType[patch.type],
            body: patch.body,
            signal: options.signal,
            onSuccess: options.onStatus
        });
    }
    async delete(ref, options = {}) {
        const { propagationPolicy, preconditions, dryRun } = options;
        // The propagation policy and dry run in the query, as kubectl sends them (a proxy that drops DELETE bodies
        // then cannot turn a Background delete into an orphaning one); preconditions only fit in a DeleteOptions body.
        const body = preconditions ? { apiVersion: 'v1', kind: 'DeleteOptions', preconditions } : undefined;
        await this.request('DELETE', await this.pathOf(ref, undefined, 'DELETE'), {
            query: { propagationPolicy, dryRun: dryRun ? 'All' : undefined },
            body,
            signal: options.signal
        });
    }
    async podLog(ref, query, options = {}) {
        return this.request('GET', await this.pathOf(ref, 'log'), {
            query: { ...query },
            text: true,
            signal: options.signal
        });
    }
    /**
     * Streams watch events until the server closes the stream. Errors (including 410 Gone) surface as thrown
     * KubeApiErrors or ERROR events; the caller re-lists.
     */
    async *watch(ref, query, signal) {
        const url = this.url(await this.pathOf(ref), { ...query, watch: true, allowWatchBookmarks: true });
        const started = Date.now();
        const boundMs = this.attemptBoundMs();
        const watchSignal = this.signalFor(signal);
        let response;
        try {
            response = await this.send('GET', url, { signal: watchSignal }, boundMs);
        }
        catch (error) {
            if (error instanceof errors/* KubeTimeoutError */.b && !watchSignal.aborted)
                throw this.timedOut(error, started);
            throw error;
        }
        this.stalledSince = undefined;
        if (response.statusCode !== 200) {
            const text = await readBody(response, boundMs, () => new errors/* KubeTimeoutError */.b('body', this.server.origin, 'GET', url.pathname, boundMs));
            let status;
            try {
                status = JSON.parse(text);
            }
            catch {
                status = { code: response.statusCode, message: text.slice(0, 200) };
            }
            throw new errors/* KubeApiError */.W(response.statusCode ?? 0, status, 'WATCH', url.pathname);
        }
        // The server ends a watch after its timeoutSeconds (its --min-request-timeout, 1800 to 3600 s, when none is
        // given) and sends bookmarks meanwhile; one silent well past that is a dead connection, not a quiet cluster.
        const idleMs = (Number(query?.timeoutSeconds) || 3600) * 1000 + this.timeouts.responseTimeoutMs;
        let buffered = '';
        for await (const chunk of boundedChunks(response, idleMs, () => new errors/* KubeTimeoutError */.b('watch-idle', this.server.origin, 'GET', url.pathname, idleMs))) {
            buffered += chunk;
            let newline;
            while ((newline = buffered.indexOf('\n')) >= 0) {
                const line = buffered.slice(0, newline).trim();
                buffered = buffered.slice(newline + 1);
                if (line)
                    yield JSON.parse(line);
            }
        }
    }
    /** Resource name and scope of a kind, from API discovery (cached per group version), as kubectl's RESTMapper. */
    async resourceFor(apiVersion, kind, refresh = false) {
        if (refresh)
            this.discovery.delete(apiVersion);
        let resources = this.discovery.get(apiVersion);
        if (!resources) {
            resources = this.discover(apiVersion);
            this.discovery.set(apiVersion, resources);
            resources.catch(() => this.discovery.delete(apiVersion));
        }
        return (await resources).get(kind);
    }
    /** As resourceFor, for a kind known by group only (an ApplySet records group-kinds): its preferred version. */
    async resourceForGroupKind(group, kind) {
        if (group === '')
            return this.resourceFor('v1', kind);
        let version = this.preferredVersions.get(group);
        if (!version) {
            version = this.getPath(`/apis/${group}`).then(found => found?.preferredVersion?.groupVersion);
            this.preferredVersions.set(group, version);
        }
        const groupVersion = await version;
        return groupVersion ? this.resourceFor(groupVersion, kind) : undefined;
    }
    /**
     * The server's version and served API versions, as helm install gives them to a chart (see capabilities.ts);
     * asked once. With aggregated discovery (Kubernetes 1.26+) that is three requests; an older server's plain
     * lists need one more per group version.
     */
    serverCapabilities() {
        if (!this.capabilities) {
            this.capabilities = this.readCapabilities();
            this.capabilities.catch(() => (this.capabilities = undefined));
        }
        return this.capabilities;
    }
    async readCapabilities() {
        await this.authenticate();
        const [version, ...roots] = await Promise.all([
            this.request('GET', '/version'),
            this.request('GET', '/api', { accept: discoveryAccept }),
            this.request('GET', '/apis', { accept: discoveryAccept })
        ]);
        const lists = [];
        const failed = [];
        // As client-go's ServerGroupsAndResources: a group version that cannot be listed (an APIService whose backend
        // is down) is reported, not fatal.
        await Promise.all(groupVersionsToList(roots).map(groupVersion => this.request('GET', groupVersionPath(groupVersion)).then(list => lists.push({ ...list, groupVersion }), () => failed.push(groupVersion))));
        return capabilitiesFrom(version, roots, lists, failed);
    }
    async discover(apiVersion) {
        const list = await this.getPath(groupVersionPath(apiVersion));
        const map = new Map();
        for (const resource of list?.resources ?? []) {
            if (resource.name.includes('/'))
                continue;
            map.set(resource.kind, { plural: resource.name, namespaced: resource.namespaced, groupVersion: apiVersion });
        }
        return map;
    }
}
const patchContentType = {
    merge: 'application/merge-patch+json',
    json: 'application/json-patch+json',
    strategic: 'application/strategic-merge-patch+json'
};
const objectRef = (object) => ({
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name
});
const writeQuery = (options) => ({
    fieldManager: options.fieldManager,
    fieldValidation: options.strict ? 'Strict' : undefined,
    dryRun: options.dryRun ? 'All' : undefined
});
/** A response body's chunks; the response is destroyed with silent()'s error once nothing came for idleMs. */
async function* boundedChunks(response, idleMs, silent) {
    response.setEncoding('utf8');
    const timer = setTimeout(() => response.destroy(silent()), idleMs);
    try {
        for await (const chunk of response) {
            timer.refresh();
            yield chunk;
            // The consumer's time with the chunk is not the server's silence.
            timer.refresh();
        }
    }
    finally {
        clearTimeout(timer);
    }
}
async function readBody(response, idleMs, silent) {
    let text = '';
    for await (const chunk of boundedChunks(response, idleMs, silent))
        text += chunk;
    return text;
}
// Node's own text for these ends in advice about --use-system-ca, which is not what a kubeconfig user can act on.
const untrustedCertificate = new Set([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_SIGNATURE_FAILURE'
]);
/** What to check when the API server's certificate is refused, by the TLS error's code. */
function tlsAdvice(code) {
    if (untrustedCertificate.has(code)) {
        return `its TLS certificate is not signed by the kubeconfig's certificate authority (${code}): check that the cluster's certificate-authority-data (or certificate-authority) is this cluster's CA and that server names this cluster`;
    }
    if (code === 'CERT_HAS_EXPIRED')
        return `its TLS certificate has expired (${code}): the cluster's serving certificate needs renewing`;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
        return `its TLS certificate does not name this address (${code}): use the server address the certificate was issued for (or tls-server-name in the kubeconfig's cluster)`;
    return undefined;
}

// EXTERNAL MODULE: ./src/kube/kubeconfig.ts
var kubeconfig = __webpack_require__(5217);
;// CONCATENATED MODULE: ./src/kube/connect.ts


/**
 * The connection to the cluster the kube settings name (kubeconfig, context). Throws when the kubeconfig cannot be
 * resolved; nothing is sent until the first call.
 */
function connect(settings, timeouts = {}) {
    return new KubeClient((0,kubeconfig/* resolveKubeTarget */.$)(settings), timeouts);
}
/** Where an object that names no namespace goes: the namespace input, else the context's namespace, else default, as kubectl. */
function defaultNamespace(given, cluster) {
    return given ?? cluster.namespace ?? 'default';
}


/***/ }),

/***/ 3646:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ KubeApiError),
/* harmony export */   b: () => (/* binding */ KubeTimeoutError)
/* harmony export */ });
/** An error answer of the API server, with its Status body. */
class KubeApiError extends Error {
    statusCode;
    status;
    method;
    path;
    constructor(statusCode, status, method, path) {
        super(status.message || `${method} ${path}: HTTP ${statusCode}`);
        this.statusCode = statusCode;
        this.status = status;
        this.method = method;
        this.path = path;
        this.name = 'KubeApiError';
    }
}
/** A request the API server did not answer in time. The message names the endpoint, never a header. */
class KubeTimeoutError extends Error {
    phase;
    origin;
    method;
    path;
    afterMs;
    constructor(phase, origin, method, path, afterMs, note = '') {
        const seconds = formatSeconds(afterMs);
        const what = {
            connect: `did not accept a connection for ${method} ${path} within ${seconds}`,
            response: `did not answer ${method} ${path} within ${seconds}`,
            body: `stopped sending the response to ${method} ${path}: nothing for ${seconds}`,
            'watch-idle': `sent nothing on the watch ${path} for ${seconds}, well past its timeoutSeconds`
        }[phase];
        super(`The Kubernetes API at ${origin} ${what} (timed out)${note}.`);
        this.phase = phase;
        this.origin = origin;
        this.method = method;
        this.path = path;
        this.afterMs = afterMs;
        this.name = 'KubeTimeoutError';
    }
    /** The same timeout, saying how many attempts it took, or why the request was not sent again. */
    withNote(attempts, repeated, totalMs) {
        const note = attempts > 0
            ? `; ${attempts + 1} attempts in ${formatSeconds(totalMs)}`
            : repeated || this.phase === 'connect'
                ? ''
                : `; not sent again, since the ${this.method} may have taken effect`;
        return new KubeTimeoutError(this.phase, this.origin, this.method, this.path, this.afterMs, note);
    }
}
const formatSeconds = (ms) => `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`;


/***/ }),

/***/ 5217:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ resolveKubeTarget)
/* harmony export */ });
/* unused harmony export execPluginTimeoutMs */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _kubernetes_client_node_dist_config_types_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6617);
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8815);
/* harmony import */ var _process_child_env_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8561);



// The standalone parts of @kubernetes/client-node: kubeconfig entry validation and exec credential plugins.
// Its KubeConfig class would drag in every generated API model (20 MB of bundle, a quarter second of start-up).



const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';
function parseConfig(text, source, baseDir) {
    let raw;
    try {
        raw = ((0,yaml__WEBPACK_IMPORTED_MODULE_4__/* .parse */ .qg)(text) ?? {});
    }
    catch (error) {
        // The parser's message goes on to quote the lines around the fault, which in a kubeconfig hold tokens, keys
        // and passwords: keep only its first line (what and where), and no cause that would carry the rest.
        const [what] = error.message.split('\n');
        // eslint-disable-next-line preserve-caught-error -- the cause is the message this drops
        throw new Error(`${source} is not valid YAML: ${what.replace(/:\s*$/, '')}`);
    }
    if (typeof raw !== 'object' || Array.isArray(raw))
        throw new Error(`${source} is not a kubeconfig (expected a mapping with clusters, users and contexts).`);
    try {
        const config = {
            clusters: (0,_kubernetes_client_node_dist_config_types_js__WEBPACK_IMPORTED_MODULE_3__/* .newClusters */ .MA)(raw.clusters ?? []),
            users: (0,_kubernetes_client_node_dist_config_types_js__WEBPACK_IMPORTED_MODULE_3__/* .newUsers */ .bw)(raw.users ?? []),
            contexts: (0,_kubernetes_client_node_dist_config_types_js__WEBPACK_IMPORTED_MODULE_3__/* .newContexts */ .FE)(raw.contexts ?? []),
            currentContext: raw['current-context'] || undefined
        };
        // Paths in a kubeconfig file are relative to that file, as kubectl resolves them.
        if (baseDir) {
            const resolve = (p) => (p && !node_path__WEBPACK_IMPORTED_MODULE_2___default().isAbsolute(p) ? node_path__WEBPACK_IMPORTED_MODULE_2___default().join(baseDir, p) : p);
            for (const c of config.clusters)
                c.caFile = resolve(c.caFile);
            for (const u of config.users) {
                u.certFile = resolve(u.certFile);
                u.keyFile = resolve(u.keyFile);
            }
        }
        return config;
    }
    catch (error) {
        throw new Error(`${source} is not a valid kubeconfig: ${error.message}`, { cause: error });
    }
}
/** kubectl's merge: the first file that sets a name or the current context wins. */
function merge(configs) {
    const byName = (lists) => {
        const seen = new Map();
        for (const item of lists.flat())
            if (!seen.has(item.name))
                seen.set(item.name, item);
        return [...seen.values()];
    };
    return {
        clusters: byName(configs.map(c => c.clusters)),
        users: byName(configs.map(c => c.users)),
        contexts: byName(configs.map(c => c.contexts)),
        currentContext: configs.find(c => c.currentContext)?.currentContext
    };
}
function readConfig(settings, env) {
    if (settings.kubeconfig)
        return parseConfig(settings.kubeconfig, 'The kubeconfig input');
    const files = (env.KUBECONFIG ?? '').split((node_path__WEBPACK_IMPORTED_MODULE_2___default().delimiter)).filter(Boolean);
    if (files.length > 0) {
        const present = files.filter(file => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(file));
        if (present.length === 0)
            throw new Error(`KUBECONFIG names ${files.join(', ')}, which does not exist.`);
        return merge(present.map(file => parseConfig((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8'), `Kubeconfig ${file}`, node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(file))));
    }
    const home = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(env.HOME || node_os__WEBPACK_IMPORTED_MODULE_1___default().homedir(), '.kube', 'config');
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(home))
        return parseConfig((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(home, 'utf8'), `Kubeconfig ${home}`, node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(home));
    if (env.KUBERNETES_SERVICE_HOST && (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(serviceAccountDir, 'token')))
        return 'in-cluster';
    // client-node's loadFromDefault would fall back to http://localhost:8080 here; kubectl fails too.
    throw new Error('No Kubernetes configuration found: set the kubeconfig input, or KUBECONFIG, or provide ~/.kube/config (for example with azure/k8s-set-context or aws eks update-kubeconfig).');
}
const fileOrData = (data, file, what) => {
    if (data)
        return Buffer.from(data, 'base64');
    if (!file)
        return undefined;
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file);
    }
    catch (error) {
        throw new Error(`Cannot read the kubeconfig's ${what} ${file}: ${error.message}`, { cause: error });
    }
};
function inClusterTarget(env) {
    const host = env.KUBERNETES_SERVICE_HOST.includes(':')
        ? `[${env.KUBERNETES_SERVICE_HOST}]`
        : env.KUBERNETES_SERVICE_HOST;
    return {
        server: new URL(`https://${host}:${env.KUBERNETES_SERVICE_PORT ?? 443}`),
        tls: { ca: (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(serviceAccountDir, 'ca.crt')) },
        namespace: (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(serviceAccountDir, 'namespace'), 'utf8').trim(),
        contextName: 'in-cluster',
        // The projected token rotates; read it for each connection.
        authenticate: async () => ({
            Authorization: `Bearer ${(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(serviceAccountDir, 'token'), 'utf8').trim()}`
        })
    };
}
/**
 * How long an exec credential plugin may run. client-go sets no bound, but a plugin that waits on a prompt or a
 * stalled token endpoint would hold the run far past its timeout (issue 19); aws eks get-token and
 * gke-gcloud-auth-plugin take a second or two.
 */
const execPluginTimeoutMs = 30_000;
/** Resolves the context to use into a server, TLS material and an authenticator. */
function resolveKubeTarget(settings, env = process.env, pluginTimeoutMs = execPluginTimeoutMs) {
    const config = readConfig(settings, env);
    if (config === 'in-cluster')
        return inClusterTarget(env);
    const contextName = settings.context ?? config.currentContext;
    if (!contextName) {
        throw new Error(`The kubeconfig sets no current-context; set kube-context to one of: ${config.contexts.map(c => c.name).join(', ') || '(none defined)'}.`);
    }
    const context = config.contexts.find(c => c.name === contextName);
    if (!context) {
        throw new Error(`${settings.context ? 'kube-context' : 'current-context'} '${contextName}' is not in the kubeconfig. Contexts there: ${config.contexts.map(c => c.name).join(', ') || 'none'}.`);
    }
    const cluster = config.clusters.find(c => c.name === context.cluster);
    if (!cluster)
        throw new Error(`Context '${contextName}' names cluster '${context.cluster}', which the kubeconfig does not define.`);
    const user = config.users.find(u => u.name === context.user);
    let server;
    try {
        server = new URL(cluster.server);
    }
    catch (error) {
        throw new Error(`Cluster '${cluster.name}' has an invalid server address '${cluster.server}'.`, { cause: error });
    }
    const tls = {
        ca: fileOrData(cluster.caData, cluster.caFile, 'certificate-authority'),
        cert: fileOrData(user?.certData, user?.certFile, 'client-certificate'),
        key: fileOrData(user?.keyData, user?.keyFile, 'client-key'),
        servername: cluster.tlsServerName
    };
    if (cluster.skipTLSVerify)
        tls.rejectUnauthorized = false;
    return { server, tls, namespace: context.namespace, contextName, authenticate: authenticator(user, pluginTimeoutMs) };
}
/**
 * child_process.spawn for ExecAuth, killing the plugin after timeoutMs. The whole process group goes (a shell
 * script's children would otherwise keep the output pipes open, and ExecAuth waits for them to close).
 */
async function boundedSpawn(timeoutMs, onTimeout) {
    const { spawn } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 1421, 23));
    const group = process.platform !== 'win32';
    return (command, args, options) => {
        const child = spawn(command, args ?? [], { ...options, detached: group });
        const timer = setTimeout(() => {
            onTimeout();
            try {
                if (group && child.pid)
                    process.kill(-child.pid, 'SIGKILL');
                else
                    child.kill('SIGKILL');
            }
            catch {
                child.kill('SIGKILL');
            }
            child.stdout?.destroy();
            child.stderr?.destroy();
        }, timeoutMs);
        child.once('exit', () => clearTimeout(timer));
        child.once('error', () => clearTimeout(timer));
        return child;
    };
}
function authenticator(user, pluginTimeoutMs) {
    if (!user)
        return async () => ({});
    if (user.exec) {
        let timedOut = false;
        // Loaded on use: the plugin runner brings child_process, which a token or certificate never needs.
        const plugin = __webpack_require__.e(/* import() */ 497).then(__webpack_require__.bind(__webpack_require__, 3497)).then(async ({ ExecAuth }) => {
            const auth = new ExecAuth();
            auth.execFn = await boundedSpawn(pluginTimeoutMs, () => (timedOut = true));
            return auth;
        });
        return async () => {
            const options = { headers: {} };
            timedOut = false;
            try {
                // The plugin runner passes on this process's environment; the step's inputs hold its other credentials.
                await (await plugin).applyAuthentication({ ...user, exec: { ...user.exec, env: [...(0,_process_child_env_js__WEBPACK_IMPORTED_MODULE_5__/* .inputsBlanked */ .r)(), ...(user.exec.env ?? [])] } }, options);
            }
            catch (error) {
                if (timedOut) {
                    // eslint-disable-next-line preserve-caught-error -- the cause is the plugin's cut-off output
                    throw new Error(`The exec credential plugin of user '${user.name}' (${user.exec.command}) did not finish within ${pluginTimeoutMs / 1000} s and was stopped (timed out).`);
                }
                throw new Error(`The exec credential plugin of user '${user.name}' (${user.exec.command}) failed: ${error.message.trim()}`, { cause: error });
            }
            return options.headers;
        };
    }
    if (user.authProvider) {
        // kubectl dropped the in-tree auth providers in 1.26; their exec plugins replace them.
        throw new Error(`User '${user.name}' uses the auth-provider '${user.authProvider.name}', which kubectl no longer supports; use its exec credential plugin (kubelogin, gke-gcloud-auth-plugin).`);
    }
    const headers = {};
    if (user.token)
        headers.Authorization = `Bearer ${user.token}`;
    else if (user.username)
        headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
    if (user.impersonateUser)
        headers['Impersonate-User'] = user.impersonateUser;
    return async () => headers;
}


/***/ }),

/***/ 2792:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ writeManagedFields),
/* harmony export */   z: () => (/* binding */ releaseFields)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3646);

/**
 * Hands back the fields an Update by `manager` took (a rollback's patch, a scale): its managedFields entry is
 * removed, so the next server-side apply by the action's own field manager does not conflict on them.
 */
async function releaseFields(kube, object, manager) {
    // Controllers rewrite managedFields as they update status, so the entry's index can move under us: the test
    // op refuses a stale index (422) and the loop reads it again.
    for (let attempt = 0;; attempt++) {
        const live = await kube.get(object);
        const index = live?.metadata.managedFields?.findIndex(f => f.manager === manager && f.operation === 'Update') ?? -1;
        if (index < 0)
            return;
        try {
            await kube.patch(object, {
                type: 'json',
                body: [
                    { op: 'test', path: `/metadata/managedFields/${index}/manager`, value: manager },
                    { op: 'test', path: `/metadata/managedFields/${index}/operation`, value: 'Update' },
                    { op: 'remove', path: `/metadata/managedFields/${index}` }
                ]
            });
            return;
        }
        catch (error) {
            if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KubeApiError */ .W && (error.statusCode === 422 || error.statusCode === 409)) || attempt >= 9)
                throw error;
            await new Promise(resolve => setTimeout(resolve, 100 * (attempt + 1)));
        }
    }
}
/**
 * Writes an object's managedFields as `rewrite` makes them from the ones read, only while the object is still at the
 * resourceVersion they were read at (a JSON patch `test` op; the write is refused, 422, if it has moved on). Starts
 * from `read` (what the caller already has); when the object has moved on, it is read again and `rewrite` decides,
 * from the newer entries, whether the write still holds (it throws if not): a controller's status update moves the
 * resourceVersion without touching the entries that matter.
 */
async function writeManagedFields(kube, object, read, rewrite, signal) {
    let state = read;
    for (let attempt = 0;; attempt++) {
        try {
            await kube.patch(object, {
                type: 'json',
                body: [
                    { op: 'test', path: '/metadata/resourceVersion', value: state.resourceVersion },
                    { op: 'replace', path: '/metadata/managedFields', value: rewrite(state.managedFields ?? []) }
                ]
            }, { signal });
            return;
        }
        catch (error) {
            // A failed test op is a bare 422 ("the server rejected our request"): only a newer resourceVersion tells it apart
            // from managedFields the server refused.
            if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .KubeApiError */ .W && (error.statusCode === 422 || error.statusCode === 409)))
                throw error;
            const live = await kube.get(object, { signal });
            if (!live)
                throw new Error(`the object was deleted before its managedFields could be written.`, { cause: error });
            if (live.metadata.resourceVersion === state.resourceVersion)
                throw error;
            if (attempt >= 4)
                throw new Error(`the object changed during each of 5 attempts to write its managedFields; run the deploy again.`, { cause: error });
            state = live.metadata;
        }
    }
}


/***/ }),

/***/ 4963:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   q: () => (/* binding */ retryDelayMs)
/* harmony export */ });
/** Exponential backoff with full jitter, capped, honouring Retry-After from API Priority and Fairness. */
function retryDelayMs(attempt, retryAfterSeconds) {
    if (retryAfterSeconds && retryAfterSeconds > 0)
        return Math.min(retryAfterSeconds * 1000, 10_000);
    const cap = Math.min(200 * 2 ** attempt, 5_000);
    return cap / 2 + Math.random() * (cap / 2);
}


/***/ }),

/***/ 7872:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ getExecOutput)
/* harmony export */ });
/* unused harmony export exec */
const load = () => __webpack_require__.e(/* import() */ 955).then(__webpack_require__.bind(__webpack_require__, 1955));
async function exec(...args) {
    return (await load()).exec(...args);
}
async function getExecOutput(...args) {
    return (await load()).getExecOutput(...args);
}


/***/ }),

/***/ 3469:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ preloadHttpClient),
/* harmony export */   Q: () => (/* binding */ HttpClient)
/* harmony export */ });
let real;
async function preloadHttpClient() {
    real ??= await __webpack_require__.e(/* import() */ 942).then(__webpack_require__.bind(__webpack_require__, 4942));
}
class HttpClient {
    constructor(...args) {
        if (!real)
            throw new Error('@actions/http-client was used before preloadHttpClient(); load it first (see src/http-client-lazy.ts).');
        // A constructor may return another object: callers get the real HttpClient.
        return new real.HttpClient(...args);
    }
}


/***/ }),

/***/ 947:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   hd: () => (/* binding */ fetch),
/* harmony export */   kT: () => (/* binding */ ProxyAgent),
/* harmony export */   mB: () => (/* binding */ preloadUndici)
/* harmony export */ });
let real;
async function preloadUndici() {
    const loaded = (await __webpack_require__.e(/* import() */ 752).then(__webpack_require__.t.bind(__webpack_require__, 4371, 19)));
    real ??= loaded.default ?? loaded;
}
function undici() {
    if (!real)
        throw new Error('undici was used before preloadUndici(); load it first (see src/undici-lazy.ts).');
    return real;
}
class ProxyAgent {
    constructor(...args) {
        // A constructor may return another object: callers get the real ProxyAgent.
        return new (undici().ProxyAgent)(...args);
    }
}
function fetch(...args) {
    return undici().fetch(...args);
}


/***/ }),

/***/ 9406:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var lib_core = __webpack_require__(6058);
;// CONCATENATED MODULE: ./src/process/cancel.ts

/**
 * The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that. With handlers
 * installed Node no longer exits on those signals: the run stops waiting, and still writes its outputs, its summary
 * and releases the lock, well within that grace period.
 */
function cancelOnSignals() {
    const controller = new AbortController();
    const handler = (name) => {
        if (controller.signal.aborted)
            return;
        lib_core/* info */.pq(`Received ${name}: the run is cancelled; stopping the wait, then reporting and releasing the lock.`);
        controller.abort(new Error(`cancelled (${name})`));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return {
        signal: controller.signal,
        dispose: () => {
            process.off('SIGINT', handler);
            process.off('SIGTERM', handler);
        }
    };
}

// EXTERNAL MODULE: ./src/github/api.ts
var github_api = __webpack_require__(8943);
;// CONCATENATED MODULE: ./src/github/deployments.ts


/**
 * Records the run as a GitHub Deployment of the commit, with statuses in_progress → success | failure, when
 * `environment` is set. The GitHub API is optional: without a token, under act, or offline, it says so once
 * and the deploy goes on; the deploy's result never depends on it.
 */
class GitHubDeployment {
    update;
    id;
    constructor(update, id) {
        this.update = update;
        this.id = id;
    }
    static async start(settings, env = process.env) {
        if (!settings.environment)
            return undefined;
        const skip = (why) => {
            lib_core/* notice */.lm(`GitHub Deployment for environment '${settings.environment}' skipped: ${why}.`);
            return undefined;
        };
        try {
            const api = await (0,github_api/* gitHubApi */.a)(settings.githubToken, env);
            if ('unavailable' in api)
                return skip(api.unavailable);
            const { octokit, owner, repo } = api;
            const created = await octokit.rest.repos.createDeployment({
                owner,
                repo,
                ref: settings.run.sha,
                environment: settings.environment,
                auto_merge: false,
                required_contexts: [],
                description: `build-and-deploy ${settings.mode}`,
                request: (0,github_api/* callDeadline */.P)(10_000)
            });
            if (!('id' in created.data))
                return skip(`GitHub did not create it (${String(created.data.message)})`);
            const id = created.data.id;
            const update = async (state) => {
                await octokit.rest.repos.createDeploymentStatus({
                    owner,
                    repo,
                    deployment_id: id,
                    state,
                    environment_url: settings.environmentUrl,
                    log_url: settings.run.runUrl,
                    auto_inactive: state === 'success',
                    request: (0,github_api/* callDeadline */.P)(10_000)
                });
            };
            const deployment = new GitHubDeployment(update, id);
            await deployment.set('in_progress');
            lib_core/* info */.pq(`GitHub Deployment ${id} for ${settings.environment} is in progress.`);
            return deployment;
        }
        catch (error) {
            return skip(`the GitHub API failed (${error.message})`);
        }
    }
    async set(state) {
        await this.update(state).catch(error => lib_core/* warning */.$e(`Could not set GitHub Deployment ${this.id} to ${state}: ${error.message}`));
    }
}

;// CONCATENATED MODULE: ./src/settings/action-inputs.ts
// Generated from action.yml by scripts/action-inputs.mjs; do not edit (a unit test compares the two).
const actionInputs = [
    'mode',
    'sha',
    'image',
    'context',
    'dockerfile',
    'target',
    'build',
    'build-args',
    'build-secrets',
    'labels',
    'cache-from',
    'cache-to',
    'platforms',
    'provenance',
    'sbom',
    'push-by-digest',
    'images-from',
    'tag',
    'extra-tags',
    'latest',
    'push',
    'registry-username',
    'registry-password',
    'skip-existing',
    'pin-digest',
    'sign',
    'cosign-key',
    'cosign-password',
    'verify-signature',
    'verify-certificate-identity',
    'verify-certificate-oidc-issuer',
    'transparency-log',
    'manifests',
    'helm-chart',
    'helm-values',
    'helm-release',
    'images',
    'namespace',
    'create-namespace',
    'kubeconfig',
    'kube-context',
    'field-manager',
    'force-conflicts',
    'dry-run',
    'wait',
    'wait-for-jobs',
    'wait-for-load-balancers',
    'wait-for-custom-resources',
    'timeout',
    'max-manifests-size',
    'rollback-on-failure',
    'rollback-on-cancel',
    'rollback-delete-new',
    'rollback-to',
    'history-max',
    'lock',
    'lock-name',
    'lock-timeout',
    'strategy',
    'verify',
    'verify-timeout',
    'blue-green-keep',
    'canary-percent',
    'canary-auto-promote-after',
    'prune',
    'applyset',
    'prune-namespaces-and-crds',
    'environment',
    'environment-url',
    'github-token'
];

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/format/duration.ts
var duration = __webpack_require__(447);
;// CONCATENATED MODULE: ./src/settings/input-forms.ts
// The forms an input's text takes: lines, lists, booleans, KEY=VALUE lines, Kubernetes names.
function lines(text) {
    return text
        .split(/\r?\n/)
        .map(line => line.trim())
        .filter(line => line !== '' && !line.startsWith('#'));
}
function listInput(text) {
    return lines(text)
        .flatMap(line => line.split(',').map(part => part.trim()))
        .filter(Boolean);
}
function booleanInput(read, name, fallback) {
    const value = read(name).trim();
    if (value === '')
        return fallback;
    if (/^(true|yes|on)$/i.test(value))
        return true;
    if (/^(false|no|off)$/i.test(value))
        return false;
    throw new Error(`Invalid ${name} '${value}'. Expected true or false.`);
}
function keyValueLines(read, name, keyPattern, keyForm) {
    return lines(read(name)).map((line, i) => {
        const eq = line.indexOf('=');
        const key = eq > 0 ? line.slice(0, eq).trim() : '';
        // Quote the key at most, never the line: its value may be a secret.
        if (eq <= 0)
            throw new Error(`Invalid ${name} entry ${i + 1}: no '='. Expected one ${keyForm}=VALUE per line.`);
        if (!keyPattern.test(key))
            throw new Error(`Invalid ${name} entry ${i + 1}: '${key}' is not a valid ${keyForm}. Expected one ${keyForm}=VALUE per line.`);
        return [key, line.slice(eq + 1)];
    });
}
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

;// CONCATENATED MODULE: ./src/settings/kube-inputs.ts




/** Kubeconfig input: raw YAML, or the same base64-encoded (as stored in most secrets). */
function decodeKubeconfig(text) {
    const trimmed = text.trim();
    if (/^[A-Za-z0-9+/=\s]+$/.test(trimmed) && !trimmed.includes(':')) {
        const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
        if (/\b(clusters|apiVersion)"?\s*:/.test(decoded))
            return decoded;
    }
    if (!/\b(clusters|apiVersion)"?\s*:/.test(trimmed)) {
        throw new Error("Invalid kubeconfig input: it is neither kubeconfig YAML nor base64 of it (expected 'apiVersion', 'clusters', 'users' and 'contexts').");
    }
    return trimmed;
}
/** Every credential in a kubeconfig, so each can be masked on its own line of the log. */
function kubeconfigSecrets(text) {
    let config;
    try {
        config = (0,dist/* parse */.qg)(text);
    }
    catch {
        return [];
    }
    const secrets = [];
    for (const entry of config?.users ?? []) {
        for (const key of ['token', 'password', 'client-key-data', 'client-certificate-data']) {
            const value = entry.user?.[key];
            if (typeof value === 'string' && value.length > 0)
                secrets.push(value);
        }
        // An exec plugin's environment often carries keys (AWS_SECRET_ACCESS_KEY). Short values are flags, not
        // secrets, and masking "1" would blank every digit 1 in the log.
        const exec = entry.user?.exec;
        for (const variable of exec?.env ?? []) {
            if (typeof variable?.value === 'string' && variable.value.length >= 8)
                secrets.push(variable.value);
        }
    }
    return secrets;
}
function kube_inputs_kubeInput(read) {
    const text = read('kubeconfig');
    let kubeconfig;
    if (text.trim()) {
        lib_core/* setSecret */.Pq(text.trim());
        kubeconfig = decodeKubeconfig(text);
        for (const secret of kubeconfigSecrets(kubeconfig))
            lib_core/* setSecret */.Pq(secret);
    }
    return { kubeconfig, context: read('kube-context').trim() || undefined };
}
function kubeTargetInput(read) {
    const namespace = read('namespace').trim() || undefined;
    if (namespace && (!dnsLabel.test(namespace) || namespace.length > 63)) {
        throw new Error(`Invalid namespace '${namespace}'. Expected a DNS label: lowercase letters, digits and '-', at most 63 characters.`);
    }
    const kube = kube_inputs_kubeInput(read);
    return {
        kube,
        namespace,
        createNamespace: booleanInput(read, 'create-namespace', false),
        timeoutMs: (0,duration/* parseDuration */.E)(read('timeout').trim() || '5m', 'timeout')
    };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/settings/run-context.ts

/**
 * Reads the GITHUB_* variables that every runner (and act) sets. Reading them here rather than through
 * @actions/github keeps Octokit out of the start-up path; it is loaded only when the GitHub API is used.
 */
function readRunContext(env) {
    let defaultBranch;
    if (env.GITHUB_EVENT_PATH) {
        try {
            const payload = JSON.parse((0,external_node_fs_.readFileSync)(env.GITHUB_EVENT_PATH, 'utf8'));
            defaultBranch = payload.repository?.default_branch;
        }
        catch {
            // No event payload (a local run): `latest: auto` then tags nothing as latest.
        }
    }
    const ref = env.GITHUB_REF ?? '';
    const branch = env.GITHUB_HEAD_REF ||
        env.GITHUB_REF_NAME ||
        (ref.startsWith('refs/heads/')
            ? ref.slice('refs/heads/'.length)
            : ref.startsWith('refs/tags/')
                ? ref.slice('refs/tags/'.length)
                : undefined);
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const repositoryUrl = env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined;
    return {
        sha: env.GITHUB_SHA ?? '',
        branch: branch || undefined,
        defaultBranch,
        runNumber: env.GITHUB_RUN_NUMBER,
        runUrl: repositoryUrl && env.GITHUB_RUN_ID ? `${repositoryUrl}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
        repositoryUrl,
        actor: env.GITHUB_ACTOR,
        workflow: env.GITHUB_WORKFLOW
    };
}

// EXTERNAL MODULE: ./src/format/size.ts
var size = __webpack_require__(4826);
// EXTERNAL MODULE: ./src/build/image-ref.ts
var image_ref = __webpack_require__(9557);
// EXTERNAL MODULE: ./src/build/tags.ts
var tags = __webpack_require__(6587);
;// CONCATENATED MODULE: ./src/settings/build-inputs.ts




function repositoryInput(text, what) {
    let image;
    try {
        image = (0,image_ref/* parseImageRef */.Q)(text);
    }
    catch (error) {
        throw new Error(`Invalid ${what}: ${error.message}`, { cause: error });
    }
    if (image.tag || image.digest) {
        throw new Error(`Invalid ${what.replace(/ input$/, '')} '${text}': give the repository only (e.g. ${(0,image_ref/* repositoryOf */._M)(image)}); tags come from the tag input.`);
    }
    return image;
}
/** An image to build, named for the built-images output by its repository's last path segment. */
function imageBuild(image, context, dockerfile, target) {
    return {
        name: image.path.split('/').pop(),
        image,
        context,
        dockerfile: dockerfile || `${context.replace(/\/+$/, '')}/Dockerfile`,
        target: target || undefined
    };
}
/** One line of the build input: REPOSITORY=CONTEXT[,dockerfile=PATH][,target=STAGE]. */
function parseBuildEntry(line, index) {
    const form = 'Expected REPOSITORY=CONTEXT[,dockerfile=PATH][,target=STAGE], e.g. ghcr.io/acme/api=services/api,target=runtime.';
    const eq = line.indexOf('=');
    if (eq <= 0)
        throw new Error(`Invalid build entry ${index + 1} '${line}': no '='. ${form}`);
    const image = repositoryInput(line.slice(0, eq).trim(), `build entry ${index + 1}`);
    const [context, ...options] = line
        .slice(eq + 1)
        .split(',')
        .map(part => part.trim());
    if (!context)
        throw new Error(`Invalid build entry ${index + 1} '${line}': no build context. ${form}`);
    const given = {};
    for (const option of options) {
        const [key, value] = [option.slice(0, option.indexOf('=')), option.slice(option.indexOf('=') + 1)];
        if (!value || !['dockerfile', 'target'].includes(key)) {
            throw new Error(`Invalid build entry ${index + 1}: unknown option '${option}'. ${form}`);
        }
        given[key] = value;
    }
    return imageBuild(image, context, given.dockerfile, given.target);
}
function buildsInput(read) {
    const imageText = read('image').trim();
    const context = read('context').trim() || '.';
    const builds = [];
    if (imageText)
        builds.push(imageBuild(repositoryInput(imageText, 'image input'), context, read('dockerfile').trim(), read('target').trim()));
    builds.push(...lines(read('build')).map(parseBuildEntry));
    for (const [i, build] of builds.entries()) {
        const twin = builds.findIndex(other => other.name === build.name);
        if (twin !== i) {
            throw new Error(`Two images to build end in the same name '${build.name}' (${(0,image_ref/* repositoryOf */._M)(builds[twin].image)} and ${(0,image_ref/* repositoryOf */._M)(build.image)}); the built-images output needs a distinct last path segment for each.`);
        }
    }
    return builds;
}
function imagesInput(read) {
    return lines(read('images')).map(line => {
        const eq = line.indexOf('=');
        if (eq <= 0)
            throw new Error(`Invalid images entry '${line}'. Expected NAME=IMAGE, e.g. nginx=nginx:1.27.`);
        const name = line.slice(0, eq).trim();
        const target = line.slice(eq + 1).trim();
        try {
            (0,image_ref/* parseImageRef */.Q)(target);
            return { repository: (0,image_ref/* parseImageRef */.Q)(name), image: target };
        }
        catch (error) {
            throw new Error(`Invalid images entry '${line}': ${error.message}`, { cause: error });
        }
    });
}
function registryInput(read) {
    const username = read('registry-username').trim();
    const password = read('registry-password');
    if (password)
        lib_core/* setSecret */.Pq(password);
    if (Boolean(username) !== Boolean(password)) {
        throw new Error('registry-username and registry-password go together: give both, or neither to use the existing docker login.');
    }
    return username ? { username, password } : undefined;
}
/** buildx's --provenance / --sbom: true, false, or its key=value list (mode=max, generator=IMAGE, version=v1). */
function attestationInput(read, name) {
    const value = read(name).trim();
    if (!value)
        return undefined;
    if (/^(true|false)$/i.test(value))
        return value.toLowerCase();
    if (/^[a-z][a-z-]*=[^,\s]+(,[a-z][a-z-]*=[^,\s]+)*$/.test(value))
        return value;
    throw new Error(`Invalid ${name} '${value}'. Expected true, false, or buildx's KEY=VALUE list (${name === 'provenance' ? 'mode=min, mode=max' : 'generator=IMAGE'}).`);
}
/** images-from: one repository@sha256:… per line (or comma-separated), each a repository of image or build. */
function imagesFromInput(read, builds) {
    const formatRef = (image) => `${(0,image_ref/* repositoryOf */._M)(image)}@${image.digest}`;
    const form = 'Expected one REPOSITORY@sha256:DIGEST per line, as the image-ref output of a push-by-digest build.';
    const images = listInput(read('images-from')).map((text, i) => {
        let image;
        try {
            image = (0,image_ref/* parseImageRef */.Q)(text);
        }
        catch (error) {
            throw new Error(`Invalid images-from entry ${i + 1}: ${error.message} ${form}`, { cause: error });
        }
        if (!image.digest)
            throw new Error(`Invalid images-from entry ${i + 1} '${text}': no digest. ${form}`);
        if (!builds.some(build => (0,image_ref/* repositoryOf */._M)(build.image) === (0,image_ref/* repositoryOf */._M)(image)))
            throw new Error(`images-from entry ${i + 1} '${text}' is of ${(0,image_ref/* repositoryOf */._M)(image)}, which is neither the image input nor a build entry: name it there, so the manifests get its index.`);
        return image;
    });
    for (const build of images.length > 0 ? builds : [])
        if (!images.some(image => (0,image_ref/* repositoryOf */._M)(image) === (0,image_ref/* repositoryOf */._M)(build.image)))
            throw new Error(`images-from names no digest of ${(0,image_ref/* repositoryOf */._M)(build.image)}: give each image's platform digests, or none.`);
    for (const [i, image] of images.entries()) {
        const first = images.findIndex(other => formatRef(other) === formatRef(image));
        if (first !== i)
            throw new Error(`images-from entry ${i + 1} repeats entry ${first + 1} (${formatRef(image)}): give each leg once.`);
    }
    return images;
}
function buildInput(read) {
    const secrets = keyValueLines(read, 'build-secrets', /^[A-Za-z0-9_.-]+$/, 'ID');
    for (const [, value] of secrets)
        if (value)
            lib_core/* setSecret */.Pq(value);
    return {
        buildArgs: keyValueLines(read, 'build-args', /^[A-Za-z_][A-Za-z0-9_]*$/, 'NAME'),
        secrets,
        labels: keyValueLines(read, 'labels', /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'KEY'),
        cacheFrom: lines(read('cache-from')),
        cacheTo: lines(read('cache-to')),
        platforms: listInput(read('platforms')),
        provenance: attestationInput(read, 'provenance'),
        sbom: attestationInput(read, 'sbom')
    };
}
/** A PEM block's every line is masked too: the runner masks a secret line by line only when each is registered. */
function maskPem(text) {
    lib_core/* setSecret */.Pq(text);
    for (const line of text.split('\n'))
        if (line.trim().length >= 8 && !line.startsWith('-----'))
            lib_core/* setSecret */.Pq(line.trim());
}
const pemLabel = (text) => /^-----BEGIN ([A-Z ]+)-----/.exec(text.trim())?.[1];
function signInput(read, env, transparencyLog) {
    const key = read('cosign-key').trim();
    const password = read('cosign-password');
    if (key)
        maskPem(key);
    if (password)
        lib_core/* setSecret */.Pq(password);
    const sign = read('sign').trim().toLowerCase();
    if (password && !key)
        throw new Error('cosign-password is only used with cosign-key.');
    if (sign === '' || sign === 'false') {
        if (key)
            throw new Error('cosign-key is only used with sign: cosign.');
        return undefined;
    }
    if (sign !== 'cosign')
        throw new Error(`Invalid sign '${sign}'. Expected cosign, or empty for no signing.`);
    // The value is not quoted: it may be a key pasted into the wrong input.
    if (key && !pemLabel(key)?.endsWith('PRIVATE KEY'))
        throw new Error('cosign-key is not a PEM private key (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----, as cosign generate-key-pair writes it).');
    if (!key) {
        if (!transparencyLog)
            throw new Error('Keyless signing (sign: cosign without cosign-key) records in the transparency log; transparency-log: false needs a cosign-key.');
        if (!env.ACTIONS_ID_TOKEN_REQUEST_URL)
            throw new Error("Keyless signing (sign: cosign without cosign-key) needs the job's OIDC token: give the job permissions: id-token: write, or set cosign-key.");
    }
    return { key: key || undefined, password, transparencyLog };
}
function verifyInput(read, transparencyLog) {
    const text = read('verify-signature').trim();
    const identity = read('verify-certificate-identity').trim();
    const issuer = read('verify-certificate-oidc-issuer').trim();
    if (!text) {
        if (identity || issuer)
            throw new Error('verify-certificate-identity and verify-certificate-oidc-issuer are only used with verify-signature: keyless.');
        return undefined;
    }
    if (text === 'keyless') {
        if (!transparencyLog)
            throw new Error('verify-signature: keyless checks the transparency log; transparency-log: false needs a verify-signature key.');
        if (!identity || !issuer)
            throw new Error('verify-signature: keyless needs verify-certificate-identity (e.g. https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main) and verify-certificate-oidc-issuer (https://token.actions.githubusercontent.com).');
        return { kind: 'keyless', identity, issuer };
    }
    if (pemLabel(text) !== 'PUBLIC KEY')
        throw new Error("Invalid verify-signature: expected a PEM public key (-----BEGIN PUBLIC KEY-----, cosign generate-key-pair's cosign.pub) or keyless.");
    return { kind: 'key', publicKey: text, transparencyLog };
}
/** The build slice but its images (parsed first, as other inputs' checks need them) and the commit. */
function buildSettingsInput(read, builds, env = process.env) {
    const tagTemplate = read('tag').trim() || '{sha}';
    (0,tags/* validateTagTemplate */.zw)(tagTemplate, 'tag');
    const extraTagTemplates = listInput(read('extra-tags'));
    for (const extra of extraTagTemplates)
        (0,tags/* validateTagTemplate */.zw)(extra, 'extra-tags');
    const latest = (read('latest').trim() || 'auto').toLowerCase();
    if (!['auto', 'true', 'false'].includes(latest))
        throw new Error(`Invalid latest '${latest}'. Expected auto, true or false.`);
    const registry = registryInput(read);
    const build = buildInput(read);
    const push = booleanInput(read, 'push', true);
    const pinDigest = booleanInput(read, 'pin-digest', false);
    if (pinDigest && !push)
        throw new Error('pin-digest needs push: an image that is not pushed has no registry digest to pin to.');
    const transparencyLog = booleanInput(read, 'transparency-log', true);
    const sign = signInput(read, env, transparencyLog);
    const verifySignature = verifyInput(read, transparencyLog);
    if (sign && !sign.key && verifySignature?.kind === 'key')
        throw new Error('sign: cosign without cosign-key signs keyless, which a verify-signature key cannot verify: give cosign-key, or use verify-signature: keyless.');
    if ((sign || verifySignature) && !push)
        throw new Error('sign and verify-signature need push: signatures are of the digest the registry holds.');
    const pushByDigest = booleanInput(read, 'push-by-digest', false);
    if (pushByDigest && !push)
        throw new Error('push-by-digest needs push: true (a leg pushed by digest exists only in the registry); drop push: false or push-by-digest.');
    const imagesFrom = imagesFromInput(read, builds);
    if (imagesFrom.length > 0 && (sign || verifySignature))
        throw new Error('images-from with sign or verify-signature is not supported yet: the merged index is a new digest, which no leg signed.');
    return {
        builds,
        build,
        tagTemplate,
        extraTagTemplates,
        latest: latest,
        push,
        registry,
        skipExisting: booleanInput(read, 'skip-existing', true),
        pushByDigest,
        imagesFrom,
        pinDigest,
        sign,
        verifySignature
    };
}

// EXTERNAL MODULE: ./src/strategies/gate-url.ts
var gate_url = __webpack_require__(4530);
// EXTERNAL MODULE: ./src/strategies/registry.ts + 4 modules
var registry = __webpack_require__(5769);
;// CONCATENATED MODULE: ./src/settings/strategy-inputs.ts





function gateInput(text) {
    if (/^https?:\/\/\S+$/.test(text)) {
        for (const secret of (0,gate_url/* gateUrlSecrets */.WC)(text))
            lib_core/* setSecret */.Pq(secret);
        // Refused here, not after the rollout: a URL fetch cannot take (a {colour} that cannot make a host name).
        (0,gate_url/* gateRequest */.tV)(text, 'blue');
        return { kind: 'url', url: text };
    }
    const job = /^job\/(\S+)$/.exec(text);
    if (job && dnsSubdomain.test(job[1]))
        return { kind: 'job', name: job[1] };
    const command = /^command:\s*(\S.*)$/.exec(text);
    if (command)
        return { kind: 'command', argv: command[1].trim().split(/\s+/) };
    throw new Error(`Invalid verify '${text}'. Expected an http(s) URL that answers 2xx, job/NAME (a Job of the manifests that must complete) or command: PROGRAM ARGS (run without a shell, must exit 0).`);
}
function strategyInput(read, mode) {
    const given = read('strategy').trim();
    // promote and abort act on a canary: the strategy need not be repeated.
    const strategy = given || (mode === 'promote' || mode === 'abort' ? 'canary' : 'rolling');
    if (!(0,registry/* isStrategyName */.J$)(strategy))
        throw new Error(`Invalid strategy '${strategy}'. Expected ${registry/* strategyNames */.ov.slice(0, -1).join(', ')} or ${registry/* strategyNames */.ov.at(-1)}.`);
    if ((mode === 'promote' || mode === 'abort') && strategy !== 'canary')
        throw new Error(`Mode ${mode} is for strategy canary (strategy is ${strategy}).`);
    const verify = read('verify').trim();
    const keep = read('blue-green-keep').trim();
    const percentText = read('canary-percent').trim();
    const autoPromote = read('canary-auto-promote-after').trim();
    const misplaced = [
        ...(strategy === 'rolling' && verify ? ['verify'] : []),
        ...(strategy !== 'blue-green' && keep ? ['blue-green-keep'] : []),
        ...(strategy !== 'canary' && percentText ? ['canary-percent'] : []),
        ...(strategy !== 'canary' && autoPromote ? ['canary-auto-promote-after'] : [])
    ];
    if (misplaced.length > 0)
        throw new Error(`${misplaced[0]} is only used with strategy: ${misplaced[0] === 'verify' ? 'blue-green or canary' : misplaced[0].startsWith('canary') ? 'canary' : 'blue-green'}.`);
    if (strategy === 'rolling')
        return { strategy };
    const gate = verify ? gateInput(verify) : undefined;
    const verifyTimeoutMs = (0,duration/* parseDuration */.E)(read('verify-timeout').trim() || '1m', 'verify-timeout');
    if (strategy === 'blue-green')
        return {
            strategy,
            blueGreen: { verify: gate, verifyTimeoutMs, keepMs: keep ? (0,duration/* parseDuration */.E)(keep, 'blue-green-keep') : undefined }
        };
    const percent = Number(percentText || '20');
    if (!/^\d+$/.test(percentText || '20') || percent < 1 || percent > 99)
        throw new Error(`Invalid canary-percent '${percentText}'. Expected a whole number from 1 to 99 (the canary's share of the traffic).`);
    return {
        strategy,
        canary: {
            percent,
            autoPromoteAfterMs: autoPromote ? (0,duration/* parseDuration */.E)(autoPromote, 'canary-auto-promote-after') : undefined,
            verify: gate,
            verifyTimeoutMs
        }
    };
}

;// CONCATENATED MODULE: ./src/settings/parse.ts









function helmInputs(read) {
    const chart = read('helm-chart').trim();
    const values = lines(read('helm-values'));
    const release = read('helm-release').trim();
    if (!chart) {
        if (values.length > 0 || release)
            throw new Error('helm-values and helm-release need helm-chart (the chart to render).');
        return undefined;
    }
    // The release defaults to the chart's name: its directory, or its archive without version (web-1.2.3.tgz).
    const fallback = chart
        .replace(/\/+$/, '')
        .split('/')
        .pop()
        .replace(/-\d+\.\d+\.\d+.*\.tgz$|\.tgz$/, '');
    const name = release || fallback;
    if (!dnsLabel.test(name) || name.length > 53) {
        throw new Error(`Invalid helm-release '${name}'${release ? '' : ` (taken from helm-chart; set helm-release)`}. Expected lowercase letters, digits and '-', at most 53 characters.`);
    }
    return { chart, release: name, values };
}
function runInput(read, env) {
    const run = readRunContext(env);
    const shaInput = read('sha').trim();
    if (shaInput)
        run.sha = shaInput;
    if (!/^[0-9a-f]{40}$/.test(run.sha)) {
        throw new Error(run.sha
            ? `Invalid commit SHA '${run.sha}'. Expected 40 lowercase hexadecimal characters (the sha input or GITHUB_SHA).`
            : 'No commit SHA: GITHUB_SHA is not set and the sha input is empty. Run inside GitHub Actions (or act), or pass sha.');
    }
    return run;
}
function rollbackInput(read, mode, builds) {
    const text = read('rollback-to').trim();
    if (mode !== 'rollback') {
        if (text)
            throw new Error(`rollback-to is only used in mode rollback (mode is ${mode}).`);
        return undefined;
    }
    let rollbackTo;
    if (!text || text === 'previous')
        rollbackTo = { kind: 'previous' };
    // One short SHA in 27 is all digits (GitHub shows 7 characters), and no workload reaches revision 1,000,000
    // (a rollout a minute for two years), so 7 digits or more name a commit, as git's rev-parse reads them.
    else if (/^\d{1,6}$/.test(text) && Number(text) > 0)
        rollbackTo = { kind: 'revision', revision: Number(text) };
    else if (/^[0-9a-f]{7,40}$/i.test(text))
        rollbackTo = { kind: 'sha', sha: text.toLowerCase() };
    else if (/^release-\d{1,6}$/.test(text) && Number(text.slice(8)) > 0)
        rollbackTo = { kind: 'release', number: Number(text.slice(8)) };
    else
        throw new Error(`Invalid rollback-to '${text}'. Expected previous, a revision number (e.g. 3, up to 6 digits), release-N (a release record's number), or a commit SHA or its first 7 or more characters.`);
    if (rollbackTo.kind === 'sha' && builds.length === 0) {
        throw new Error('rollback-to a commit SHA needs the image input or build entries (the repositories whose tags to redeploy).');
    }
    return rollbackTo;
}
/** The applyset input, as kubectl's --applyset: NAME (a Secret), secret/NAME or configmap/NAME. */
function parseApplySetParent(text) {
    const slash = text.indexOf('/');
    const resource = slash < 0 ? 'secrets' : text.slice(0, slash);
    const name = slash < 0 ? text : text.slice(slash + 1);
    const kind = { secret: 'Secret', secrets: 'Secret', configmap: 'ConfigMap', configmaps: 'ConfigMap' }[resource];
    if (!kind || !dnsSubdomain.test(name) || name.length > 253) {
        throw new Error(`Invalid applyset '${text}'. Expected NAME (a Secret), secret/NAME or configmap/NAME, with NAME a lowercase DNS name (the ApplySet's parent object, as kubectl's --applyset).`);
    }
    return { kind, name };
}
function pruneInput(read, mode, lockName) {
    const prune = booleanInput(read, 'prune', false);
    const namespacesAndCrds = booleanInput(read, 'prune-namespaces-and-crds', false);
    const parentText = read('applyset').trim();
    if (!prune) {
        if (namespacesAndCrds || parentText)
            throw new Error(`${namespacesAndCrds ? 'prune-namespaces-and-crds' : 'applyset'} is only used with prune: true.`);
        return undefined;
    }
    if (mode === 'build' || mode === 'history' || mode === 'abort')
        throw new Error(`prune is used in modes deploy, apply, promote, rollback and plan, not in mode ${mode}.`);
    return { parent: parseApplySetParent(parentText || `build-and-deploy-${lockName}`), namespacesAndCrds };
}
function modeInput(read) {
    const modeText = read('mode').trim() || 'deploy';
    if (!['deploy', 'build', 'apply', 'rollback', 'history', 'promote', 'abort', 'plan'].includes(modeText)) {
        throw new Error(`Invalid mode '${modeText}'. Expected deploy, build, apply, rollback, history, promote, abort or plan.`);
    }
    return modeText;
}
function manifestInput(read, mode) {
    const images = imagesInput(read);
    const manifests = lines(read('manifests'));
    const helm = helmInputs(read);
    if (mode !== 'build' && manifests.length === 0 && !helm) {
        throw new Error(`The manifests input is required in mode ${mode} (files, directories, kustomizations or globs, one per line), unless helm-chart is given.`);
    }
    return {
        manifests,
        helm,
        images,
        maxManifestsBytes: (0,size/* parseSize */.D)(read('max-manifests-size').trim() || '16Mi', 'max-manifests-size')
    };
}
function deployInput(read, mode, rollbackTo) {
    const lockName = read('lock-name').trim() || 'deploy';
    if (!dnsLabel.test(lockName) || lockName.length > 40) {
        throw new Error(`Invalid lock-name '${lockName}'. Expected lowercase letters, digits and '-', at most 40 characters.`);
    }
    const lock = booleanInput(read, 'lock', true)
        ? { name: lockName, timeoutMs: (0,duration/* parseDuration */.E)(read('lock-timeout').trim() || '5m', 'lock-timeout') }
        : undefined;
    const prune = pruneInput(read, mode, lockName);
    const fieldManager = read('field-manager').trim() || 'build-and-deploy';
    if (!/^[\x21-\x7e]{1,128}$/.test(fieldManager)) {
        throw new Error(`Invalid field-manager '${fieldManager}'. Expected 1 to 128 printable characters without spaces.`);
    }
    const wait = booleanInput(read, 'wait', true);
    const historyMaxText = read('history-max').trim() || '10';
    if (!/^\d{1,3}$/.test(historyMaxText) || Number(historyMaxText) > 100)
        throw new Error(`Invalid history-max '${historyMaxText}'. Expected a number of releases to keep, 0 to 100 (0: no release records).`);
    return {
        fieldManager,
        forceConflicts: booleanInput(read, 'force-conflicts', false),
        // mode plan is a dry run of the deploy, whatever dry-run says.
        dryRun: mode === 'plan' || booleanInput(read, 'dry-run', false),
        wait,
        waitForJobs: booleanInput(read, 'wait-for-jobs', false),
        waitForCustomResources: booleanInput(read, 'wait-for-custom-resources', true),
        waitForLoadBalancers: booleanInput(read, 'wait-for-load-balancers', false),
        rollbackOnFailure: booleanInput(read, 'rollback-on-failure', true),
        rollbackOnCancel: booleanInput(read, 'rollback-on-cancel', false),
        rollbackDeleteNew: booleanInput(read, 'rollback-delete-new', false),
        rollbackTo,
        lock,
        releases: { name: lockName, historyMax: Number(historyMaxText) },
        prune
    };
}
function gitHubInput(read) {
    const githubToken = read('github-token').trim() || undefined;
    if (githubToken)
        lib_core/* setSecret */.Pq(githubToken);
    const environmentUrl = read('environment-url').trim() || undefined;
    if (environmentUrl && !/^https?:\/\/\S+$/.test(environmentUrl)) {
        throw new Error(`Invalid environment-url '${environmentUrl}'. Expected an http(s) URL.`);
    }
    return { environment: read('environment').trim() || undefined, environmentUrl, githubToken };
}
/** Turns the action's raw string inputs into one validated Settings value; throws on the first bad input. */
function parseSettings(read, env) {
    const mode = modeInput(read);
    const run = runInput(read, env);
    const builds = buildsInput(read);
    if ((mode === 'deploy' || mode === 'build') && builds.length === 0) {
        throw new Error(`Mode ${mode} needs an image to build: the image input (e.g. ghcr.io/acme/api), or build entries (REPOSITORY=CONTEXT, one per line).`);
    }
    const buildSettings = buildSettingsInput(read, builds, env);
    if (buildSettings.pushByDigest && mode !== 'build')
        throw new Error(`push-by-digest is used in mode build (one platform's leg of a multi-platform build), not in mode ${mode}.`);
    if (buildSettings.imagesFrom.length > 0 && mode !== 'apply')
        throw new Error(`images-from is used in mode apply (merge the legs' digests into one index, then deploy it), not in mode ${mode}.`);
    const manifests = manifestInput(read, mode);
    const rollbackTo = rollbackInput(read, mode, builds);
    const strategy = strategyInput(read, mode);
    const settings = {
        mode,
        ...buildSettings,
        ...manifests,
        ...kubeTargetInput(read),
        ...deployInput(read, mode, rollbackTo),
        ...strategy,
        ...gitHubInput(read),
        run
    };
    if (settings.imagesFrom.length > 0 && settings.dryRun)
        throw new Error('images-from writes the merged index to the registry, which dry-run does not allow: drop one of them.');
    (0,registry/* strategyNamed */.vL)(settings.strategy).validate(settings);
    return settings;
}

;// CONCATENATED MODULE: ./src/settings/unknown-inputs.ts
/**
 * Inputs the action does not declare. The runner passes every `with:` key as an INPUT_ variable and (under act and
 * `node dist/index.js`) says nothing about a misspelt one, so `create-namespaces: true` would be ignored silently.
 */
/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (`namsepace`). */
function editDistance(a, b) {
    const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
        }
    }
    return rows[a.length][b.length];
}
/** The known name nearest to `name`, when near enough to be the one meant (the first of equals, in action.yml's order). */
function closestName(name, known) {
    let best;
    for (const candidate of known) {
        const distance = editDistance(name, candidate);
        if (!best || distance < best.distance)
            best = { name: candidate, distance };
    }
    // Beyond a third of the name, the "closest" one is a guess that misleads more than it helps.
    return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}
/**
 * A warning for each INPUT_ variable that no declared input reads. core.getInput reads INPUT_ + the name with
 * spaces as '_', uppercased, so the original spelling is lost: the name is shown lowercased.
 */
function unknownInputWarnings(env, known) {
    const declared = new Set(known.map(name => name.replace(/ /g, '_').toUpperCase()));
    return Object.keys(env)
        .filter(key => key.startsWith('INPUT_') && !declared.has(key.slice('INPUT_'.length)))
        .sort()
        .map(key => {
        const name = key.slice('INPUT_'.length).toLowerCase();
        const suggestion = closestName(name, known);
        return `Unknown input '${name}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; it is ignored. The inputs are listed in action.yml and the README.`;
    });
}

;// CONCATENATED MODULE: ./src/settings/inputs.ts





// The one module that reads the action's inputs (core.getInput); everything else receives typed settings.
function readSettings() {
    // Before parsing: a misspelt input often explains the error that follows (manifest: → manifests is required).
    for (const warning of unknownInputWarnings(process.env, actionInputs))
        lib_core/* warning */.$e(warning);
    return parseSettings(name => lib_core/* getInput */.V4(name), process.env);
}
/** The post step reaches the cluster only to release the deploy lock: the kubeconfig and kube-context inputs. */
function readKubeSettings() {
    return kubeInput(name => core.getInput(name));
}

// EXTERNAL MODULE: ./src/modes/deploy.ts + 1 modules
var deploy = __webpack_require__(8185);
// EXTERNAL MODULE: ./src/report/summary.ts
var summary = __webpack_require__(7994);
// EXTERNAL MODULE: ./src/rollback/live-revision.ts
var live_revision = __webpack_require__(5844);
;// CONCATENATED MODULE: ./src/report/result-line.ts
/**
 * The last line of the log: how the run ended and what it left running, for whoever reads only the end of a long
 * log (issue 20.6). The summary has the detail; this line is the answer.
 */



const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** At most `limit` names, then how many more, so that the line stays one line. */
function names(list, limit = 3) {
    if (list.length <= limit)
        return list.join(', ');
    return `${list.slice(0, limit).join(', ')} and ${list.length - limit} more`;
}
/** An error's first line; a heading line ("Rollout failed:", "... 2 problems; nothing was applied:") with the next one. */
const firstLine = (text, limit = 200) => {
    const lines = text
        .split('\n')
        .map(l => l.trim())
        .filter(Boolean);
    const line = lines.length > 1 && /[:]$/.test(lines[0]) ? `${lines[0]} ${lines[1].replace(/^- /, '')}` : (lines[0] ?? '');
    return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
};
function imagesPart(report) {
    if (report.images.length === 0)
        return '';
    return ` (image${report.images.length === 1 ? '' : 's'} ${names(report.images.map(i => i.reference), 2)})`;
}
/** What a successful run did, by mode. */
function successDetail(report) {
    if (report.mode === 'build')
        return report.images.length > 0
            ? `${names(report.images.map(i => i.reference), 2)} ${report.dryRun ? 'built' : 'pushed'}`
            : 'nothing built';
    if (report.mode === 'history') {
        const histories = report.history ?? [];
        return histories.length === 0
            ? 'no history'
            : `history of ${names(histories.map(h => `${(0,live_revision/* workloadName */.vO)(h)} (${h.rows.length} revision${h.rows.length === 1 ? '' : 's'})`))}`;
    }
    if (report.mode === 'rollback' && report.history && report.history.length > 0) {
        const live = report.history.map(h => {
            const row = (0,live_revision/* liveRow */.ls)(h);
            return row
                ? `${(0,live_revision/* workloadName */.vO)(h)} at revision ${row.revision}${row.commit ? ` (commit ${row.commit.slice(0, 7)})` : ''}`
                : `${(0,live_revision/* workloadName */.vO)(h)} (none live)`;
        });
        return `live: ${names(live)}`;
    }
    if (report.mode === 'plan' && report.plan) {
        const changed = report.resources.filter(r => r.action !== 'unchanged').length;
        const drifted = report.plan.drift.length;
        return `${changed} of ${report.resources.length} object${report.resources.length === 1 ? '' : 's'} would change, ${report.plan.wouldRoll.length} workload${report.plan.wouldRoll.length === 1 ? '' : 's'} would roll${drifted > 0 ? `, ${drifted} drifted since release ${report.plan.sinceRelease}` : ''}`;
    }
    const traffic = report.traffic && (0,registry/* strategyNamed */.vL)(report.traffic.strategy).resultDetail(report.traffic);
    if (traffic)
        return `${traffic}${imagesPart(report)}`;
    if (report.dryRun) {
        const changed = report.applied.filter(a => a.changes.length > 0).length;
        return `${changed} of ${report.applied.length} object${report.applied.length === 1 ? '' : 's'} would change${imagesPart(report)}`;
    }
    const rolled = report.waits
        .filter(w => w.state === 'succeeded' && workloadKinds.has(w.item.kind))
        .map(w => `${w.item.kind.toLowerCase()}/${w.item.name}`);
    if (rolled.length > 0)
        return `${names(rolled)} rolled out${imagesPart(report)}`;
    const unchanged = report.resources.filter(r => r.action === 'unchanged').length;
    return `${report.resources.length} object${report.resources.length === 1 ? '' : 's'} applied${unchanged > 0 ? ` (${unchanged} unchanged)` : ''}${imagesPart(report)}`;
}
/** The one line written at the end of the run, e.g. "build-and-deploy: succeeded in 12.3s — deployment/web rolled out (image r/web:0123abc…)". */
function resultLine(report) {
    const head = `build-and-deploy${report.mode === 'deploy' ? '' : ` ${report.mode}`}: ${report.dryRun ? 'dry run ' : ''}${report.result} in ${(0,duration/* formatDuration */.a)(report.durationMs)}`;
    let detail;
    if (report.result === 'succeeded')
        detail = successDetail(report);
    else if (report.result === 'rolled-back') {
        const restored = (report.rollback?.restored ?? [])
            .filter(r => r.plan.action === 'patch')
            .map(r => `${r.workload.kind.toLowerCase()}/${r.workload.name} to revision ${r.plan.revision}`);
        detail = `${restored.length > 0 ? `restored ${names(restored)}` : 'nothing restored'}${report.error ? `; ${firstLine(report.error)}` : ''}`;
    }
    else
        detail = report.error ? firstLine(report.error) : report.result;
    return `${head} — ${detail}`;
}

// EXTERNAL MODULE: ./src/releases/release-log.ts
var release_log = __webpack_require__(9268);
;// CONCATENATED MODULE: ./src/main.ts









function setOutputs(report, manifestsFile) {
    const [first] = report.images;
    if (first) {
        lib_core/* setOutput */.uH('image', first.reference);
        lib_core/* setOutput */.uH('tags', first.tags.all.map(tag => `${first.repository}:${tag}`).join('\n'));
        if (first.digest) {
            lib_core/* setOutput */.uH('digest', first.digest);
            lib_core/* setOutput */.uH('image-ref', `${first.repository}@${first.digest}`);
        }
        lib_core/* setOutput */.uH('built-images', JSON.stringify((0,summary/* builtImagesOutput */.gZ)(report.images)));
    }
    lib_core/* setOutput */.uH('resources', JSON.stringify(report.resources));
    if (report.history)
        lib_core/* setOutput */.uH('history', JSON.stringify(report.history));
    if (report.releases)
        lib_core/* setOutput */.uH('releases', JSON.stringify((0,release_log/* releasesOutput */.O)(report.releases)));
    if (report.release)
        lib_core/* setOutput */.uH('release', String(report.release.number));
    if (report.traffic)
        for (const [name, value] of Object.entries((0,registry/* strategyNamed */.vL)(report.traffic.strategy).outputs(report.traffic)))
            lib_core/* setOutput */.uH(name, value);
    if (manifestsFile)
        lib_core/* setOutput */.uH('manifests-file', manifestsFile);
    lib_core/* setOutput */.uH('result', report.result);
    lib_core/* setOutput */.uH('duration-ms', String(report.durationMs));
}
// Modes other than deploy, apply and build load their code only when run.
const runners = {
    build: async () => deploy/* runBuild */.cM,
    deploy: async () => deploy/* runDeploy */.zt,
    apply: async () => deploy/* runApply */.Of,
    promote: async () => (await Promise.all(/* import() */[__webpack_require__.e(42), __webpack_require__.e(408)]).then(__webpack_require__.bind(__webpack_require__, 2408))).runPromote,
    abort: async () => (await Promise.all(/* import() */[__webpack_require__.e(42), __webpack_require__.e(408)]).then(__webpack_require__.bind(__webpack_require__, 2408))).runAbort,
    rollback: async () => (await Promise.all(/* import() */[__webpack_require__.e(42), __webpack_require__.e(21)]).then(__webpack_require__.bind(__webpack_require__, 21))).runRollback,
    history: async () => (await Promise.all(/* import() */[__webpack_require__.e(42), __webpack_require__.e(708)]).then(__webpack_require__.bind(__webpack_require__, 2327))).runHistory,
    plan: async () => (await __webpack_require__.e(/* import() */ 264).then(__webpack_require__.bind(__webpack_require__, 7264))).runPlan
};
/** Settings, then the mode's runner; what it did and how the run ended, reported once. */
async function run() {
    const started = Date.now();
    let report = {
        result: 'succeeded',
        mode: 'deploy',
        dryRun: false,
        images: [],
        resources: [],
        waits: [],
        applied: [],
        durationMs: 0
    };
    let outcome = { report: {} };
    let deployment;
    const cancel = cancelOnSignals();
    try {
        const settings = readSettings();
        if (['deploy', 'apply', 'rollback', 'promote', 'abort'].includes(settings.mode) && !settings.dryRun)
            deployment = await GitHubDeployment.start(settings);
        report = {
            ...report,
            mode: settings.mode,
            target: { commit: settings.run.sha, ref: settings.run.branch, strategy: settings.strategy },
            dryRun: settings.dryRun
        };
        outcome = await (await runners[settings.mode]())(settings, cancel.signal);
    }
    catch (error) {
        outcome = { ...outcome, failure: { message: error.message } };
    }
    report = { ...report, ...outcome.report, target: { ...report.target, ...outcome.report.target } };
    if (outcome.failure) {
        report.result = cancel.signal.aborted ? 'cancelled' : (outcome.failure.result ?? 'failed');
        report.error = outcome.failure.message;
        lib_core/* setFailed */.C1(report.error);
    }
    await deployment?.set(report.result === 'succeeded' ? 'success' : 'failure');
    report.durationMs = Date.now() - started;
    setOutputs(report, outcome.manifestsFile);
    await lib_core/* summary */.z
        .addRaw((0,summary/* renderSummary */.Br)(report))
        .write()
        .catch(error => lib_core/* warning */.$e(`Cannot write the job summary: ${error.message}`));
    lib_core/* info */.pq(resultLine(report));
    cancel.dispose();
}


/***/ }),

/***/ 7528:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cH: () => (/* binding */ annotateWorkload),
/* harmony export */   d$: () => (/* binding */ runRecordKeys),
/* harmony export */   ic: () => (/* binding */ annotationKeys),
/* harmony export */   lx: () => (/* binding */ keepUnchangedTemplate)
/* harmony export */ });
/* unused harmony export podTemplateOf */
/* harmony import */ var _documents_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1860);
/* harmony import */ var _patch_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(552);


const annotationKeys = {
    commit: 'build-and-deploy/commit',
    runUrl: 'build-and-deploy/run-url',
    actor: 'build-and-deploy/actor',
    image: 'build-and-deploy/image',
    changeCause: 'kubernetes.io/change-cause'
};
/**
 * Records the commit on each workload and on its pod template. The Deployment controller copies the object's
 * annotations (change-cause among them) to each ReplicaSet, so `kubectl rollout history` names the commit.
 * The template carries the commit only, not the run URL or actor: a re-run of the same commit must leave the
 * template unchanged, or it would roll every pod for nothing.
 */
function annotateWorkload(object, origin) {
    const path = (0,_patch_js__WEBPACK_IMPORTED_MODULE_1__/* .podSpecPath */ .s5)(object.kind);
    if (!path)
        return object;
    const copy = structuredClone(object);
    const image = workloadImages(object, path, origin.images ?? []).join(', ') || undefined;
    const changeCause = `build-and-deploy: ${image ?? 'commit'} from ${origin.sha.slice(0, 12)}` +
        (origin.actor ? ` by ${origin.actor}` : '') +
        (origin.runUrl ? ` (${origin.runUrl})` : '');
    copy.metadata.annotations = {
        ...copy.metadata.annotations,
        [annotationKeys.commit]: origin.sha,
        ...(origin.runUrl ? { [annotationKeys.runUrl]: origin.runUrl } : {}),
        ...(origin.actor ? { [annotationKeys.actor]: origin.actor } : {}),
        ...(image ? { [annotationKeys.image]: image } : {}),
        [annotationKeys.changeCause]: changeCause
    };
    // The pod template is path minus its trailing 'spec'; a bare Pod is annotated on itself above.
    const templatePath = path.slice(0, -1);
    if (templatePath.length > 0) {
        let template = copy;
        for (const key of templatePath) {
            template[key] ??= {};
            template = template[key];
        }
        const metadata = (template.metadata ??= {});
        metadata.annotations = { ...metadata.annotations, [annotationKeys.commit]: origin.sha };
    }
    return copy;
}
/** Which of `images` the workload's containers (init containers included) run. */
function workloadImages(object, specPath, images) {
    let spec = object;
    for (const key of specPath)
        spec = spec?.[key];
    const podSpec = (spec ?? {});
    const used = new Set([...(podSpec.containers ?? []), ...(podSpec.initContainers ?? [])].map(c => c.image));
    return images.filter(image => used.has(image));
}
/** The pod template of a workload, at its path, or undefined (a bare Pod has none). */
function podTemplateOf(object) {
    const path = (0,_patch_js__WEBPACK_IMPORTED_MODULE_1__/* .podSpecPath */ .s5)(String(object.kind))?.slice(0, -1);
    if (!path || path.length === 0)
        return undefined;
    let template = object;
    for (const key of path)
        template = template?.[key];
    return template;
}
function setAnnotation(holder, key, value) {
    if (!holder)
        return;
    const metadata = (holder.metadata ??= {});
    if (value !== undefined) {
        metadata.annotations = { ...metadata.annotations, [key]: value };
        return;
    }
    if (!metadata.annotations)
        return;
    delete metadata.annotations[key];
    if (Object.keys(metadata.annotations).length === 0)
        delete metadata.annotations;
}
/** The record annotations on a workload object that say which run last applied it, not what it runs. */
const runRecordKeys = [annotationKeys.commit, annotationKeys.runUrl, annotationKeys.actor];
/**
 * A new commit must not roll a workload whose pod template it did not change: when the server's dry-run
 * result differs from the live template only by the commit annotation, `applied` and `dryRun` take the live
 * template's commit (or its absence), and the live change-cause and image annotations, so the apply leaves the
 * template, and the ReplicaSet or ControllerRevision history, as they are. The object still records this run's
 * commit: a workload whose template commit differs from its object's was not changed by the last deploy, which
 * is what `rollback-to: previous` goes by. Returns whether the template changed.
 */
function keepUnchangedTemplate(applied, dryRun, live) {
    const liveTemplate = podTemplateOf(live);
    const newTemplate = podTemplateOf(dryRun);
    if (!liveTemplate || !newTemplate)
        return true;
    const liveCommit = liveTemplate.metadata?.annotations?.[annotationKeys.commit];
    const candidate = structuredClone(newTemplate);
    setAnnotation(candidate, annotationKeys.commit, liveCommit);
    if (!(0,_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .sameValue */ .eE)(candidate, liveTemplate))
        return true;
    for (const object of [applied, dryRun]) {
        setAnnotation(podTemplateOf(object), annotationKeys.commit, liveCommit);
        for (const key of [annotationKeys.changeCause, annotationKeys.image])
            setAnnotation(object, key, live.metadata.annotations?.[key]);
    }
    return false;
}


/***/ }),

/***/ 1860:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $I: () => (/* binding */ readObjects),
/* harmony export */   B6: () => (/* binding */ describeSource),
/* harmony export */   T5: () => (/* binding */ objectKey),
/* harmony export */   eE: () => (/* binding */ sameValue),
/* harmony export */   uP: () => (/* binding */ resolveNamespace),
/* harmony export */   v8: () => (/* binding */ describeObject)
/* harmony export */ });
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8815);
/* harmony import */ var _patch_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(552);


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
function readObjects(text, file, problems, documents = (0,_patch_js__WEBPACK_IMPORTED_MODULE_1__/* .parseDocuments */ .eV)(text)) {
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
        if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(doc.contents)) {
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
    return doc.contents === null || ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(doc.contents) && doc.contents.value === null);
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


/***/ }),

/***/ 552:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GT: () => (/* binding */ redactSecretValues),
/* harmony export */   LB: () => (/* binding */ worthMasking),
/* harmony export */   Nv: () => (/* binding */ patchImages),
/* harmony export */   eV: () => (/* binding */ parseDocuments),
/* harmony export */   s5: () => (/* binding */ podSpecPath)
/* harmony export */ });
/* unused harmony export yamlOptions */
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8815);
/* harmony import */ var _build_image_ref_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9557);
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4945);



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
const containerLists = ['initContainers', 'containers', 'ephemeralContainers'];
function podSpecPath(kind) {
    return podSpecPaths[kind];
}
function collectImageNodes(object, found) {
    const kind = String(object.get('kind') ?? '');
    if (kind.endsWith('List')) {
        const items = object.get('items', true);
        if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isSeq */ .oP)(items))
            for (const item of items.items)
                if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(item))
                    collectImageNodes(item, found);
        return;
    }
    const path = podSpecPaths[kind];
    if (!path)
        return;
    const spec = object.getIn(path, true);
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(spec))
        return;
    const metadata = object.get('metadata', true);
    const name = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(metadata) ? String(metadata.get('name') ?? '') : '';
    for (const list of containerLists) {
        const containers = spec.get(list, true);
        if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isSeq */ .oP)(containers))
            continue;
        for (const container of containers.items) {
            if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(container))
                continue;
            const image = container.get('image', true);
            if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(image) && image.range) {
                found.push({ node: image, kind, name, container: String(container.get('name') ?? '') });
            }
        }
    }
}
/** Quotes the new value in the style the user wrote the old one, so the diff is the value alone. */
function renderScalar(node, value) {
    switch (node.type) {
        case yaml__WEBPACK_IMPORTED_MODULE_0__/* .Scalar */ .X5.QUOTE_SINGLE:
            return `'${value.replace(/'/g, "''")}'`;
        case yaml__WEBPACK_IMPORTED_MODULE_0__/* .Scalar */ .X5.PLAIN:
            if (/^[\w.][\w./:@+-]*$/.test(value))
                return value;
            return JSON.stringify(value);
        default:
            return JSON.stringify(value);
    }
}
function parseDocuments(text) {
    return (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .parseAllDocuments */ .hR)(text, yamlOptions);
}
/**
 * Replaces image values in place: only the bytes of each matched `image:` scalar change; comments, key order,
 * quoting and every other byte stay as the user wrote them.
 */
function patchImages(text, file, substitutions) {
    const documents = parseDocuments(text);
    const edits = [];
    const replacements = [];
    const matched = new Set();
    const wanted = substitutions.map(s => ({ canonical: (0,_build_image_ref_js__WEBPACK_IMPORTED_MODULE_1__/* .canonicalRepository */ .JA)(s.repository), image: s.image }));
    documents.forEach((doc, i) => {
        if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(doc.contents))
            return;
        const found = [];
        collectImageNodes(doc.contents, found);
        for (const { node, kind, name, container } of found) {
            const current = String(node.value);
            let ref;
            try {
                ref = (0,_build_image_ref_js__WEBPACK_IMPORTED_MODULE_1__/* .parseImageRef */ .Q)(current);
            }
            catch (error) {
                throw new Error(`${file}: document ${i + 1} (${kind} ${name}), container '${container}': ${error.message}`, { cause: error });
            }
            const match = wanted.find(w => w.canonical === (0,_build_image_ref_js__WEBPACK_IMPORTED_MODULE_1__/* .canonicalRepository */ .JA)(ref));
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
            if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isSeq */ .oP)(items))
                for (const item of items.items)
                    if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(item))
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
            if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(values))
                continue;
            for (const pair of values.items)
                redact(pair.value, (0,_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .redactedValue */ .QC)((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isScalar */ .jn)(pair.value) ? pair.value.value : undefined, field === 'data'));
        }
        const annotations = object.getIn(['metadata', 'annotations'], true);
        if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(annotations))
            redact(annotations.get(_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .lastAppliedAnnotation */ .jo, true), '(redacted)');
    };
    for (const doc of parseDocuments(text))
        if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .isMap */ .jh)(doc.contents))
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


/***/ }),

/***/ 4945:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $1: () => (/* binding */ redactSecretAt),
/* harmony export */   $f: () => (/* binding */ isSecret),
/* harmony export */   QC: () => (/* binding */ redactedValue),
/* harmony export */   jo: () => (/* binding */ lastAppliedAnnotation),
/* harmony export */   nU: () => (/* binding */ isSecretField)
/* harmony export */ });
// What of a Secret may be shown (issue 19): its keys, never its values. One rule for the dry-run diff, the job
// summary and the manifests file, so that none of them can print what another hides.
/** kubectl apply (client-side) copies the whole object, data included, into this annotation. */
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
const isSecret = (object) => object?.kind === 'Secret' && object.apiVersion === 'v1';
/**
 * What stands for a Secret value: its size and nothing of its content. `data` holds base64, `stringData` text;
 * both count the bytes the Secret would hold. A value that is not a string (the API refuses it) shows no size.
 */
function redactedValue(value, base64) {
    if (typeof value !== 'string')
        return '(redacted)';
    const bytes = base64 ? Buffer.from(value, 'base64').length : Buffer.byteLength(value);
    return `(redacted, ${bytes} byte${bytes === 1 ? '' : 's'})`;
}
/**
 * Whether the field at `path` (keys from the object's root) of a Secret holds a secret value: an entry of data
 * or stringData, or the last-applied annotation, which repeats them.
 */
function isSecretField(path) {
    if (path.length === 2)
        return path[0] === 'data' || path[0] === 'stringData';
    return path.length === 3 && path[0] === 'metadata' && path[1] === 'annotations' && path[2] === lastAppliedAnnotation;
}
/** The value found at `path` of a Secret, with every secret field below it replaced (redactedValue). */
function redactSecretAt(value, path) {
    if (isSecretField(path))
        return path[0] === 'metadata' ? '(redacted)' : redactedValue(value, path[0] === 'data');
    if (path.length >= 3 || typeof value !== 'object' || value === null || Array.isArray(value))
        return value;
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, redactSecretAt(child, [...path, key])]));
}


/***/ }),

/***/ 8185:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Of: () => (/* binding */ runApply),
  cM: () => (/* binding */ runBuild),
  zt: () => (/* binding */ runDeploy),
  M$: () => (/* binding */ withEarlyConnection)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: ./src/build/build-step.ts + 5 modules
var build_step = __webpack_require__(2167);
// EXTERNAL MODULE: ./src/kube/errors.ts
var errors = __webpack_require__(3646);
// EXTERNAL MODULE: ./src/run/lock.ts
var lock = __webpack_require__(8642);
;// CONCATENATED MODULE: ./src/deploy/cluster-check.ts


const permissionKey = (p) => `${p.verb} ${p.resource}.${p.group} ${p.namespace ?? ''}`;
/**
 * What the apply and the lock will ask of the API, per object: server-side apply is a PATCH (and a create for an
 * object that does not exist yet, which the apply cannot know before its dry run, so patch is what is checked), the
 * Lease is created in the lock's namespace. Pure: `resources` maps apiVersion/kind to the plural and scope
 * discovery gave, and a kind it does not know (a CRD of the same manifests) is left to the apply's own check.
 */
function neededPermissions(input, contextNamespace, resources) {
    const needed = new Map();
    const add = (p) => void needed.set(permissionKey(p), p);
    for (const { object } of input.objects) {
        const info = resources.get(`${object.apiVersion}/${object.kind}`);
        if (!info)
            continue;
        const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
        const namespace = info.namespaced
            ? (object.metadata.namespace ?? input.namespace ?? contextNamespace ?? 'default')
            : undefined;
        add({ verb: 'patch', group, resource: info.plural, namespace });
    }
    if (input.lock)
        add({
            verb: 'create',
            group: 'coordination.k8s.io',
            resource: 'leases',
            namespace: (0,lock/* lockNamespace */.vH)(input.objects.map(o => o.object), input.namespace, contextNamespace)
        });
    return [...needed.values()];
}
/** The namespaces the objects go to that the manifests do not create themselves. */
function namespacesNeeded(input, contextNamespace, resources) {
    const declared = new Set(input.objects.filter(o => o.object.kind === 'Namespace').map(o => o.object.metadata.name));
    const wanted = new Set();
    for (const { object } of input.objects) {
        if (!resources.get(`${object.apiVersion}/${object.kind}`)?.namespaced)
            continue;
        wanted.add(object.metadata.namespace ?? input.namespace ?? contextNamespace ?? 'default');
    }
    return [...wanted].filter(ns => !declared.has(ns));
}
const describePermission = (p) => `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}${p.namespace ? ` in namespace '${p.namespace}'` : ''}`;
/**
 * Asks the cluster, before anything is built or pushed, whether the deploy can succeed as far as it can tell without
 * the image: the credentials are accepted, the target namespaces exist (or will be created) and the kubeconfig's user
 * may patch every kind of the manifests where they go and take the deploy lock (SelfSubjectAccessReview, which
 * every authenticated user may ask). Throws with every problem; a cluster that cannot answer a review is not held
 * against the run, as the apply then meets the same rules.
 */
async function checkCluster(kube, input) {
    const problems = await findProblems(kube, input).catch((error) => {
        throw new Error(`The target cluster could not be checked before anything was built or pushed: ${error.message}`, {
            cause: error
        });
    });
    if (problems.length > 0) {
        throw new Error(`The target cluster refuses this deploy, found before anything was built or pushed:\n- ${problems.join('\n- ')}`);
    }
}
async function findProblems(kube, input) {
    await kube.authenticate();
    const resources = new Map();
    await Promise.all([...new Set(input.objects.map(o => `${o.object.apiVersion}/${o.object.kind}`))].map(async (key) => {
        const slash = key.lastIndexOf('/');
        const info = await kube.resourceFor(key.slice(0, slash), key.slice(slash + 1)).catch(error => {
            if (error instanceof errors/* KubeApiError */.W && error.statusCode === 404)
                return undefined;
            throw error;
        });
        if (info)
            resources.set(key, info);
    }));
    const problems = [];
    if (!input.createNamespace) {
        await Promise.all(namespacesNeeded(input, kube.namespace, resources).map(async (ns) => {
            const found = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(error => {
                // A deployer bound to its namespace may not read Namespace objects: its review below tells instead.
                if (error instanceof errors/* KubeApiError */.W && error.statusCode === 403)
                    return 'not readable';
                throw error;
            });
            if (!found)
                problems.push(`namespace '${ns}' does not exist; add a Namespace to the manifests or set create-namespace: true`);
        }));
    }
    const reviews = await Promise.all(neededPermissions(input, kube.namespace, resources).map(async (permission) => {
        const review = await kube
            .create({
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { ...permission } }
        })
            .catch(() => undefined);
        return { permission, review };
    }));
    for (const { permission, review } of reviews) {
        if (review?.status && review.status.allowed === false) {
            problems.push(`the kubeconfig's user may not ${describePermission(permission)}${review.status.reason ? ` (${review.status.reason})` : ''}`);
        }
    }
    return problems;
}

// EXTERNAL MODULE: ./src/deploy/deploy-step.ts + 8 modules
var deploy_step = __webpack_require__(2486);
// EXTERNAL MODULE: ./src/run/outcome.ts
var outcome = __webpack_require__(6497);
;// CONCATENATED MODULE: ./src/modes/deploy.ts





/**
 * Runs `steps` with the early connection (see connectEarly), closed here too: a failed build or manifest leaves it
 * unused.
 */
async function withEarlyConnection(connectNow, settings, steps) {
    const kube = connectNow ? (0,deploy_step/* connectEarly */.Ir)(settings) : undefined;
    try {
        return await steps(kube);
    }
    finally {
        kube?.close();
    }
}
/**
 * The check of the target cluster (checkCluster) started for `objects`, awaited before the first write to a
 * registry; its rejection is handled where it is awaited.
 */
function startClusterCheck(kube, settings, objects) {
    const check = checkCluster(kube, {
        objects,
        namespace: settings.namespace,
        createNamespace: settings.createNamespace,
        lock: settings.lock !== undefined
    });
    check.catch(() => undefined);
    return check;
}
/** mode build: build and push the images, nothing else. */
const runBuild = (settings) => (0,outcome/* attempt */.C)(async (outcome) => {
    outcome.report.images = await core/* group */.Os('Build and push', () => (0,build_step/* buildAndPushAll */.d5)(settings));
});
/** mode deploy: read the manifests, build and push while the cluster is checked, then deploy the built images. */
const runDeploy = (settings, cancel) => withEarlyConnection(true, settings, kube => (0,outcome/* attempt */.C)(async (outcome) => {
    const planned = (0,build_step/* plannedSubstitutions */.zl)(settings);
    let manifests = await (0,deploy_step/* readManifests */.PX)(settings, planned, kube);
    outcome.manifestsFile = manifests.file;
    const clusterReady = kube && settings.push && !settings.dryRun ? startClusterCheck(kube, settings, manifests.objects) : undefined;
    outcome.report.images = await core/* group */.Os('Build and push', () => (0,build_step/* buildAndPushAll */.d5)(settings, clusterReady));
    await clusterReady;
    // A mutable tag is deployed pinned to the digest, known only now (issue 23).
    const built = (0,build_step/* substitutionsFor */.wL)(outcome.report.images);
    if (built.some((b, i) => b.image !== planned[i].image))
        manifests = await (0,deploy_step/* readManifests */.PX)(settings, built, kube);
    outcome.manifestsFile = manifests.file;
    const deployed = await (0,deploy_step/* deployManifests */.I7)(settings, manifests, kube, cancel);
    Object.assign(outcome.report, deployed.report);
    return deployed.failure;
}));
/** mode apply: deploy the images this commit already pushed (no build). */
const runApply = (settings, cancel) => 
// Worth it beside the registry lookups or a chart (rendered for the cluster's version); on its own it would
// just interleave with reading the files.
withEarlyConnection(settings.builds.length > 0 || settings.helm !== undefined, settings, kube => (0,outcome/* attempt */.C)(async (outcome) => {
    // images-from writes an index to the registry: not before the cluster is known to take the deploy.
    let clusterReady;
    if (settings.imagesFrom.length > 0) {
        if (!kube)
            throw new Error('images-from: cannot connect to the cluster, so nothing is merged or deployed.');
        const planned = await (0,deploy_step/* readManifests */.PX)(settings, (0,build_step/* plannedSubstitutions */.zl)(settings), kube);
        clusterReady = startClusterCheck(kube, settings, planned.objects);
    }
    outcome.report.images = await (0,build_step/* existingImages */.e5)(settings, clusterReady);
    await clusterReady;
    const manifests = await (0,deploy_step/* readManifests */.PX)(settings, (0,build_step/* substitutionsFor */.wL)(outcome.report.images), kube);
    outcome.manifestsFile = manifests.file;
    const deployed = await (0,deploy_step/* deployManifests */.I7)(settings, manifests, kube, cancel);
    Object.assign(outcome.report, deployed.report);
    return deployed.failure;
}));


/***/ }),

/***/ 91:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fu: () => (/* binding */ applyOrder),
/* harmony export */   Ir: () => (/* binding */ findDuplicates),
/* harmony export */   QJ: () => (/* binding */ kindsFromCrds),
/* harmony export */   Zm: () => (/* binding */ comparable),
/* harmony export */   jS: () => (/* binding */ applyWaves),
/* harmony export */   wc: () => (/* binding */ diffObjects)
/* harmony export */ });
/* unused harmony exports applyWaveCount, applyWave */
/* harmony import */ var _manifests_redact_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4945);
/* harmony import */ var _manifests_documents_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1860);


const rank = (kind) => (kind === 'Namespace' ? 0 : kind === 'CustomResourceDefinition' ? 1 : 2);
/** Namespaces first, then CRDs, then everything else in the order written, as kubectl and Helm order them. */
function applyOrder(items) {
    return items
        .map((item, index) => ({ item, index }))
        .sort((a, b) => rank(a.item.object.kind) - rank(b.item.object.kind) || a.index - b.index)
        .map(x => x.item);
}
/**
 * The waves objects are written in, after Helm's InstallOrder and kapp's change groups: what pods need at
 * admission or start (ServiceAccounts, RBAC, ConfigMaps, Secrets, claims, Services), then the workloads, then
 * what refers to workloads (autoscalers, disruption budgets, Ingresses, webhooks) and kinds unknown here, such as
 * custom resources, last as Helm puts them. Namespaces and CRDs come before all of these (see Applier.apply).
 * Without the order a ReplicaSet can try its pods before their ServiceAccount exists: the admission plugin refuses
 * them (FailedCreate) and the controller retries only after a back-off.
 */
const waveOf = Object.fromEntries([
    ...['Namespace', 'CustomResourceDefinition'].map(kind => [kind, 0]),
    ...[
        'PriorityClass',
        'NetworkPolicy',
        'ResourceQuota',
        'LimitRange',
        'PodSecurityPolicy',
        'ServiceAccount',
        'Secret',
        'SecretList',
        'ConfigMap',
        'StorageClass',
        'PersistentVolume',
        'PersistentVolumeClaim',
        'ClusterRole',
        'ClusterRoleList',
        'ClusterRoleBinding',
        'ClusterRoleBindingList',
        'Role',
        'RoleList',
        'RoleBinding',
        'RoleBindingList',
        'Service',
        'Endpoints',
        'EndpointSlice',
        'RuntimeClass',
        'IngressClass'
    ].map(kind => [kind, 1]),
    ...['DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob'].map(kind => [kind, 2]),
    ...[
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'Ingress',
        'APIService',
        'MutatingWebhookConfiguration',
        'ValidatingWebhookConfiguration'
    ].map(kind => [kind, 3])
]);
const applyWaveCount = 4;
const unknownKindWave = 3;
/** Index of the wave an object is written in (0 to applyWaveCount - 1). */
const applyWave = (object) => waveOf[object.kind] ?? unknownKindWave;
/** The objects split into their waves, each in the order given; empty waves are left out. */
function applyWaves(items) {
    const waves = Array.from({ length: applyWaveCount }, () => []);
    for (const item of items)
        waves[applyWave(item.object)].push(item);
    return waves.filter(wave => wave.length > 0);
}
/**
 * The kinds a CRD among the manifests will serve, as apiVersion/Kind keys, each with whether it is namespaced:
 * the CRD's scope gives a custom resource its namespace before discovery can, so a namespace it alone names is
 * created like any other.
 */
function kindsFromCrds(objects) {
    const kinds = new Map();
    for (const object of objects) {
        if (object.kind !== 'CustomResourceDefinition')
            continue;
        const spec = object.spec;
        for (const version of spec?.versions ?? [])
            kinds.set(`${spec?.group}/${version.name}/${spec?.names?.kind}`, spec?.scope !== 'Cluster');
    }
    return kinds;
}
/** Reports objects that appear twice: server-side apply would silently let the later one win. */
function findDuplicates(sources) {
    const seen = new Map();
    const problems = [];
    for (const source of sources) {
        const key = (0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .objectKey */ .T5)(source.object);
        const first = seen.get(key);
        if (first) {
            problems.push(`${source.file} document ${source.document}: ${source.object.kind} ${source.object.metadata.namespace ?? ''}${source.object.metadata.namespace ? '/' : ''}${source.object.metadata.name} is already defined in ${first.file} document ${first.document}`);
        }
        else
            seen.set(key, source);
    }
    return problems;
}
const volatileMetadata = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'];
/** The parts of an object a user changes, for comparing a live object with its dry-run result. */
function comparable(object) {
    if (!object)
        return undefined;
    const copy = structuredClone(object);
    delete copy.status;
    const metadata = copy.metadata;
    if (metadata)
        for (const key of volatileMetadata)
            delete metadata[key];
    return copy;
}
/**
 * Field-level differences between two objects. A Secret's values never appear (redact.ts): a changed entry shows
 * its path and the placeholder, and a Secret shown whole (created, or deleted) shows its keys alone.
 */
function diffObjects(before, after, secret) {
    return diffValues(before, after, [], secret);
}
function diffValues(before, after, path, secret) {
    if (JSON.stringify(before) === JSON.stringify(after))
        return [];
    const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
    // Below a secret field the values differ somewhere, and where must not show either: one change for the field.
    const leaf = secret && (0,_manifests_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .isSecretField */ .nU)(path);
    if (!leaf && isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap(key => diffValues(before[key], after[key], [...path, key], secret));
    }
    if (!leaf && Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        return before.flatMap((item, i) => diffValues(item, after[i], [...path.slice(0, -1), `${path.at(-1) ?? ''}[${i}]`], secret));
    }
    const show = (v) => v === undefined
        ? undefined
        : leaf
            ? String((0,_manifests_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redactSecretAt */ .$1)(v, path))
            : JSON.stringify(secret ? (0,_manifests_redact_js__WEBPACK_IMPORTED_MODULE_1__/* .redactSecretAt */ .$1)(v, path) : v);
    return [{ path: path.join('.'), from: show(before), to: show(after) }];
}


/***/ }),

/***/ 7419:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A3: () => (/* binding */ applySetId),
/* harmony export */   Bu: () => (/* binding */ pruneCandidates),
/* harmony export */   Od: () => (/* binding */ scopeOf),
/* harmony export */   _P: () => (/* binding */ refusedPrunes),
/* harmony export */   cM: () => (/* binding */ parentObject),
/* harmony export */   dK: () => (/* binding */ applySetKeys),
/* harmony export */   mo: () => (/* binding */ unionScope),
/* harmony export */   qC: () => (/* binding */ labelMembers),
/* harmony export */   tY: () => (/* binding */ parseGroupKind),
/* harmony export */   wo: () => (/* binding */ parentState)
/* harmony export */ });
/* unused harmony exports ownTooling, groupKindOf */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1860);
/**
 * The ApplySet specification (KEP 3659, as kubectl apply --prune --applyset implements it in
 * k8s.io/kubectl/pkg/cmd/apply/applyset.go): which objects belong to a set, what its parent records, and what a
 * prune may delete. Pure, so each rule is table-tested.
 */


const applySetKeys = {
    id: 'applyset.kubernetes.io/id',
    partOf: 'applyset.kubernetes.io/part-of',
    tooling: 'applyset.kubernetes.io/tooling',
    groupKinds: 'applyset.kubernetes.io/contains-group-kinds',
    groupResources: 'applyset.kubernetes.io/contains-group-resources',
    namespaces: 'applyset.kubernetes.io/additional-namespaces'
};
/** The tooling value of a set this action starts. */
const ownTooling = 'build-and-deploy/v1';
/** Tools whose sets the action maintains: its own, and kubectl's, whose tooling value it keeps (see parentState). */
const sharedTools = new Set(['build-and-deploy', 'kubectl']);
/** The set's ID: base64url(sha256(<name>.<namespace>.<kind>.<group>)), wrapped as the spec's v1 format. */
function applySetId(parent, namespace) {
    // Secret and ConfigMap are in the core group, whose name is empty.
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(`${parent.name}.${namespace}.${parent.kind}.`).digest('base64url');
    return `applyset-${hash}-v1`;
}
/** kubectl's GroupKind string: Kind.group, or Kind alone in the core group. */
function groupKindOf(apiVersion, kind) {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    return group ? `${kind}.${group}` : kind;
}
function parseGroupKind(text) {
    const dot = text.indexOf('.');
    return dot < 0 ? { group: '', kind: text } : { group: text.slice(dot + 1), kind: text.slice(0, dot) };
}
const toolingName = (value) => (value.includes('/') ? value.slice(0, value.lastIndexOf('/')) : value);
/**
 * Reads the live parent (undefined when the set is new) with kubectl's checks: the tooling annotation, the ID
 * label, and the group-kinds annotation it needs to find members. Throws naming the parent.
 */
function parentState(live, parent, namespace) {
    const where = `ApplySet parent ${parent.kind.toLowerCase()}/${parent.name} in namespace ${namespace}`;
    if (!live)
        return { groupKinds: new Set(), namespaces: new Set([namespace]), tooling: ownTooling };
    const annotations = live.metadata.annotations ?? {};
    const tooling = annotations[applySetKeys.tooling];
    if (!tooling)
        throw new Error(`${where} exists but has no ${applySetKeys.tooling} annotation: it is not an ApplySet parent; name another object in applyset.`);
    if (!sharedTools.has(toolingName(tooling))) {
        throw new Error(`${where} is managed by tooling '${toolingName(tooling)}'; build-and-deploy maintains only its own sets and kubectl's. Name another object in applyset.`);
    }
    const id = live.metadata.labels?.[applySetKeys.id];
    const expected = applySetId(parent, namespace);
    if (id !== expected)
        throw new Error(`${where} has label ${applySetKeys.id}=${id ?? '(none)'}, expected ${expected}: it is not the parent of this set.`);
    const kinds = annotations[applySetKeys.groupKinds];
    if (kinds === undefined) {
        throw new Error(`${where} has no ${applySetKeys.groupKinds} annotation${annotations[applySetKeys.groupResources] !== undefined ? ` (only the ${applySetKeys.groupResources} of kubectl before 1.28: apply the set once with a newer kubectl)` : ''}.`);
    }
    const namespaces = (annotations[applySetKeys.namespaces] ?? '').split(',').filter(Boolean);
    return {
        groupKinds: new Set(kinds.split(',').filter(Boolean)),
        namespaces: new Set([namespace, ...namespaces]),
        tooling
    };
}
/** Adds the member label to every object; a manifest that sets it itself is a problem, as with kubectl. */
function labelMembers(items, id, describe) {
    const problems = [];
    const labelled = items.map(item => {
        if (item.object.metadata.labels?.[applySetKeys.partOf] !== undefined) {
            problems.push(`${describe(item)}: sets the label ${applySetKeys.partOf} itself; with prune the action sets it (remove it from the manifests)`);
        }
        const object = structuredClone(item.object);
        object.metadata.labels = { ...object.metadata.labels, [applySetKeys.partOf]: id };
        return { ...item, object };
    });
    return { items: labelled, problems };
}
/** The kinds and namespaces of the objects that carry the member label (not a Namespace create-namespace made). */
function scopeOf(objects, id) {
    const scope = { groupKinds: new Set(), namespaces: new Set() };
    for (const { object, namespaced } of objects) {
        if (object.metadata.labels?.[applySetKeys.partOf] !== id)
            continue;
        scope.groupKinds.add(groupKindOf(object.apiVersion, object.kind));
        if (namespaced && object.metadata.namespace)
            scope.namespaces.add(object.metadata.namespace);
    }
    return scope;
}
const unionScope = (a, b) => ({
    groupKinds: new Set([...a.groupKinds, ...b.groupKinds]),
    namespaces: new Set([...a.namespaces, ...b.namespaces])
});
/** The parent as server-side applied: its ID label and the annotations kubectl reads (sorted as kubectl writes them). */
function parentObject(parent, namespace, tooling, scope) {
    return {
        apiVersion: 'v1',
        kind: parent.kind,
        metadata: {
            name: parent.name,
            namespace,
            labels: { [applySetKeys.id]: applySetId(parent, namespace) },
            annotations: {
                [applySetKeys.tooling]: tooling,
                [applySetKeys.groupKinds]: [...scope.groupKinds].sort().join(','),
                [applySetKeys.namespaces]: [...scope.namespaces]
                    .filter(ns => ns !== namespace)
                    .sort()
                    .join(',')
            }
        }
    };
}
/**
 * The members to delete: listed with the set's label and absent from the manifests. The label is checked again
 * here, so an object outside the set is never a candidate whatever a server's selector did. Foundations last:
 * workloads before the CRDs and Namespaces that hold them, and otherwise by kind and name.
 */
function pruneCandidates(listed, keep, id) {
    const kept = new Set(keep.map(_manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__/* .objectKey */ .T5));
    const rank = (kind) => (kind === 'Namespace' ? 2 : kind === 'CustomResourceDefinition' ? 1 : 0);
    return listed
        .filter(({ object }) => object.metadata.labels?.[applySetKeys.partOf] === id && !kept.has((0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__/* .objectKey */ .T5)(object)))
        .sort((a, b) => rank(a.object.kind) - rank(b.object.kind) || (0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__/* .objectKey */ .T5)(a.object).localeCompare((0,_manifests_documents_js__WEBPACK_IMPORTED_MODULE_1__/* .objectKey */ .T5)(b.object)));
}
/** Deleting a Namespace or a CRD takes everything in it: refused unless prune-namespaces-and-crds. */
function refusedPrunes(candidates, namespacesAndCrds) {
    if (namespacesAndCrds)
        return [];
    return candidates
        .filter(c => c.kind === 'Namespace' || c.kind === 'CustomResourceDefinition')
        .map(c => `prune would delete ${c.kind} ${c.metadata.name}, which left the manifests, and ${c.kind === 'Namespace' ? 'every object in it' : 'every object of its kind'}; ` +
        'keep it in the manifests, or set prune-namespaces-and-crds: true to delete it');
}


/***/ }),

/***/ 8561:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   g: () => (/* binding */ childEnv),
/* harmony export */   r: () => (/* binding */ inputsBlanked)
/* harmony export */ });
/**
 * What the runner passes to an action as its inputs (INPUT_REGISTRY-PASSWORD, INPUT_GITHUB-TOKEN,
 * INPUT_KUBECONFIG …): the credentials of this step, which no child process needs and any could leak.
 */
const isActionInput = (name) => /^INPUT_/i.test(name);
/** The environment of a child process (docker, helm, kustomize, the verify command): the runner's, minus inputs. */
function childEnv(extra = {}, env = process.env) {
    const out = {};
    for (const [name, value] of Object.entries(env))
        if (value !== undefined && !isActionInput(name))
            out[name] = value;
    return { ...out, ...extra };
}
/**
 * For a runner that only adds variables to the environment it inherits (client-node's exec credential plugin
 * runner): every input emptied, the plugin's own variables after them.
 */
function inputsBlanked(env = process.env) {
    return Object.keys(env)
        .filter(isActionInput)
        .map(name => ({ name, value: '' }));
}


/***/ }),

/***/ 506:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  N5: () => (/* binding */ checkRecordSize),
  lb: () => (/* binding */ readReleasesOfTarget),
  ty: () => (/* binding */ recordRelease)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: ./src/releases/record.ts
var releases_record = __webpack_require__(7733);
// EXTERNAL MODULE: ./src/kube/errors.ts
var errors = __webpack_require__(3646);
;// CONCATENATED MODULE: ./src/releases/store.ts


const secrets = (namespace) => ({ apiVersion: 'v1', kind: 'Secret', namespace });
/**
 * The Secrets holding releases of `name` in `namespace`. A Secret of someone else's that carries the label is never
 * read as a record, nor deleted by history-max: the type and the managed-by label must match too.
 */
async function releaseSecrets(kube, namespace, name, signal) {
    const list = await kube.list(secrets(namespace), { labelSelector: `${releases_record/* releaseLabels */.lM.name}=${name},app.kubernetes.io/managed-by=build-and-deploy` }, { signal });
    return list.items.filter(item => item.type === releases_record/* releaseSecretType */.cW);
}
/** The releases kept, oldest first (by number, from the label; nothing decoded). */
const storedReleases = (items) => items
    .map(item => ({ number: Number(item.metadata.labels?.[releases_record/* releaseLabels */.lM.number]), secret: item.metadata.name }))
    .filter(release => Number.isInteger(release.number) && release.number > 0)
    .sort((a, b) => a.number - b.number);
/** Every release record of `name` in `namespace`, oldest first; one that cannot be read is left out, with a warning. */
async function readReleases(kube, namespace, name, warn = () => undefined) {
    const records = [];
    for (const item of (await releaseSecrets(kube, namespace, name)).filter(i => i.data?.release)) {
        try {
            records.push((0,releases_record/* decodeRecord */.eT)(item.data.release, `${namespace}/${item.metadata.name}`));
        }
        catch (error) {
            warn(`${error.message} It is left out of the history.`);
        }
    }
    return records.sort((a, b) => a.number - b.number);
}
/**
 * Stores `record` as the next release of its name (its number is set here), then deletes the oldest beyond
 * `historyMax`. A release written at the same moment by a run without the lock takes the number: the next is tried.
 */
async function writeRelease(kube, namespace, record, historyMax, warn = () => undefined, signal) {
    const kept = storedReleases(await releaseSecrets(kube, namespace, record.name, signal));
    let number = (0,releases_record/* nextReleaseNumber */.aO)(kept.map(r => r.number));
    for (let attempt = 0;; attempt++) {
        const full = { ...record, number };
        const encoded = (0,releases_record/* encodeRecord */.Ym)(full);
        const problem = (0,releases_record/* oversizeProblem */.jT)(encoded, record.objects.length);
        if (problem)
            throw new Error(problem);
        try {
            await kube.create({
                apiVersion: 'v1',
                kind: 'Secret',
                type: releases_record/* releaseSecretType */.cW,
                metadata: {
                    name: (0,releases_record/* releaseSecretName */.VO)(record.name, number),
                    namespace,
                    labels: {
                        [releases_record/* releaseLabels */.lM.name]: record.name,
                        [releases_record/* releaseLabels */.lM.number]: String(number),
                        [releases_record/* releaseLabels */.lM.result]: record.result,
                        'app.kubernetes.io/managed-by': 'build-and-deploy'
                    }
                },
                // data is base64 of its bytes: the Secret holds the gzip itself.
                data: { release: encoded }
            }, { signal });
            break;
        }
        catch (error) {
            if (!(error instanceof errors/* KubeApiError */.W && error.statusCode === 409) || attempt >= 3)
                throw error;
            number++;
        }
    }
    // The oldest beyond history-max, from the list read before the write: the lock keeps other runs from writing
    // meanwhile, and a run without it at worst leaves one record too many, for the next run to delete.
    const stale = (0,releases_record/* releasesBeyond */.AV)([...kept.map(r => r.number), number], historyMax);
    try {
        for (const release of kept.filter(r => stale.includes(r.number)))
            await kube.delete({ ...secrets(namespace), name: release.secret }, { signal }).catch(error => {
                if (!(error instanceof errors/* KubeApiError */.W && error.statusCode === 404))
                    throw error;
            });
    }
    catch (error) {
        warn(`Release ${number} was recorded, but older records beyond history-max were not deleted: ${error.message}`);
    }
    return { ...record, number };
}

// EXTERNAL MODULE: ./src/run/context.ts
var context = __webpack_require__(670);
// EXTERNAL MODULE: ./src/run/lock.ts
var lock = __webpack_require__(8642);
;// CONCATENATED MODULE: ./src/releases/record-step.ts





const recordOf = (settings, objects, images, result, changes) => ({
    version: 1,
    name: settings.releases.name,
    commit: settings.run.sha,
    runUrl: settings.run.runUrl,
    actor: settings.run.actor,
    result,
    time: new Date().toISOString(),
    images,
    changes,
    objects: objects.map(releases_record/* recordedObject */.Y_)
});
/** Before anything is applied: a release whose record would not fit in a Secret is refused, the cluster untouched. */
function checkRecordSize(settings, objects, release) {
    if (settings.dryRun || settings.releases.historyMax === 0)
        return;
    const planned = recordOf(settings, objects.map(o => o.object), release.images, 'succeeded', []);
    const problem = (0,releases_record/* oversizeProblem */.jT)((0,releases_record/* encodeRecord */.Ym)({ ...planned, number: 1 }), objects.length);
    if (problem)
        throw new Error(problem);
}
/**
 * After a deploy that succeeded, was rolled back, or failed and was left as it was, under its lock: the release
 * record. A deploy that got this far has happened, so a record that cannot be written is a warning, not a failure.
 */
async function recordRelease(kube, settings, applied, verdict, release) {
    if (settings.dryRun || settings.releases.historyMax === 0)
        return;
    const { namespace } = applied;
    const record = recordOf(settings, applied.objects, release.images, verdict, applied.changes);
    try {
        // A run that failed may have failed on an API server that stopped answering: its record gets a second, so
        // that such a run still ends soon after its timeout.
        const deadline = AbortSignal.timeout(verdict === 'failed' ? 1_000 : 30_000);
        const written = await writeRelease(kube, namespace, record, settings.releases.historyMax, line => core/* warning */.$e(line), deadline);
        core/* info */.pq(`Recorded release ${written.number} of ${written.name} in ${namespace} (${written.result}; history-max ${settings.releases.historyMax}).`);
        return written;
    }
    catch (error) {
        core/* warning */.$e(`Release record not written in ${namespace}: ${error.message} History and whole-set rollbacks will not know this release; the deployer needs create, list and delete on Secrets there (or set history-max: 0).`);
        return undefined;
    }
}
/**
 * The release records of the manifests' target (the namespace the lock and the records go to), oldest first;
 * undefined, with a warning, when they cannot be read (a deployer without list on Secrets).
 */
async function readReleasesOfTarget(settings, objects) {
    return (0,context/* withCluster */.B)(settings, async ({ kube }) => {
        const namespace = (0,lock/* lockNamespace */.vH)(objects.map(o => o.object), settings.namespace, kube.namespace);
        try {
            return {
                namespace,
                records: await readReleases(kube, namespace, settings.releases.name, line => core/* warning */.$e(line))
            };
        }
        catch (error) {
            core/* warning */.$e(`Cannot read the release records in ${namespace}: ${error.message}`);
            return undefined;
        }
    });
}


/***/ }),

/***/ 7733:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AV: () => (/* binding */ releasesBeyond),
/* harmony export */   VO: () => (/* binding */ releaseSecretName),
/* harmony export */   Y_: () => (/* binding */ recordedObject),
/* harmony export */   Ym: () => (/* binding */ encodeRecord),
/* harmony export */   aO: () => (/* binding */ nextReleaseNumber),
/* harmony export */   cW: () => (/* binding */ releaseSecretType),
/* harmony export */   eT: () => (/* binding */ decodeRecord),
/* harmony export */   jT: () => (/* binding */ oversizeProblem),
/* harmony export */   lM: () => (/* binding */ releaseLabels),
/* harmony export */   lb: () => (/* binding */ changeSummary),
/* harmony export */   n4: () => (/* binding */ secretMatchesRecord),
/* harmony export */   r3: () => (/* binding */ isRecordedSecret)
/* harmony export */ });
/* unused harmony export recordLimitBytes */
/* harmony import */ var _plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7419);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_2__);



/** A Secret may hold at most 1 MiB (etcd's object limit, as Helm meets it); the record must fit with its metadata. */
const recordLimitBytes = 1024 * 1024 - 16 * 1024;
const releaseLabels = {
    name: 'build-and-deploy/release',
    number: 'build-and-deploy/release-number',
    result: 'build-and-deploy/release-result'
};
const releaseSecretType = 'build-and-deploy/release.v1';
/** The Secret of release `number`: names are DNS subdomains, and a lock-name is a DNS label. */
const releaseSecretName = (name, number) => `build-and-deploy.release.${name}.v${number}`;
/** Of the value's bytes: a binary value (a keystore) is not decoded as text first. */
const sha256 = (bytes) => `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.createHash)('sha256').update(bytes).digest('hex')}`;
/**
 * An object as it goes into a record. A Secret keeps its keys, each with the SHA-256 of its value (decoded from
 * base64 for data), and never a value: a rollback can tell whether the live Secret still holds the same thing.
 */
function recordedObject(object) {
    const copy = structuredClone(object);
    // The ApplySet membership label is the prune's to set on each apply, never the manifests' (a restore is refused
    // if they carry it).
    const labels = copy.metadata.labels;
    if (labels?.[_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_0__/* .applySetKeys */ .dK.partOf] !== undefined) {
        delete labels[_plan_applyset_plan_js__WEBPACK_IMPORTED_MODULE_0__/* .applySetKeys */ .dK.partOf];
        if (Object.keys(labels).length === 0)
            delete copy.metadata.labels;
    }
    if (copy.kind !== 'Secret' || copy.apiVersion !== 'v1')
        return copy;
    const hashes = {};
    for (const [key, value] of Object.entries((copy.data ?? {})))
        hashes[key] = sha256(Buffer.from(String(value), 'base64'));
    for (const [key, value] of Object.entries((copy.stringData ?? {})))
        hashes[key] = sha256(Buffer.from(String(value), 'utf8'));
    delete copy.data;
    delete copy.stringData;
    copy.secretHashes = hashes;
    return copy;
}
/** The record as it is stored: gzip of its JSON, in base64 as a Secret's data value is written. */
function encodeRecord(record) {
    return (0,node_zlib__WEBPACK_IMPORTED_MODULE_2__.gzipSync)(Buffer.from(JSON.stringify(record))).toString('base64');
}
function decodeRecord(encoded, where) {
    let record;
    try {
        record = JSON.parse((0,node_zlib__WEBPACK_IMPORTED_MODULE_2__.gunzipSync)(Buffer.from(encoded, 'base64')).toString('utf8'));
    }
    catch (error) {
        throw new Error(`The release record ${where} cannot be read (not gzip of JSON): ${error.message}`, {
            cause: error
        });
    }
    if (record.version !== 1)
        throw new Error(`The release record ${where} has format ${record.version}; this version of the action reads 1.`);
    return record;
}
/** Why `encoded` cannot be stored, or undefined when it fits in a Secret (which counts its decoded bytes). */
function oversizeProblem(encoded, objectCount) {
    const bytes = Buffer.from(encoded, 'base64').length;
    if (bytes <= recordLimitBytes)
        return undefined;
    return `The release record of these ${objectCount} objects is ${(bytes / 2 ** 20).toFixed(2)} MiB compressed, and a Secret holds at most 1 MiB: split the manifests into several targets (lock-name), or set history-max: 0 to deploy without release records.`;
}
/** The number the next release gets: one past the highest kept (numbers are never reused, even after a prune). */
const nextReleaseNumber = (numbers) => Math.max(0, ...numbers) + 1;
/** The releases to delete so that `historyMax` remain, oldest first. */
function releasesBeyond(numbers, historyMax) {
    const sorted = [...numbers].sort((a, b) => a - b);
    return sorted.slice(0, Math.max(0, sorted.length - historyMax));
}
/** A line of history: what a release changed, counted by action, e.g. `2 created, 1 configured, 1 pruned`. */
function changeSummary(changes) {
    const counts = new Map();
    for (const { action } of changes)
        counts.set(action, (counts.get(action) ?? 0) + 1);
    const order = ['created', 'configured', 'replaced', 'pruned', 'unchanged', 'failed', 'not applied'];
    return ([...counts]
        .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
        .map(([action, count]) => `${count} ${action}`)
        .join(', ') || 'nothing applied');
}
/** A Secret as a record keeps it: keys and hashes, no values (recordedObject). */
const isRecordedSecret = (object) => object.kind === 'Secret' && object.apiVersion === 'v1' && object.secretHashes !== undefined;
/**
 * Whether the live Secret still holds what the release had: the same keys, each value with the recorded hash. A
 * record keeps no values, so a Secret that differs cannot be restored from it.
 */
function secretMatchesRecord(recorded, live) {
    if (!live)
        return false;
    const { secretHashes } = recordedObject({ ...recorded, data: live.data ?? {}, stringData: undefined });
    const want = recorded.secretHashes;
    const have = secretHashes;
    return Object.keys(want).length === Object.keys(have).length && Object.entries(want).every(([k, v]) => have[k] === v);
}


/***/ }),

/***/ 9268:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ releasesOutput),
/* harmony export */   j: () => (/* binding */ releaseLogLines)
/* harmony export */ });
/* harmony import */ var _rollback_history_log_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2751);
/* harmony import */ var _record_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7733);


/** mode history's list of releases for the log, newest first (commits and images shortened, as for revisions). */
function releaseLogLines(records, name, namespace) {
    if (records.length === 0)
        return [`Releases of ${name} (namespace ${namespace}): none recorded yet (they are written from this version on).`];
    return [
        `Releases of ${name} (namespace ${namespace}):`,
        ...(0,_rollback_history_log_js__WEBPACK_IMPORTED_MODULE_1__/* .table */ .tp)([
            ['RELEASE', 'COMMIT', 'RESULT', 'TIME', 'IMAGES', 'CHANGES'],
            ...[...records]
                .reverse()
                .map(record => [
                String(record.number),
                record.commit.slice(0, 7),
                record.result,
                (0,_rollback_history_log_js__WEBPACK_IMPORTED_MODULE_1__/* .shortTime */ .Mj)(record.time),
                record.images.map(_rollback_history_log_js__WEBPACK_IMPORTED_MODULE_1__/* .shortImage */ .Uq).join(', ') || '-',
                (0,_record_js__WEBPACK_IMPORTED_MODULE_0__/* .changeSummary */ .lb)(record.changes)
            ])
        ])
    ];
}
/** The releases output: each record without its objects (they are the manifests as applied). */
const releasesOutput = (records) => records.map(({ objects: _objects, ...rest }) => ({ ...rest, summary: (0,_record_js__WEBPACK_IMPORTED_MODULE_0__/* .changeSummary */ .lb)(rest.changes) }));


/***/ }),

/***/ 7994:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Br: () => (/* binding */ renderSummary),
/* harmony export */   C_: () => (/* binding */ dryRunChanges),
/* harmony export */   gZ: () => (/* binding */ builtImagesOutput),
/* harmony export */   lA: () => (/* binding */ planSection)
/* harmony export */ });
/* unused harmony export targetLine */
/* harmony import */ var _format_duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(447);
/* harmony import */ var _deploy_takeover_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3066);
/* harmony import */ var _status_diagnosis_lines_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(669);
/* harmony import */ var _format_markdown_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(1990);
/* harmony import */ var _rollback_live_revision_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(5844);
/* harmony import */ var _manifests_annotate_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7528);
/* harmony import */ var _strategies_registry_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5769);
/* harmony import */ var _releases_record_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7733);








/** The built-images output: every image of the run by name, for fromJSON(...).<name>.imageRef in a workflow. */
function builtImagesOutput(images) {
    return Object.fromEntries(images.map(image => [
        image.name,
        {
            image: image.reference,
            digest: image.digest ?? null,
            imageRef: image.digest ? `${image.repository}@${image.digest}` : null,
            tags: image.tags.all.map(tag => `${image.repository}:${tag}`),
            reused: image.reused
        }
    ]));
}
/** The containers' images of a workload's pod template (a CronJob's, a Pod's own). */
function templateImages(object) {
    const spec = object?.spec;
    const pod = object?.kind === 'Pod'
        ? spec
        : object?.kind === 'CronJob'
            ? spec?.jobTemplate?.spec?.template?.spec
            : spec?.template?.spec;
    return (pod?.containers ?? []).map(c => c.image ?? '');
}
/** A workload's images, `before → after` where this run changed them, as a summary cell. */
function imageChange(applied) {
    const after = templateImages(applied?.result);
    if (after.length === 0)
        return '';
    const before = templateImages(applied?.before);
    return after
        .map((image, i) => before[i] && before[i] !== image
        ? `${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(shortImage(before[i]))} → ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(shortImage(image))}`
        : (0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(shortImage(image)))
        .join('<br>');
}
/** An image reference with a commit-long tag cut to 12 characters, so that the table stays readable. */
const shortImage = (image) => image.replace(/:([0-9a-f]{40})(@|$)/, (_, tag, end) => `:${tag.slice(0, 12)}${end}`);
/** A revision a rollback went to, with the image and commit it brings back, so that "revision 4" says what it is. */
function restoredRevision(plan) {
    const images = templateImages({ kind: 'Pod', spec: plan.template?.spec }).map(image => (0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(shortImage(image)));
    const commit = plan.template?.metadata?.annotations?.[_manifests_annotate_js__WEBPACK_IMPORTED_MODULE_2__/* .annotationKeys */ .ic.commit];
    return [
        `revision ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(plan.revision)}`,
        images.length > 0 ? `: ${images.join(', ')}` : '',
        commit ? ` (commit ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(commit.slice(0, 12))})` : ''
    ].join('');
}
/** One line under the heading: the commit, where it went (cluster, context, namespace) and how (strategy). */
function targetLine(report) {
    const t = report.target;
    if (!t)
        return undefined;
    const parts = [
        t.commit ? `**Commit** ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(t.commit.slice(0, 12))}${t.ref ? ` (${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(t.ref)})` : ''}` : undefined,
        t.server ? `**Cluster** ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(t.server)}${t.context ? ` (context ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(t.context)})` : ''}` : undefined,
        t.namespace ? `**Namespace** ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(t.namespace)}` : undefined,
        ['deploy', 'apply', 'promote'].includes(report.mode) && t.strategy ? `**Strategy** ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(t.strategy)}` : undefined
    ].filter(Boolean);
    return parts.length > 0 ? parts.join(' · ') : undefined;
}
/** The job summary, as Markdown: what was built, what was applied, how each rollout went, and why it failed. */
function renderSummary(report) {
    return [
        ...headline(report),
        ...imagesSection(report),
        ...resourcesSection(report),
        ...hooksSection(report),
        ...planSection(report),
        ...dryRunChanges(report),
        ...(report.traffic ? (0,_strategies_registry_js__WEBPACK_IMPORTED_MODULE_3__/* .strategyNamed */ .vL)(report.traffic.strategy).summary(report.traffic) : []),
        ...rolloutProblems(report),
        ...liveRevisions(report),
        ...historySections(report),
        ...rollbackSection(report)
    ].join('\n');
}
function headline(report) {
    const out = [];
    const icon = report.result === 'succeeded'
        ? '✅'
        : report.result === 'rolled-back'
            ? '↩️'
            : report.result === 'cancelled'
                ? '⏹️'
                : '❌';
    out.push(`## ${icon} build-and-deploy: ${report.dryRun ? 'dry run ' : ''}${report.result} in ${(0,_format_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(report.durationMs)}`, '');
    const header = targetLine(report);
    if (header)
        out.push(header, '');
    // A diagnosis is shown once, under Rollout problems, not again in the error that repeats it for the log.
    const diagnosed = new Set(report.waits.flatMap(w => (w.state !== 'succeeded' && w.diagnosis ? (0,_status_diagnosis_lines_js__WEBPACK_IMPORTED_MODULE_6__/* .formatDiagnosis */ .N)(w.diagnosis) : [])));
    if (report.error)
        out.push(...(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .fenced */ .OF)('text', [
            report.error
                .split('\n')
                .filter(line => !diagnosed.has(line))
                .join('\n')
        ]), '');
    return out;
}
/** How the image came to be, and what its index holds: built or reused, signature, platforms, attestations. */
function buildCell(image) {
    const parts = [image.reused ? 'reused (tag existed)' : 'built'];
    if (image.signature)
        parts.push(image.signature);
    if (image.platforms?.length)
        parts.push(`platforms ${image.platforms.join(', ')}`);
    if (image.attestations)
        parts.push(`attestations: ${image.attestations.join('; ') || 'none'}`);
    return parts.map(_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG).join(', ');
}
function imagesSection(report) {
    const out = [];
    if (report.images.length > 0) {
        out.push(report.images.length === 1 ? '### Image' : '### Images', '', '| Image | Tags | Digest | Build |', '| --- | --- | --- | --- |');
        for (const image of report.images) {
            out.push(`| ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(image.repository)} | ${image.tags.all.map(_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY).join(', ') || 'none (pushed by digest)'} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(image.digest ?? 'not pushed')} | ${buildCell(image)} |`);
        }
        out.push('');
    }
    return out;
}
/** What changed (or has something to say) in a table, with each workload's image before → after; the rest folded. */
function resourcesSection(report) {
    const out = [];
    if (report.resources.length > 0) {
        const changed = report.resources.filter(r => r.action !== 'unchanged' || r.note || (r.rollout !== undefined && r.rollout !== 'succeeded'));
        const unchanged = report.resources.filter(r => !changed.includes(r));
        out.push('### Resources', '');
        if (changed.length > 0) {
            out.push('| Resource | Namespace | Apply | Rollout | Time | Image |', '| --- | --- | --- | --- | --- | --- |');
            for (const r of changed) {
                const images = imageChange(report.applied.find(a => a.target.object.kind === r.kind &&
                    a.target.object.metadata.name === r.name &&
                    a.target.object.metadata.namespace === r.namespace));
                out.push(`| ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.kind)}/${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.name)} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.namespace ?? '')} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.action)}${report.dryRun ? ' (dry run)' : ''}${r.note ? ` (${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.note)})` : ''} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.rollout)} | ${r.durationMs === undefined ? '' : (0,_format_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(r.durationMs)} | ${images} |`);
            }
            out.push('');
        }
        if (unchanged.length > 0) {
            out.push(`<details><summary>${unchanged.length} unchanged</summary>`, '', unchanged.map(r => `${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.kind)}/${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.name)}${r.namespace ? ` (${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.namespace)})` : ''}`).join(', '), '', '</details>', '');
        }
        const takeover = (0,_deploy_takeover_js__WEBPACK_IMPORTED_MODULE_1__/* .takeoverSummary */ .YN)(report.applied, report.dryRun);
        if (takeover)
            out.push(`${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(takeover)}.`, '');
    }
    return out;
}
function hooksSection(report) {
    const out = [];
    if (report.hooks && report.hooks.length > 0) {
        out.push('### Hooks', '', '| Step | Hook | Namespace | Declared by | Result | Time |', '| --- | --- | --- | --- | --- | --- |');
        for (const h of report.hooks) {
            const result = `${h.state}${h.deleted ? ' (deleted)' : ''}`;
            out.push(`| ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(h.phase)}-deploy, weight ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(h.weight)} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(h.kind)}/${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(h.name)} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(h.namespace ?? '')} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(h.declaredAs)} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(result)} | ${h.durationMs === undefined ? '' : (0,_format_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(h.durationMs)} |`);
        }
        out.push('');
    }
    return out;
}
function dryRunChanges(report) {
    const out = [];
    if (report.dryRun) {
        const changed = report.applied.filter(a => a.changes.length > 0);
        if (changed.length > 0) {
            out.push('### Changes the apply would make', '');
            for (const item of changed) {
                const o = item.target.object;
                const lines = item.changes
                    .slice(0, 200)
                    .flatMap(change => [
                    ...(change.from !== undefined ? [`- ${change.path}: ${change.from}`] : []),
                    ...(change.to !== undefined ? [`+ ${change.path}: ${change.to}`] : [])
                ]);
                out.push(`<details><summary>${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .html */ .qy)(o.kind)}/${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .html */ .qy)(o.metadata.name)}: ${item.changes.length} field${item.changes.length === 1 ? '' : 's'}</summary>`, '', ...(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .fenced */ .OF)('diff', lines), '</details>', '');
            }
        }
    }
    return out;
}
const objectList = (items) => items.map(r => `${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.kind)}/${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.name)}`).join(', ') || '–';
/** mode plan: what the deploy would do, what would roll, and what drifted since the last release. */
function planSection(report) {
    const plan = report.plan;
    if (!plan)
        return [];
    const by = (...actions) => report.resources.filter(r => actions.includes(r.action));
    const out = [
        '### Plan',
        '',
        '| | Objects |',
        '| --- | --- |',
        `| Would create | ${objectList(by('created'))} |`,
        `| Would change | ${objectList(by('configured', 'replaced'))} |`,
        `| Would prune | ${objectList(by('pruned'))} |`,
        `| Would roll | ${plan.wouldRoll.map(_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG).join(', ') || '–'} |`,
        `| Unchanged | ${by('unchanged').length} |`,
        ''
    ];
    if (plan.sinceRelease === undefined)
        out.push('Drift: no release recorded yet to compare with.', '');
    else if (plan.drift.length === 0)
        out.push(`No drift since release ${plan.sinceRelease}.`, '');
    else {
        out.push(`**Drift** since release ${plan.sinceRelease}: changed in the cluster by hand or by another manager.`, '');
        const lines = plan.drift.flatMap(d => d.changes.flatMap(change => [
            ...(change.from !== undefined ? [`- ${d.kind}/${d.name} ${change.path}: ${change.from}`] : []),
            ...(change.to !== undefined ? [`+ ${d.kind}/${d.name} ${change.path}: ${change.to}`] : [])
        ]));
        out.push(...(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .fenced */ .OF)('diff', lines.slice(0, 200)), '');
    }
    return out;
}
function rolloutProblems(report) {
    const out = [];
    const failures = report.waits.filter(w => w.state !== 'succeeded');
    if (failures.length > 0) {
        out.push('### Rollout problems', '');
        for (const failure of failures) {
            const name = `${failure.item.kind.toLowerCase()}/${failure.item.name}`;
            const message = failure.message.startsWith(`${name}: `) ? failure.message.slice(name.length + 2) : failure.message;
            out.push(`- **${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(name)}**: ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(message)}`);
            if (failure.diagnosis)
                out.push('', ...(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .fenced */ .OF)('text', (0,_status_diagnosis_lines_js__WEBPACK_IMPORTED_MODULE_6__/* .formatDiagnosis */ .N)(failure.diagnosis)));
        }
        out.push('');
    }
    return out;
}
function liveRevisions(report) {
    const out = [];
    if (report.mode === 'rollback' && report.history && report.history.length > 0) {
        out.push('### Rollback: live revisions', '', '| Workload | Revision | Image | Commit |', '| --- | --- | --- | --- |');
        for (const history of report.history) {
            const live = (0,_rollback_live_revision_js__WEBPACK_IMPORTED_MODULE_7__/* .liveRow */ .ls)(history);
            out.push(`| ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)((0,_rollback_live_revision_js__WEBPACK_IMPORTED_MODULE_7__/* .workloadName */ .vO)(history))} | ${live ? (0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(live.revision) : '(none live)'} | ${(live?.images ?? []).map(_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY).join('<br>')} | ${live?.commit ? (0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(live.commit.slice(0, 12)) : ''} |`);
        }
        out.push('');
    }
    return out;
}
function releasesSection(report) {
    if (!report.releases)
        return [];
    const out = ['### Releases', ''];
    if (report.releases.length === 0)
        return [...out, 'None recorded yet.', ''];
    out.push('| Release | Commit | Result | Time | Images | Changes |', '| --- | --- | --- | --- | --- | --- |');
    for (const release of [...report.releases].reverse())
        out.push(`| ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(release.number)} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(release.commit.slice(0, 12))} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(release.result)} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(release.time)} | ${release.images.map(_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY).join('<br>')} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)((0,_releases_record_js__WEBPACK_IMPORTED_MODULE_4__/* .changeSummary */ .lb)(release.changes))} |`);
    return [...out, ''];
}
function historySections(report) {
    const out = [...releasesSection(report)];
    for (const { workload, rows } of report.history ?? []) {
        out.push(`### History of ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(workload.kind.toLowerCase())}/${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(workload.name)} (${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(workload.namespace)})`, '');
        out.push('| Revision | Commit | Image | Change cause | Created | Live |', '| --- | --- | --- | --- | --- | --- |');
        for (const row of rows) {
            out.push(`| ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(row.revision)} | ${row.commit ? (0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)(row.commit.slice(0, 12)) : ''} | ${row.images.map(_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY).join('<br>')} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(row.changeCause)} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(row.created)} | ${row.live ? '✅ live' : ''} |`);
        }
        out.push('');
    }
    return out;
}
function rollbackSection(report) {
    const out = [];
    if (report.rollback) {
        const rollback = report.rollback;
        out.push(`### Rollback ${rollback.succeeded ? 'completed' : 'did not complete'} in ${(0,_format_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(rollback.durationMs)}`, '');
        out.push('| Workload | Restored to | Rollout |', '| --- | --- | --- |');
        for (const r of rollback.restored) {
            const wait = rollback.waits.find(w => w.item.kind === r.workload.kind &&
                w.item.name === r.workload.name &&
                w.item.namespace === r.workload.namespace);
            out.push(`| ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.workload.kind)}/${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.workload.name)} | ${r.plan.action === 'skip' ? (0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(r.plan.reason) : restoredRevision(r.plan)} | ${(0,_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG)(wait?.state)} |`);
        }
        out.push('');
        if (rollback.created.length > 0)
            out.push(`Created by this run${rollback.deleted ? ' and deleted again' : ', left in place (rollback-delete-new: false)'}: ${rollback.created.map(_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG).join(', ')}.`, '');
        if (rollback.notRestored.length > 0)
            out.push(`Changed by this run and not restored (rollback restores workloads only): ${rollback.notRestored.map(_format_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .inline */ .mG).join(', ')}.`, '');
    }
    return out;
}


/***/ }),

/***/ 2751:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ct: () => (/* binding */ historyLogLines),
/* harmony export */   Mj: () => (/* binding */ shortTime),
/* harmony export */   Uq: () => (/* binding */ shortImage),
/* harmony export */   tp: () => (/* binding */ table)
/* harmony export */ });
/* harmony import */ var _live_revision_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5844);

/** registry/team/web:0123…(40) → web:0123abc; a digest keeps its first 7 hex digits; another tag stays. */
function shortImage(reference) {
    const [withoutDigest, digest] = reference.split('@');
    const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
    const colon = lastSegment.indexOf(':');
    const name = colon < 0 ? lastSegment : lastSegment.slice(0, colon);
    const tag = colon < 0 ? undefined : lastSegment.slice(colon + 1);
    const shortTag = tag && /^[0-9a-f]{40}$/.test(tag) ? tag.slice(0, 7) : tag;
    const shortDigest = digest ? `@${digest.replace(/^(sha256:[0-9a-f]{7})[0-9a-f]*$/, '$1')}` : '';
    return `${name}${shortTag ? `:${shortTag}` : ''}${shortDigest}`;
}
/** 2026-12-03T14:30:05Z → 2026-12-03 14:30:05 (UTC, as the API gives it). */
const shortTime = (created) => created ? created.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '';
function table(rows) {
    const widths = rows[0].map((_, i) => Math.max(...rows.map(row => row[i].length)));
    return rows.map(row => `  ${row.map((value, i) => value.padEnd(widths[i])).join('  ')}`.trimEnd());
}
/** Per workload: a heading line, then revision, commit, image, created and live, newest first. */
function historyLogLines(histories) {
    return histories.flatMap(history => [
        `History of ${(0,_live_revision_js__WEBPACK_IMPORTED_MODULE_0__/* .workloadName */ .vO)(history)} (namespace ${history.workload.namespace}):`,
        ...(history.rows.length === 0
            ? ['  no revisions']
            : table([
                ['REVISION', 'COMMIT', 'IMAGE', 'CREATED', ''],
                ...history.rows.map(row => [
                    String(row.revision),
                    row.commit?.slice(0, 7) ?? '-',
                    row.images.map(shortImage).join(', ') || '-',
                    shortTime(row.created),
                    row.live ? 'live' : ''
                ])
            ]))
    ]);
}


/***/ }),

/***/ 5844:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IY: () => (/* binding */ describeLive),
/* harmony export */   ls: () => (/* binding */ liveRow),
/* harmony export */   vO: () => (/* binding */ workloadName)
/* harmony export */ });
const workloadName = ({ workload }) => `${workload.kind.toLowerCase()}/${workload.name}`;
/**
 * The revision of a workload that runs after a rollback. The undo renumbers (kubectl's rule: the restored revision
 * becomes the newest), so the number alone would not say what runs: the image and the commit do.
 */
const liveRow = (history) => history.rows.find(row => row.live);
/** The log line: deployment/web: live revision 4, image registry/web:sha, commit 0123456789ab. */
function describeLive(history) {
    const live = liveRow(history);
    if (!live)
        return `${workloadName(history)}: no live revision in its history`;
    const commit = live.commit ? `commit ${live.commit.slice(0, 12)}` : 'no commit recorded';
    return `${workloadName(history)}: live revision ${live.revision}, image ${live.images.join(', ') || '(none)'}, ${commit}`;
}


/***/ }),

/***/ 670:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ withCluster)
/* harmony export */ });
/* unused harmony export ClusterContext */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var _kube_connect_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3390);
/* harmony import */ var _lock_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8642);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4352);




/**
 * The cluster a mode acts on: the connection, the namespace that objects naming none go to, and the deploy lock,
 * taken at most once and released by withCluster whatever the work did.
 */
class ClusterContext {
    kube;
    settings;
    lock;
    constructor(kube, settings) {
        this.kube = kube;
        this.settings = settings;
    }
    get targetNamespace() {
        return (0,_kube_connect_js__WEBPACK_IMPORTED_MODULE_1__/* .defaultNamespace */ .L)(this.settings.namespace, this.kube);
    }
    get holdsLock() {
        return this.lock !== undefined;
    }
    /** Takes the deploy lock when the lock input is on, and records it so the post step can release it. */
    async holdLock(namespace, signal) {
        const { lock: wanted, run } = this.settings;
        if (!wanted || this.lock)
            return;
        const holder = { identity: (0,_lock_js__WEBPACK_IMPORTED_MODULE_2__/* .defaultIdentity */ .yY)(run.runUrl), runUrl: run.runUrl, actor: run.actor, sha: run.sha };
        this.lock = await _lock_js__WEBPACK_IMPORTED_MODULE_2__/* .DeployLock */ .Fc.acquire(this.kube, namespace, wanted.name, holder, wanted.timeoutMs, line => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(line), signal);
        (0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .saveHeldLock */ .UZ)({ namespace: this.lock.namespace, name: this.lock.name, identity: holder.identity });
    }
    async release() {
        await this.lock
            ?.release()
            .catch(error => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Could not release the deploy lock: ${error.message}`));
        this.lock = undefined;
    }
}
/**
 * Connects (through `connected`, the early connection, when there is one), authenticates, runs `work`, then
 * releases the lock if it took one and closes.
 */
async function withCluster(settings, work, connected) {
    const context = new ClusterContext(connected ?? (0,_kube_connect_js__WEBPACK_IMPORTED_MODULE_1__/* .connect */ .N)(settings.kube, { stallLimitMs: settings.timeoutMs }), settings);
    try {
        await context.kube.authenticate();
        return await work(context);
    }
    finally {
        await context.release();
        context.kube.close();
    }
}


/***/ }),

/***/ 8642:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fc: () => (/* binding */ DeployLock),
/* harmony export */   aW: () => (/* binding */ isNamespaceMissing),
/* harmony export */   vH: () => (/* binding */ lockNamespace),
/* harmony export */   yY: () => (/* binding */ defaultIdentity)
/* harmony export */ });
/* unused harmony exports leaseExpired, describeHolder, releaseLease */
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _kube_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3646);


const leaseDurationSeconds = 30;
const annotationPrefix = 'build-and-deploy/lock-';
/** Kubernetes MicroTime: RFC 3339 with microseconds. */
const microTime = (date) => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
function defaultIdentity(runUrl) {
    return `${runUrl ?? 'local'}#${node_os__WEBPACK_IMPORTED_MODULE_0___default().hostname()}/${process.pid}`;
}
/** Whether a Lease is free to take: never held, released, or not renewed within its duration. */
function leaseExpired(lease, nowMs) {
    if (!lease.spec.holderIdentity)
        return true;
    const renewed = Date.parse(lease.spec.renewTime ?? lease.spec.acquireTime ?? '');
    if (Number.isNaN(renewed))
        return true;
    return renewed + (lease.spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < nowMs;
}
// The kinds whose rollout a run waits on and rolls back: their namespace is the one two runs race over.
const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
/**
 * Where the deploy lock lives: the namespace of the manifests' first workload, the namespace input, the context's
 * namespace or `default` filling in a workload that names none (as the apply does). Manifests without a workload
 * lock that default namespace. The same rule with or without the namespace input, so runs of the same manifests
 * always meet on one Lease, and a deployer allowed only in its workloads' namespace can hold it.
 */
function lockNamespace(objects, inputNamespace, contextNamespace) {
    const fallback = inputNamespace ?? contextNamespace ?? 'default';
    const workload = objects.find(o => workloadKinds.has(o.kind));
    return workload?.metadata.namespace ?? fallback;
}
/** The API's answer to a write in a namespace that does not exist (yet). */
const isNamespaceMissing = (error) => error instanceof _kube_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .KubeApiError */ .W && error.statusCode === 404 && error.status.details?.kind === 'namespaces';
function describeHolder(lease) {
    const a = lease.metadata.annotations ?? {};
    const parts = [
        a[`${annotationPrefix}run-url`] ? `run ${a[`${annotationPrefix}run-url`]}` : lease.spec.holderIdentity,
        a[`${annotationPrefix}actor`] ? `actor ${a[`${annotationPrefix}actor`]}` : undefined
    ];
    return `${parts.filter(Boolean).join(', ')}, since ${lease.spec.acquireTime ?? 'unknown'}`;
}
/**
 * A deploy lock: a coordination.k8s.io Lease per namespace and lock name, renewed while the run applies and
 * waits. A second run waits for it; a lease its holder stopped renewing (the run died) is taken over.
 */
class DeployLock {
    kube;
    namespace;
    name;
    holder;
    renewTimer;
    released = false;
    constructor(kube, namespace, name, holder) {
        this.kube = kube;
        this.namespace = namespace;
        this.name = name;
        this.holder = holder;
    }
    static ref(namespace, name) {
        return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name };
    }
    static async acquire(kube, namespace, lockName, holder, timeoutMs, log, signal) {
        const lock = new DeployLock(kube, namespace, `build-and-deploy-${lockName}`, holder);
        const deadline = Date.now() + timeoutMs;
        let announced = false;
        for (;;) {
            const lease = await kube.get(DeployLock.ref(namespace, lock.name), { signal });
            try {
                if (!lease) {
                    await lock.write('POST', undefined);
                    break;
                }
                if (lease.spec.holderIdentity === holder.identity || leaseExpired(lease, Date.now())) {
                    if (lease.spec.holderIdentity && lease.spec.holderIdentity !== holder.identity)
                        log(`Taking over the expired deploy lock ${namespace}/${lock.name} from ${describeHolder(lease)}.`);
                    await lock.write('PUT', lease.metadata.resourceVersion);
                    break;
                }
            }
            catch (error) {
                // Another run won the race: look again.
                if (error instanceof _kube_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .KubeApiError */ .W && error.statusCode === 409)
                    continue;
                throw error;
            }
            if (Date.now() >= deadline) {
                throw new Error(`Deploy lock ${namespace}/${lock.name} is held by ${describeHolder(lease)}; gave up after waiting ${Math.round(timeoutMs / 1000)} s (lock-timeout).`);
            }
            if (!announced)
                log(`Waiting for the deploy lock ${namespace}/${lock.name}, held by ${describeHolder(lease)}.`);
            announced = true;
            await new Promise((resolve, reject) => {
                if (signal?.aborted)
                    return reject(signal.reason);
                const timer = setTimeout(resolve, 500 + Math.random() * 500);
                signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
            });
        }
        lock.renewTimer = setInterval(() => void lock.renew(log), (leaseDurationSeconds * 1000) / 3);
        lock.renewTimer.unref();
        return lock;
    }
    async write(method, resourceVersion) {
        const now = microTime(new Date());
        const annotations = {};
        if (this.holder.runUrl)
            annotations[`${annotationPrefix}run-url`] = this.holder.runUrl;
        if (this.holder.actor)
            annotations[`${annotationPrefix}actor`] = this.holder.actor;
        if (this.holder.sha)
            annotations[`${annotationPrefix}sha`] = this.holder.sha;
        const body = {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: {
                name: this.name,
                namespace: this.namespace,
                annotations,
                ...(resourceVersion ? { resourceVersion } : {})
            },
            spec: { holderIdentity: this.holder.identity, leaseDurationSeconds, acquireTime: now, renewTime: now }
        };
        await (method === 'POST' ? this.kube.create(body) : this.kube.replace(body));
    }
    async renew(log) {
        try {
            const lease = await this.kube.get(DeployLock.ref(this.namespace, this.name));
            if (!lease || lease.spec.holderIdentity !== this.holder.identity) {
                log(`Lost the deploy lock ${this.namespace}/${this.name}.`);
                return;
            }
            lease.spec.renewTime = microTime(new Date());
            await this.kube.replace({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease });
        }
        catch (error) {
            // A renewal the release cut short (the client closing) is no news.
            if (!this.released)
                log(`Could not renew the deploy lock: ${error.message}`);
        }
    }
    async release() {
        this.released = true;
        clearInterval(this.renewTimer);
        // Bounded on its own: after a wait that timed out on a stalled server it would otherwise get a request's full
        // time (issue 19); the post step releases the lock again when this did not.
        await releaseLease(this.kube, this.namespace, this.name, this.holder.identity, AbortSignal.timeout(releaseBoundMs));
    }
}
const releaseBoundMs = 5_000;
/** Deletes the Lease if, and only if, `identity` still holds it (used by the post step too). */
async function releaseLease(kube, namespace, name, identity, signal) {
    const lease = await kube.get(DeployLock.ref(namespace, name), { signal });
    if (!lease || lease.spec.holderIdentity !== identity)
        return false;
    await kube
        .delete(DeployLock.ref(namespace, name), { preconditions: { resourceVersion: lease.metadata.resourceVersion } })
        .catch(error => {
        if (!(error instanceof _kube_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .KubeApiError */ .W && (error.statusCode === 404 || error.statusCode === 409)))
            throw error;
    });
    return true;
}


/***/ }),

/***/ 6497:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ attempt)
/* harmony export */ });
/**
 * Runs a mode's steps over the outcome they fill in; a step's error becomes the failure, and what the steps
 * before it found stays in the outcome.
 */
async function attempt(steps) {
    const outcome = { report: {} };
    try {
        outcome.failure = (await steps(outcome)) ?? undefined;
    }
    catch (error) {
        outcome.failure = { message: error.message };
    }
    return outcome;
}


/***/ }),

/***/ 4352:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G1: () => (/* binding */ saveLoggedInRegistries),
/* harmony export */   UZ: () => (/* binding */ saveHeldLock),
/* harmony export */   uS: () => (/* binding */ saveWorkDir)
/* harmony export */ });
/* unused harmony exports heldLock, loggedInRegistries, workDir */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);

// What the main step leaves for the post step, which runs even when the main step failed or was cancelled. The
// runner hands each saved value to the post step as STATE_<key>; the keys are named here only.
const keys = { lock: 'lock', loggedInRegistries: 'logged-in-registry', workDir: 'work-dir' };
function saveHeldLock(lock) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(keys.lock, JSON.stringify({ namespace: lock.namespace, name: lock.name, identity: lock.identity }));
}
function heldLock() {
    const state = core.getState(keys.lock);
    return state ? JSON.parse(state) : undefined;
}
/** Saved after each login, so a login that fails part way still has the earlier ones logged out. */
function saveLoggedInRegistries(hosts) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(keys.loggedInRegistries, hosts.join('\n'));
}
function loggedInRegistries() {
    return core.getState(keys.loggedInRegistries).split('\n').filter(Boolean);
}
/** The build's temporary directory (secret files among its contents), removed by the post step. */
function saveWorkDir(dir) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(keys.workDir, dir);
}
function workDir() {
    return core.getState(keys.workDir) || undefined;
}


/***/ }),

/***/ 1280:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gc: () => (/* binding */ blockingLine),
/* harmony export */   Mb: () => (/* binding */ diagnosePod),
/* harmony export */   T4: () => (/* binding */ replicaFailure),
/* harmony export */   Yk: () => (/* binding */ stuckPod),
/* harmony export */   cq: () => (/* binding */ deployedKey)
/* harmony export */ });
/* unused harmony exports unschedulableGraceMs, awaitedDeployedObject, notReadyPod, pendingPod */
const fatalWaiting = new Set([
    'ErrImagePull',
    'ImagePullBackOff',
    'ErrImageNeverPull',
    'InvalidImageName',
    'CrashLoopBackOff',
    'RunContainerError',
    'CreateContainerConfigError',
    'CreateContainerError'
]);
/** How long a pod may stay unschedulable before it counts as a failure (kstatus uses the same 15 s). */
const unschedulableGraceMs = 15_000;
function diagnosePod(pod, nowMs) {
    const name = pod.metadata.name;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
        const waiting = status.state?.waiting;
        if (waiting?.reason && fatalWaiting.has(waiting.reason)) {
            const last = status.lastState?.terminated;
            const lastWords = last ? ` (last exit code ${last.exitCode ?? '?'}${last.reason ? `, ${last.reason}` : ''})` : '';
            // A crash loop after OOM is an OOM problem, not a crash: name the cause.
            const reason = waiting.reason === 'CrashLoopBackOff' && last?.reason === 'OOMKilled' ? 'OOMKilled' : waiting.reason;
            return {
                pod: name,
                container: status.name,
                reason,
                message: (waiting.message ?? '') + lastWords,
                restartCount: status.restartCount,
                previousLog: waiting.reason === 'CrashLoopBackOff'
            };
        }
        const terminated = status.state?.terminated;
        if (terminated && (terminated.reason === 'OOMKilled' || (terminated.exitCode ?? 0) !== 0)) {
            return {
                pod: name,
                container: status.name,
                reason: terminated.reason === 'OOMKilled' ? 'OOMKilled' : 'Error',
                message: `container exited with code ${terminated.exitCode ?? '?'}${terminated.message ? `: ${terminated.message}` : ''}`,
                restartCount: status.restartCount,
                previousLog: false
            };
        }
    }
    if (pod.status?.phase === 'Failed') {
        return { pod: name, reason: 'PodFailed', message: 'the pod failed', previousLog: false };
    }
    const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
        const since = scheduled.lastTransitionTime ? Date.parse(scheduled.lastTransitionTime) : nowMs;
        if (nowMs - since >= unschedulableGraceMs) {
            return {
                pod: name,
                reason: 'Unschedulable',
                message: scheduled.message ?? 'no node fits the pod',
                previousLog: false
            };
        }
    }
    return undefined;
}
const deployedKey = (kind, namespace, name) => `${kind.toLowerCase()}/${namespace ?? ''}/${name}`;
/**
 * The object an admission refusal names as missing, when this deploy writes it: the controller retries the pod
 * after a back-off, so the rollout is not failed for it (kubectl too waits). The ServiceAccount admission plugin
 * says `serviceaccount "x" not found`, the Priority plugin `no PriorityClass with name x was found`.
 */
function awaitedDeployedObject(message, namespace, deployed) {
    const missing = /\b([a-z]+) "([^"]+)" not found/.exec(message) ?? /no (PriorityClass) with name (\S+) was found/.exec(message);
    if (!missing)
        return undefined;
    const [, kind, name] = missing;
    const found = deployed.has(deployedKey(kind, namespace, name)) || deployed.has(deployedKey(kind, undefined, name));
    return found ? `${kind.toLowerCase()} ${name}` : undefined;
}
/**
 * A workload whose controller cannot create pods (quota, admission webhook) says so in a ReplicaFailure
 * condition; the Deployment controller copies its ReplicaSet's onto the Deployment. A write conflict on the
 * ResourceQuota object while several pods are created at once ("Operation cannot be fulfilled on resourcequotas
 * ...: the object has been modified") lands there too, but the controller retries it at once: no failure.
 */
function replicaFailure(object, deployed = new Set()) {
    const conditions = (object.status?.conditions ?? []);
    const condition = conditions.find(c => c.type === 'ReplicaFailure' && c.status === 'True');
    if (!condition ||
        /the object has been modified; please apply your changes to the latest version/.test(condition.message ?? ''))
        return undefined;
    const failure = { reason: condition.reason ?? 'ReplicaFailure', message: condition.message ?? '' };
    const awaiting = awaitedDeployedObject(failure.message, object.metadata?.namespace, deployed);
    return awaiting ? { ...failure, awaiting } : failure;
}
/**
 * A running pod that never became ready (its readiness probe keeps failing): not a failure while the rollout
 * may still progress, but what explains a progress deadline or a timeout. Undefined for a ready pod.
 */
function notReadyPod(pod) {
    const ready = pod.status?.conditions?.find(c => c.type === 'Ready');
    if (!ready || ready.status === 'True' || pod.status?.phase !== 'Running')
        return undefined;
    const container = pod.status?.containerStatuses?.find(c => c.ready === false);
    return {
        pod: pod.metadata.name,
        container: container?.name,
        reason: 'not ready',
        message: ready.message ?? ready.reason ?? 'its readiness probe does not pass',
        restartCount: container?.restartCount,
        previousLog: false
    };
}
/**
 * A pod of the new revision that is not running yet (unscheduled, pulling, creating): what explains a timeout
 * when no pod reached Running. Undefined for a pod past Pending.
 */
function pendingPod(pod) {
    if (pod.status?.phase !== undefined && pod.status.phase !== 'Pending')
        return undefined;
    const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
    if (scheduled?.status === 'False') {
        return {
            pod: pod.metadata.name,
            reason: scheduled.reason ?? 'not scheduled',
            message: scheduled.message ?? '',
            previousLog: false
        };
    }
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const waiting = statuses.find(s => s.state?.waiting);
    return {
        pod: pod.metadata.name,
        container: waiting?.name,
        reason: waiting?.state?.waiting?.reason ?? 'Pending',
        message: waiting?.state?.waiting?.message ?? '',
        previousLog: false
    };
}
/** What keeps a pod from serving: not running yet, or running and not ready. */
const stuckPod = (pod) => notReadyPod(pod) ?? pendingPod(pod);
/**
 * One line naming what blocks a rollout's new pods, grouped by state, each with the most repeated warning of
 * its pods (a readiness probe's 404 says more than "not ready"): "2 pods not ready: Readiness probe failed: HTTP
 * probe failed with statuscode: 404 ×12". Undefined when every pod given is ready.
 */
function blockingLine(pods, events) {
    const groups = new Map();
    for (const pod of pods) {
        const stuck = stuckPod(pod);
        if (!stuck)
            continue;
        const state = stuck.reason === 'not ready'
            ? 'not ready'
            : stuck.reason === 'Unschedulable'
                ? 'unschedulable'
                : `pending (${stuck.reason})`;
        groups.set(state, [...(groups.get(state) ?? []), stuck]);
    }
    if (groups.size === 0)
        return undefined;
    const parts = [];
    for (const [state, failures] of groups) {
        const names = new Set(failures.map(f => f.pod));
        const repeats = new Map();
        for (const event of events) {
            if (!event.involvedObject?.name || !names.has(event.involvedObject.name))
                continue;
            const text = event.message ?? event.reason ?? '';
            repeats.set(text, (repeats.get(text) ?? 0) + (event.series?.count ?? event.count ?? 1));
        }
        const [top] = [...repeats].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        const detail = top ? `${top[0]} ×${top[1]}` : failures.find(f => f.message)?.message;
        parts.push(`${failures.length} pod${failures.length === 1 ? '' : 's'} ${state}${detail ? `: ${detail}` : ''}`);
    }
    return parts.join('; ');
}


/***/ }),

/***/ 669:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ formatDiagnosis)
/* harmony export */ });
/** A failed pod's diagnosis as log lines: the reason, its Warning events and its last log lines. */
function formatDiagnosis(diagnosis) {
    const lines = [
        `pod ${diagnosis.pod}${diagnosis.container ? `, container ${diagnosis.container}` : ''}: ${diagnosis.reason}${diagnosis.message ? ` — ${diagnosis.message}` : ''}` +
            (diagnosis.restartCount ? ` (restarts: ${diagnosis.restartCount})` : '')
    ];
    for (const event of diagnosis.events)
        lines.push(`  event ${event}`);
    if (diagnosis.logs.length > 0) {
        lines.push(`  last log lines${diagnosis.previousLog ? ' (previous container)' : ''}:`);
        for (const line of diagnosis.logs)
            lines.push(`    ${line}`);
    }
    return lines;
}


/***/ }),

/***/ 7822:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  mI: () => (/* binding */ isWaitable),
  _l: () => (/* binding */ pluralOf),
  d2: () => (/* binding */ readerFor),
  Xc: () => (/* binding */ readers),
  $6: () => (/* binding */ rolloutVerdict),
  _0: () => (/* binding */ undoHistoryOf)
});

// UNUSED EXPORTS: waitAnnotation

;// CONCATENATED MODULE: ./src/status/reader.ts
/** The status conditions of any kind, leaving out entries that are not conditions. */
const conditionsOf = (object) => (object.status?.conditions ?? []).filter(c => c && typeof c.type === 'string');
const nameOf = (object) => `${object.kind.toLowerCase()}/${object.metadata.name}`;
const why = (c) => [c.reason, c.message].filter(Boolean).join(': ');
const num = (value) => (typeof value === 'number' ? value : 0);
/** A reader for one built-in kind, judged by kind alone (recorded objects and watched pods may lack apiVersion). */
const ofKind = (kind) => (_apiVersion, candidate) => candidate === kind;
/** The owner references of a pod that name an object of this kind. */
const ownersOfKind = (kind, pod) => (pod.metadata.ownerReferences ?? []).filter(o => o.kind === kind).map(o => ({ kind, name: o.name }));
/**
 * Until the controller has observed the latest spec, its revision fields still name the previous revision
 * (after a rollback, the failing one): judge no pod by them yet.
 */
const specObserved = (object) => (object.status?.observedGeneration ?? 0) >= (object.metadata.generation ?? 0);

;// CONCATENATED MODULE: ./src/status/crd.ts

/** kstatus: Established=True is current, NamesAccepted=False failed. */
function customResourceDefinitionVerdict(object) {
    const name = nameOf(object);
    const conditions = conditionsOf(object);
    const names = conditions.find(c => c.type === 'NamesAccepted');
    if (names?.status === 'False')
        return { state: 'failed', message: `${name}: names not accepted${why(names) ? `: ${why(names)}` : ''}` };
    if (conditions.some(c => c.type === 'Established' && c.status === 'True'))
        return { state: 'done', message: `${name} is established` };
    return { state: 'progressing', message: `${name}: waiting to be established` };
}
const customResourceDefinitionReader = {
    supports: ofKind('CustomResourceDefinition'),
    waitable: () => true,
    verdict: customResourceDefinitionVerdict,
    plural: 'customresourcedefinitions'
};

;// CONCATENATED MODULE: ./src/status/daemonset.ts

function daemonSetVerdict(object) {
    const name = `daemonset/${object.metadata.name}`;
    const status = object.status ?? {};
    const strategy = object.spec?.updateStrategy?.type ?? 'RollingUpdate';
    if (strategy !== 'RollingUpdate') {
        return { state: 'failed', message: `${name}: rollout status is only available for RollingUpdate strategy type` };
    }
    if (num(object.metadata.generation) > num(status.observedGeneration)) {
        return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` };
    }
    const desired = num(status.desiredNumberScheduled);
    const updated = num(status.updatedNumberScheduled);
    const available = num(status.numberAvailable);
    if (updated < desired) {
        return { state: 'progressing', message: `${name}: ${updated} of ${desired} updated pods have been scheduled` };
    }
    if (available < desired) {
        return { state: 'progressing', message: `${name}: ${available} of ${desired} updated pods are available` };
    }
    return { state: 'done', message: `${name} successfully rolled out` };
}
/** DaemonSets by kubectl's rules; their new pods carry the object's generation as pod-template-generation. */
const daemonSetReader = {
    supports: ofKind('DaemonSet'),
    waitable: () => true,
    verdict: daemonSetVerdict,
    plural: 'daemonsets',
    undo: 'ControllerRevision',
    pods: {
        failFast: true,
        ownersOf: pod => ownersOfKind('DaemonSet', pod),
        isNewRevision: async (object, pod) => pod.metadata.labels?.['pod-template-generation'] === String(object.metadata.generation)
    }
};

;// CONCATENATED MODULE: ./src/status/deployment.ts

function deploymentVerdict(object) {
    const name = `deployment/${object.metadata.name}`;
    const status = object.status ?? {};
    if (num(object.metadata.generation) > num(status.observedGeneration)) {
        return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` };
    }
    // kubectl checks only the reason, whatever the condition's status.
    const progressing = conditionsOf(object).find(c => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
        return {
            state: 'failed',
            message: `${name} exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}`
        };
    }
    const replicas = object.spec?.replicas === undefined ? 1 : num(object.spec.replicas);
    const updated = num(status.updatedReplicas);
    const current = num(status.replicas);
    // kubectl would wait on a paused Deployment until its timeout; nothing will move, so say so at once.
    if (object.spec?.paused === true && (updated < replicas || current > updated)) {
        return {
            state: 'failed',
            message: `${name} is paused with an update pending; resume it (kubectl rollout resume ${name}) to roll out`
        };
    }
    const available = num(status.availableReplicas);
    if (updated < replicas) {
        return { state: 'progressing', message: `${name}: ${updated} of ${replicas} new replicas have been updated` };
    }
    if (current > updated) {
        return { state: 'progressing', message: `${name}: ${current - updated} old replicas are pending termination` };
    }
    if (available < updated) {
        return { state: 'progressing', message: `${name}: ${available} of ${updated} updated replicas are available` };
    }
    return { state: 'done', message: `${name} successfully rolled out` };
}
const revisionAnnotation = 'deployment.kubernetes.io/revision';
/** Deployments by kubectl's rules; their pods belong to the ReplicaSet of the Deployment's current revision. */
const deploymentReader = {
    supports: ofKind('Deployment'),
    waitable: () => true,
    verdict: deploymentVerdict,
    plural: 'deployments',
    undo: 'ReplicaSet',
    pods: {
        failFast: true,
        ownersOf: pod => {
            // A Deployment's ReplicaSet is named <deployment>-<pod-template-hash>.
            const hash = pod.metadata.labels?.['pod-template-hash'];
            return (pod.metadata.ownerReferences ?? [])
                .filter(o => o.kind === 'ReplicaSet' && hash && o.name.endsWith(`-${hash}`))
                .map(o => ({ kind: 'Deployment', name: o.name.slice(0, -hash.length - 1) }));
        },
        isNewRevision: async (object, pod, lookup) => {
            if (!specObserved(object))
                return false;
            const owner = pod.metadata.ownerReferences?.find(o => o.kind === 'ReplicaSet');
            const revision = object.metadata.annotations?.[revisionAnnotation];
            if (!owner || !revision)
                return false;
            return (await lookup.replicaSetRevision(owner.name, revision)) === revision;
        }
    }
};

;// CONCATENATED MODULE: ./src/status/generic.ts
/**
 * Custom resources, by kstatus' rules (sigs.k8s.io/cli-utils pkg/kstatus): their observedGeneration and their
 * Ready / Reconciling / Stalled conditions. Last in the registry: it takes any kind no other reader knows.
 */

/** How long a custom resource may go without any status before it counts as one that never reports one. */
const statusGraceMs = 5000;
/**
 * Ready=False reasons that say a controller gave up rather than that it is still working: Flux, Crossplane and
 * cert-manager use these for specs they will not reconcile until someone changes them.
 */
const terminalReasons = new Set(['InvalidSpec', 'InvalidConfiguration', 'ValidationFailed', 'Stalled', 'Invalid']);
/**
 * The Kubernetes API groups compiled into kube-apiserver (and kube-aggregator's): any other group is served by a
 * CRD or an aggregated API, whose objects are read by their conditions.
 */
const builtInGroups = new Set([
    '',
    'admissionregistration.k8s.io',
    'apiextensions.k8s.io',
    'apiregistration.k8s.io',
    'apps',
    'authentication.k8s.io',
    'authorization.k8s.io',
    'autoscaling',
    'batch',
    'certificates.k8s.io',
    'coordination.k8s.io',
    'discovery.k8s.io',
    'events.k8s.io',
    'flowcontrol.apiserver.k8s.io',
    'internal.apiserver.k8s.io',
    'networking.k8s.io',
    'node.k8s.io',
    'policy',
    'rbac.authorization.k8s.io',
    'resource.k8s.io',
    'scheduling.k8s.io',
    'storage.k8s.io',
    'storagemigration.k8s.io'
]);
const isCustomResource = (apiVersion) => !builtInGroups.has(apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
function customResourceVerdict(object, context) {
    const name = nameOf(object);
    const status = object.status;
    const generation = typeof object.metadata.generation === 'number' ? object.metadata.generation : 0;
    // An updated object whose controller writes observedGeneration is not judged by the previous generation's
    // conditions: this is the race that makes a just-applied object look ready.
    if (typeof status?.observedGeneration === 'number' && status.observedGeneration < generation) {
        return { state: 'progressing', message: `${name}: waiting for its controller to observe generation ${generation}` };
    }
    const conditions = conditionsOf(object);
    const stalled = conditions.find(c => c.type === 'Stalled' && c.status === 'True');
    if (stalled)
        return { state: 'failed', message: `${name} is stalled${why(stalled) ? `: ${why(stalled)}` : ''}` };
    const ready = conditions.find(c => c.type === 'Ready');
    if (ready?.status === 'False' && ready.reason && terminalReasons.has(ready.reason)) {
        return { state: 'failed', message: `${name} is not ready: ${why(ready)}` };
    }
    const reconciling = conditions.find(c => c.type === 'Reconciling' && c.status === 'True');
    if (reconciling)
        return { state: 'progressing', message: `${name} is reconciling${why(reconciling) ? `: ${why(reconciling)}` : ''}` };
    if (ready?.status === 'True')
        return { state: 'done', message: `${name} is ready` };
    if (ready)
        return { state: 'progressing', message: `${name} is not ready yet${why(ready) ? `: ${why(ready)}` : ''}` };
    if (!status || Object.keys(status).length === 0) {
        if (context.ageMs < statusGraceMs)
            return { state: 'progressing', message: `${name}: waiting for its controller to report a status` };
        return { state: 'done', message: `${name}: no status reported`, note: 'no status reported' };
    }
    return { state: 'done', message: `${name} is current` };
}
const customResourceReader = {
    supports: apiVersion => apiVersion !== undefined && isCustomResource(apiVersion),
    waitable: (_object, choice) => choice.waitForCustomResources,
    verdict: customResourceVerdict
};

;// CONCATENATED MODULE: ./src/status/job.ts

/** Jobs follow kstatus: Complete=True is done, Failed=True is failed. */
function jobVerdict(object) {
    const name = `job/${object.metadata.name}`;
    const conditions = conditionsOf(object);
    const failed = conditions.find(c => c.type === 'Failed' && c.status === 'True');
    if (failed)
        return {
            state: 'failed',
            message: `${name} failed: ${failed.reason ?? ''}${failed.message ? ` (${failed.message})` : ''}`
        };
    if (conditions.some(c => c.type === 'Complete' && c.status === 'True'))
        return { state: 'done', message: `${name} completed` };
    const status = object.status ?? {};
    return {
        state: 'progressing',
        message: `${name}: ${num(status.succeeded)} succeeded, ${num(status.active)} active, ${num(status.failed)} failed`
    };
}
/**
 * Jobs, waited on when the workflow asks. A Job retries a failed pod up to its backoffLimit, so its pods never
 * fail it fast: its Failed condition does, explained by its last failed pod.
 */
const jobReader = {
    supports: ofKind('Job'),
    waitable: (_object, choice) => choice.waitForJobs,
    verdict: jobVerdict,
    plural: 'jobs',
    pods: {
        failFast: false,
        ownersOf: pod => ownersOfKind('Job', pod),
        isNewRevision: async () => true,
        explainedByLastPod: name => `batch.kubernetes.io/job-name=${name}`
    }
};

;// CONCATENATED MODULE: ./src/status/pod.ts

function podVerdict(object) {
    const name = `pod/${object.metadata.name}`;
    const phase = object.status?.phase;
    if (phase === 'Succeeded')
        return { state: 'done', message: `${name} succeeded` };
    if (phase === 'Failed')
        return { state: 'failed', message: `${name} failed` };
    const ready = conditionsOf(object).find(c => c.type === 'Ready');
    if (phase === 'Running' && ready?.status === 'True')
        return { state: 'done', message: `${name} is ready` };
    return { state: 'progressing', message: `${name}: ${phase ?? 'Pending'}, not ready` };
}
/** A bare Pod is its own only pod: the wait judges it from the pod watch. */
const podReader = {
    supports: ofKind('Pod'),
    waitable: () => true,
    verdict: podVerdict,
    plural: 'pods',
    pods: {
        failFast: true,
        ownersOf: pod => [{ kind: 'Pod', name: pod.metadata.name }],
        isNewRevision: async () => true,
        isThePod: true
    }
};

;// CONCATENATED MODULE: ./src/status/pvc.ts

/**
 * kstatus calls a claim current once Bound; one whose StorageClass binds on first consumer stays Pending until
 * a pod uses it, so it is ready as it stands: only the StorageClass says which (context.bindingMode).
 */
function persistentVolumeClaimVerdict(object, context) {
    const name = nameOf(object);
    const phase = object.status?.phase;
    if (phase === 'Bound')
        return { state: 'done', message: `${name} is bound` };
    if (phase === 'Lost')
        return { state: 'failed', message: `${name} lost its volume` };
    if (context.bindingMode === 'WaitForFirstConsumer')
        return {
            state: 'done',
            message: `${name} waits for its first consumer (WaitForFirstConsumer)`,
            note: 'waits for its first consumer'
        };
    if (context.bindingMode === undefined)
        return { state: 'progressing', message: `${name}: reading its StorageClass` };
    return { state: 'progressing', message: `${name}: ${phase ?? 'Pending'}, not bound yet` };
}
const persistentVolumeClaimReader = {
    supports: ofKind('PersistentVolumeClaim'),
    waitable: () => true,
    verdict: persistentVolumeClaimVerdict,
    plural: 'persistentvolumeclaims',
    reads: 'storageClassBindingMode'
};

;// CONCATENATED MODULE: ./src/status/service.ts

const isLoadBalancer = (object) => object.spec?.type === 'LoadBalancer';
/** A Service of type LoadBalancer is ready once its controller published an address (kstatus' rule). */
function loadBalancerVerdict(object) {
    const name = nameOf(object);
    if (!isLoadBalancer(object))
        return { state: 'done', message: `${name} is current` };
    const ingress = (object.status?.loadBalancer?.ingress ?? []).filter(i => i.ip || i.hostname);
    if (ingress.length > 0)
        return { state: 'done', message: `${name} has its address ${ingress.map(i => i.ip ?? i.hostname).join(', ')}` };
    return { state: 'progressing', message: `${name}: waiting for a load balancer address` };
}
/** Other Services are current once applied (kstatus); a load balancer is waited on only when asked. */
const serviceReader = {
    supports: ofKind('Service'),
    waitable: (object, choice) => choice.waitForLoadBalancers && isLoadBalancer(object),
    verdict: loadBalancerVerdict,
    plural: 'services'
};

;// CONCATENATED MODULE: ./src/status/statefulset.ts

function statefulSetVerdict(object) {
    const name = `statefulset/${object.metadata.name}`;
    const status = object.status ?? {};
    const updateStrategy = object.spec?.updateStrategy;
    if (updateStrategy?.type === 'OnDelete') {
        return { state: 'failed', message: `${name}: rollout status is only available for RollingUpdate strategy type` };
    }
    const observed = num(status.observedGeneration);
    if (observed === 0 || num(object.metadata.generation) > observed) {
        return { state: 'progressing', message: `${name}: waiting for the spec update to be observed` };
    }
    const replicas = object.spec?.replicas === undefined ? 1 : num(object.spec.replicas);
    const ready = num(status.readyReplicas);
    if (ready < replicas) {
        return { state: 'progressing', message: `${name}: ${ready} of ${replicas} pods are ready` };
    }
    // The API server defaults rollingUpdate to {partition: 0}; only an object without it compares revisions.
    if (updateStrategy?.rollingUpdate) {
        const partition = num(updateStrategy.rollingUpdate.partition);
        const updated = num(status.updatedReplicas);
        if (updated < replicas - partition) {
            return {
                state: 'progressing',
                message: `${name}: ${updated} of ${replicas - partition} pods updated (partition ${partition})`
            };
        }
        return { state: 'done', message: `${name}: partitioned roll out complete: ${updated} new pods have been updated` };
    }
    if (status.updateRevision !== status.currentRevision) {
        return {
            state: 'progressing',
            message: `${name}: waiting for the update to revision ${String(status.updateRevision)} to complete`
        };
    }
    return {
        state: 'done',
        message: `${name}: rolling update complete ${String(status.currentReplicas ?? replicas)} pods at revision ${String(status.currentRevision)}`
    };
}
/** StatefulSets by kubectl's rules; their new pods carry the updateRevision as controller-revision-hash. */
const statefulSetReader = {
    supports: ofKind('StatefulSet'),
    waitable: () => true,
    verdict: statefulSetVerdict,
    plural: 'statefulsets',
    undo: 'ControllerRevision',
    pods: {
        failFast: true,
        ownersOf: pod => ownersOfKind('StatefulSet', pod),
        isNewRevision: async (object, pod) => {
            if (!specObserved(object))
                return false;
            return (!!object.status?.updateRevision &&
                pod.metadata.labels?.['controller-revision-hash'] === object.status.updateRevision);
        }
    }
};

;// CONCATENATED MODULE: ./src/status/readers.ts
/**
 * The status readers, asked in this order: the first that supports a kind judges it. The custom-resource reader
 * comes last; a built-in kind no reader supports is current once applied (kstatus).
 */









const readers = [
    deploymentReader,
    daemonSetReader,
    statefulSetReader,
    jobReader,
    podReader,
    persistentVolumeClaimReader,
    customResourceDefinitionReader,
    serviceReader,
    customResourceReader
];
const readerFor = (apiVersion, kind) => readers.find(r => r.supports(apiVersion, kind));
/** The annotation that takes one object out of the wait. */
const waitAnnotation = 'build-and-deploy/wait';
/** Objects whose readiness is waited on; everything else is current once applied (kstatus). */
function isWaitable(object, choice) {
    if (object.metadata?.annotations?.[waitAnnotation] === 'skip')
        return false;
    return readerFor(object.apiVersion, object.kind)?.waitable(object, choice) ?? false;
}
function rolloutVerdict(object, context = { ageMs: Infinity }) {
    const reader = readerFor(object.apiVersion, object.kind);
    if (reader)
        return reader.verdict(object, context);
    return { state: 'done', message: `${object.kind.toLowerCase()}/${object.metadata.name} is current` };
}
/** Whether `kubectl rollout undo` can roll this kind back, and from which history. */
const undoHistoryOf = (kind) => readerFor(undefined, kind)?.undo;
/** The resource name of a built-in kind in API paths. */
function pluralOf(kind) {
    const plural = readerFor(undefined, kind)?.plural;
    if (!plural)
        throw new Error(`No status reader gives the resource name of kind ${kind}.`);
    return plural;
}


/***/ }),

/***/ 3375:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  h: () => (/* binding */ waitForRollouts)
});

// EXTERNAL MODULE: ./src/format/duration.ts
var duration = __webpack_require__(447);
// EXTERNAL MODULE: ./src/status/diagnose.ts
var diagnose = __webpack_require__(1280);
;// CONCATENATED MODULE: ./src/status/pod-details.ts
// Warnings a kubelet repeats on every pod of some clusters that never explain a failed rollout.
const noiseEvents = new Set(['MissingClusterDNS']);
async function gatherDetails(kube, pod, failure) {
    const ns = pod.metadata.namespace ?? 'default';
    const signal = AbortSignal.timeout(5000);
    const [events, logs] = await Promise.all([
        kube
            .list({ apiVersion: 'v1', kind: 'Event', namespace: ns }, { fieldSelector: `involvedObject.name=${pod.metadata.name},type=Warning` }, { signal })
            .then(list => list.items
            .filter(e => !noiseEvents.has(e.reason ?? ''))
            .sort((a, b) => String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)))
            .slice(-5)
            .map(e => `${e.reason}: ${e.message}`))
            .catch(() => []),
        failure.container
            ? kube
                .podLog({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: pod.metadata.name }, { container: failure.container, tailLines: 20, previous: failure.previousLog || undefined }, { signal })
                .then(text => String(text).split('\n').filter(Boolean))
                .catch(() => [])
            : Promise.resolve([])
    ]);
    return { ...failure, events, logs };
}

// EXTERNAL MODULE: ./src/status/readers.ts + 10 modules
var readers = __webpack_require__(7822);
// EXTERNAL MODULE: ./src/kube/retry.ts
var retry = __webpack_require__(4963);
// EXTERNAL MODULE: ./src/kube/errors.ts
var errors = __webpack_require__(3646);
;// CONCATENATED MODULE: ./src/status/watch.ts


/**
 * List, then watch from the list's resourceVersion; on a clean end re-watch from the last version seen, on
 * 410 Gone (or an ERROR event) re-list, on a dropped connection back off and retry, until aborted.
 */
async function watchLoop(kube, collection, query, signal, log, onEvent) {
    const watched = `${collection.kind} watch${collection.namespace ? ` in ${collection.namespace}` : ''}`;
    let resourceVersion;
    let failures = 0;
    while (!signal.aborted) {
        try {
            if (!resourceVersion) {
                const list = await kube.list(collection, query, { signal });
                for (const object of list.items)
                    onEvent('ADDED', object);
                resourceVersion = list.metadata.resourceVersion;
            }
            for await (const event of kube.watch(collection, { ...query, resourceVersion, timeoutSeconds: 300 }, signal)) {
                failures = 0;
                if (event.type === 'ERROR') {
                    const status = event.object;
                    if (status.code !== 410)
                        log(`${watched}: ${status.message ?? 'error'}; re-listing`);
                    resourceVersion = undefined;
                    break;
                }
                resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
                if (event.type !== 'BOOKMARK')
                    onEvent(event.type, event.object);
            }
        }
        catch (error) {
            if (signal.aborted)
                return;
            if (error instanceof errors/* KubeApiError */.W && error.statusCode === 410) {
                resourceVersion = undefined;
                continue;
            }
            failures++;
            if (failures === 1 || failures % 10 === 0)
                log(`${watched} interrupted (${error.message}); resuming`);
            await new Promise(resolve => setTimeout(resolve, (0,retry/* retryDelayMs */.q)(Math.min(failures, 5))));
        }
    }
}

;// CONCATENATED MODULE: ./src/status/wait.ts





const itemKey = (kind, namespace, name) => `${kind}/${namespace ?? ''}/${name}`;
const describe = (item) => `${item.kind.toLowerCase()}/${item.name}`;
/**
 * Waits on every workload at once with one watch per namespace and resource (never polling), evaluating
 * kubectl's rollout rules on each event, and fails fast when a pod of the new revision is in a state that
 * waiting will not fix. Dropped watches resume from the last resourceVersion; 410 Gone re-lists.
 */
async function waitForRollouts(kube, items, options) {
    const wait = new RolloutWait(kube, items, options);
    return wait.tracked.size === 0 ? [] : wait.run();
}
/** One wait: the workloads it tracks, what it saw of them, and the watches that feed it until it ends. */
class RolloutWait {
    kube;
    options;
    started = Date.now();
    tracked = new Map();
    stop = new AbortController();
    replicaSetRevisions = new Map();
    pendingDiagnoses = new Set();
    settle;
    allSettled = new Promise(resolve => (this.settle = resolve));
    constructor(kube, items, options) {
        this.kube = kube;
        this.options = options;
        for (const item of items)
            this.tracked.set(itemKey(item.kind, item.namespace, item.name), {
                item,
                reader: (0,readers/* readerFor */.d2)(item.apiVersion, item.kind),
                pods: new Map()
            });
    }
    async run() {
        const { options, stop } = this;
        // The stuck pods are read before the watches stop, so the timeout names why, as a progress deadline does.
        const timer = setTimeout(() => void this.explainTimeout().finally(() => stop.abort(new Error('timeout'))), options.timeoutMs);
        options.signal?.addEventListener('abort', () => stop.abort(options.signal.reason), { once: true });
        const watchers = [...this.watchObjects(), ...this.watchPods()];
        // Unschedulable counts only after 15 s, and a custom resource's grace for a status ends, with no event to
        // mark either: re-judge what is in memory.
        const ticker = setInterval(() => this.rejudge(), 1000);
        const progress = setInterval(() => void this.reportProgress(), options.progressEveryMs ?? 15_000);
        await Promise.race([
            this.allSettled,
            new Promise(resolve => stop.signal.addEventListener('abort', () => resolve(), { once: true }))
        ]);
        clearTimeout(timer);
        clearInterval(ticker);
        clearInterval(progress);
        const reason = stop.signal.aborted ? String(stop.signal.reason?.message) : '';
        stop.abort(new Error('done'));
        await Promise.allSettled(watchers);
        this.closeUnfinished(reason);
        return [...this.tracked.values()].map(t => t.outcome);
    }
    /** For a read beside the watches (a StorageClass, a Job's pods, events): bounded, and ended with the wait. */
    briefly() {
        return AbortSignal.any([this.stop.signal, AbortSignal.timeout(5000)]);
    }
    finish(entry, outcome) {
        if (entry.outcome)
            return;
        entry.outcome = { item: entry.item, durationMs: Date.now() - this.started, ...outcome };
        this.options.log(`${outcome.state === 'succeeded' ? '✓' : '✗'} ${outcome.message} (${(0,duration/* formatDuration */.a)(entry.outcome.durationMs)})`);
        if (outcome.state === 'failed')
            this.stop.abort(new Error('failed'));
        if ([...this.tracked.values()].every(t => t.outcome))
            this.settle();
    }
    closeUnfinished(reason) {
        for (const entry of this.tracked.values()) {
            if (entry.outcome)
                continue;
            const last = entry.verdict?.message ?? `${describe(entry.item)}: no status observed`;
            const durationMs = Date.now() - this.started;
            if (reason === 'timeout') {
                entry.outcome = {
                    item: entry.item,
                    state: 'timed-out',
                    message: `timed out after ${(0,duration/* formatDuration */.a)(this.options.timeoutMs)}: ${last}`,
                    durationMs,
                    diagnosis: entry.timeoutDiagnosis
                };
            }
            else {
                entry.outcome = {
                    item: entry.item,
                    state: 'stopped',
                    message: `not finished when the wait stopped: ${last}`,
                    durationMs
                };
            }
        }
    }
    evaluate(entry) {
        if (entry.outcome || !entry.object)
            return;
        if (entry.reader?.reads === 'storageClassBindingMode' && entry.bindingMode === undefined)
            void this.readBindingMode(entry);
        const verdict = (0,readers/* rolloutVerdict */.$6)({ ...entry.object, apiVersion: entry.item.apiVersion }, { ageMs: Date.now() - this.started, bindingMode: entry.bindingMode });
        // A finished rollout is said once, by finish (with its ✓ and time).
        if (verdict.message !== entry.verdict?.message && verdict.state !== 'done')
            this.options.log(verdict.message);
        entry.verdict = verdict;
        if (verdict.state === 'done')
            return this.finish(entry, {
                state: 'succeeded',
                message: verdict.message,
                ...(verdict.note ? { note: verdict.note } : {})
            });
        if (verdict.state === 'failed') {
            if (!entry.explaining)
                void this.explainFailure(entry, verdict.message);
            entry.explaining = true;
            return;
        }
        const cannotCreate = (0,diagnose/* replicaFailure */.T4)(entry.object, this.options.deployed);
        if (cannotCreate?.awaiting) {
            const line = `${describe(entry.item)}: pods wait for ${cannotCreate.awaiting} of this deploy (${cannotCreate.reason}); the controller retries them`;
            if (line !== entry.awaitingLine)
                this.options.log(line);
            entry.awaitingLine = line;
        }
        else if (cannotCreate) {
            return this.finish(entry, {
                state: 'failed',
                message: `${describe(entry.item)} cannot create pods: ${cannotCreate.reason}: ${cannotCreate.message}`
            });
        }
        void this.diagnosePods(entry);
    }
    rejudge() {
        for (const entry of this.tracked.values()) {
            if (entry.outcome)
                continue;
            if (entry.object)
                this.evaluate(entry);
            else if (entry.pods.size > 0)
                void this.diagnosePods(entry);
        }
    }
    /** Whether a pod belongs to the workload's newest revision (its reader says how); only those can fail a rollout. */
    async isNewRevision(entry, pod) {
        if (!entry.object)
            return false;
        const rules = entry.reader?.pods;
        return rules ? rules.isNewRevision(entry.object, pod, this.revisionLookup(entry)) : true;
    }
    revisionLookup(entry) {
        return {
            replicaSetRevision: (name, asOf) => {
                const cacheKey = `${entry.item.namespace}/${name}@${asOf}`;
                let rsRevision = this.replicaSetRevisions.get(cacheKey);
                if (!rsRevision) {
                    rsRevision = this.kube
                        .get({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: entry.item.namespace, name }, { signal: this.stop.signal })
                        .then(rs => rs?.metadata.annotations?.['deployment.kubernetes.io/revision'])
                        .catch(() => undefined);
                    this.replicaSetRevisions.set(cacheKey, rsRevision);
                }
                return rsRevision;
            }
        };
    }
    async diagnosePods(entry) {
        // A Job retries a failed pod up to its backoffLimit: only its Failed condition fails it (then explained).
        if (entry.reader?.pods?.failFast === false)
            return;
        for (const pod of entry.pods.values()) {
            const failure = (0,diagnose/* diagnosePod */.Mb)(pod, Date.now());
            if (!failure || entry.outcome)
                continue;
            const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
            if (this.pendingDiagnoses.has(key) || !(await this.isNewRevision(entry, pod)))
                continue;
            this.pendingDiagnoses.add(key);
            const diagnosis = await gatherDetails(this.kube, pod, failure);
            this.finish(entry, {
                state: 'failed',
                message: `${describe(entry.item)}: pod ${failure.pod}${failure.container ? ` container ${failure.container}` : ''} is ${failure.reason}`,
                diagnosis
            });
            return;
        }
    }
    /** A claim waiting for its first consumer is ready as it stands: only its StorageClass says so. */
    async readBindingMode(entry) {
        if (entry.readingBindingMode)
            return;
        entry.readingBindingMode = true;
        const className = entry.object?.spec?.storageClassName;
        const signal = this.briefly();
        const kube = this.kube;
        try {
            const storageClass = className
                ? await kube.get({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: className }, { signal })
                : (await kube.list({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' }, {}, { signal })).items.find(c => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
            entry.bindingMode = storageClass ? (storageClass.volumeBindingMode ?? 'Immediate') : 'unknown';
        }
        catch {
            entry.bindingMode = 'unknown';
        }
        this.evaluate(entry);
    }
    async stuckNewPod(entry) {
        // A failed Job is explained by its last failed pod, with that pod's log; one that failed at once may be seen
        // failed before its pods are: read them.
        const explainedByLastPod = entry.reader?.pods?.explainedByLastPod;
        const lastPods = async (labelSelector) => {
            if (entry.pods.size > 0)
                return [...entry.pods.values()].reverse();
            const selector = { labelSelector };
            const signal = this.briefly();
            return this.kube
                .list({ apiVersion: 'v1', kind: 'Pod', namespace: entry.item.namespace ?? 'default' }, selector, {
                signal
            })
                .then(l => l.items.reverse(), () => []);
        };
        const pods = explainedByLastPod ? await lastPods(explainedByLastPod(entry.item.name)) : entry.pods.values();
        for (const pod of pods) {
            const failure = (0,diagnose/* stuckPod */.Yk)(pod) ?? (explainedByLastPod ? (0,diagnose/* diagnosePod */.Mb)(pod, Date.now()) : undefined);
            if (failure && (await this.isNewRevision(entry, pod)))
                return { pod, failure };
        }
        return undefined;
    }
    /** A failed rollout (a progress deadline): a pod of the new revision that never turned ready says why. */
    async explainFailure(entry, message) {
        const stuck = await this.stuckNewPod(entry);
        this.finish(entry, {
            state: 'failed',
            message,
            diagnosis: stuck ? await gatherDetails(this.kube, stuck.pod, stuck.failure) : undefined
        });
    }
    async explainTimeout() {
        const explain = async (entry) => {
            const stuck = await this.stuckNewPod(entry);
            if (stuck)
                entry.timeoutDiagnosis = await gatherDetails(this.kube, stuck.pod, stuck.failure);
        };
        const unfinished = [...this.tracked.values()].filter(t => !t.outcome);
        let cap;
        await Promise.race([
            Promise.allSettled(unfinished.map(explain)),
            new Promise(resolve => (cap = setTimeout(resolve, 8000)))
        ]);
        clearTimeout(cap);
    }
    /** Every progressEveryMs, one line per unfinished rollout naming what blocks it. */
    async reportProgress() {
        const unfinished = [...this.tracked.values()].filter(t => !t.outcome && t.object);
        const warnings = new Map();
        const warningsIn = (namespace) => {
            if (!warnings.has(namespace)) {
                const signal = this.briefly();
                warnings.set(namespace, this.kube
                    .list({ apiVersion: 'v1', kind: 'Event', namespace }, { fieldSelector: 'type=Warning' }, { signal })
                    .then(l => l.items)
                    .catch(() => []));
            }
            return warnings.get(namespace);
        };
        for (const entry of unfinished) {
            const pods = [];
            for (const pod of entry.pods.values())
                if (await this.isNewRevision(entry, pod))
                    pods.push(pod);
            const blocked = pods.length > 0 ? (0,diagnose/* blockingLine */.Gc)(pods, await warningsIn(entry.item.namespace ?? 'default')) : undefined;
            if (entry.outcome || this.stop.signal.aborted)
                continue;
            this.options.log(`… ${describe(entry.item)} after ${(0,duration/* formatDuration */.a)(Date.now() - this.started)}: ${blocked ?? entry.verdict?.message ?? 'no status observed yet'}`);
        }
    }
    /** The tracked workload a pod belongs to, as the readers of kinds with pods name its owners. */
    ownerOf(pod) {
        const ns = pod.metadata.namespace;
        const byReaders = readers/* readers */.Xc.flatMap(r => r.pods?.ownersOf(pod) ?? []);
        // A kind without pod rules (a custom resource) may own pods directly too.
        const direct = pod.metadata.ownerReferences ?? [];
        for (const owner of [...byReaders, ...direct]) {
            const entry = this.tracked.get(itemKey(owner.kind, ns, owner.name));
            if (entry)
                return entry;
        }
        return undefined;
    }
    /** One watch per apiVersion, resource and namespace; by name when it holds a single object. */
    watchObjects() {
        const groups = new Map();
        for (const { item } of this.tracked.values()) {
            const key = `${item.apiVersion}|${item.plural}|${item.namespace ?? ''}`;
            groups.set(key, [...(groups.get(key) ?? []), item]);
        }
        return [...groups.values()].map(group => {
            const { apiVersion, kind, namespace } = group[0];
            const query = group.length === 1 ? { fieldSelector: `metadata.name=${group[0].name}` } : {};
            return watchLoop(this.kube, { apiVersion, kind, namespace }, query, this.stop.signal, this.options.log, (type, object) => {
                const entry = this.tracked.get(itemKey(object.kind ?? group[0].kind, object.metadata.namespace, object.metadata.name));
                if (!entry)
                    return;
                if (type === 'DELETED')
                    return this.finish(entry, {
                        state: 'failed',
                        message: `${describe(entry.item)} was deleted while waiting for its rollout`
                    });
                entry.object = { ...object, kind: entry.item.kind };
                this.evaluate(entry);
            });
        });
    }
    /** One pod watch per namespace of a workload whose reader follows pods. */
    watchPods() {
        const podNamespaces = new Set([...this.tracked.values()].filter(t => t.reader?.pods).map(t => t.item.namespace ?? 'default'));
        return [...podNamespaces].map(namespace => watchLoop(this.kube, { apiVersion: 'v1', kind: 'Pod', namespace }, {}, this.stop.signal, this.options.log, (type, pod) => {
            const entry = this.ownerOf(pod);
            if (!entry || entry.outcome)
                return;
            if (type === 'DELETED')
                entry.pods.delete(pod.metadata.name);
            else
                entry.pods.set(pod.metadata.name, pod);
            if (entry.reader?.pods?.isThePod && type !== 'DELETED') {
                entry.object = { ...pod, kind: entry.item.kind };
                this.evaluate(entry);
            }
            else
                void this.diagnosePods(entry);
        }));
    }
}


/***/ }),

/***/ 4530:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   WC: () => (/* binding */ gateUrlSecrets),
/* harmony export */   tV: () => (/* binding */ gateRequest)
/* harmony export */ });
/* unused harmony export shownUrl */
// A verify URL may carry credentials: user:password@ or a token in its query (issue 19). They are sent, never
// shown: the URL printed in the log and the summary has its user info and every query value replaced by ***,
// and the credentials are masked in every form a lower layer could print (raw, decoded, encoded, Basic).
/** Query keys whose values are credentials by their name; their values are masked, not only hidden. */
const sensitiveKey = /token|key|secret|pass|pwd|sig|auth|credential|session|jwt|bearer|code/i;
// As the URL parser splits it: the user info ends at the last @ before the first / ? or #.
function split(text) {
    const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:([^/?#]*)@)?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/is.exec(text);
    if (!match)
        return undefined;
    const [, scheme, userinfo, rest, query, fragment] = match;
    return { scheme, userinfo, rest, query, fragment };
}
const queryPairs = (query) => (query ?? '')
    .split('&')
    .filter(Boolean)
    .map(pair => {
    const eq = pair.indexOf('=');
    return eq < 0 ? [pair, undefined] : [pair.slice(0, eq), pair.slice(eq + 1)];
});
// In user info a + is itself; in a query it may stand for a space (form encoding).
function decoded(text, plusIsSpace = false) {
    try {
        return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, ' ') : text);
    }
    catch {
        return text;
    }
}
/** The URL as the log and the summary show it: user info and every query value (and a fragment) as ***. */
function shownUrl(text) {
    const parts = split(text);
    if (!parts)
        return '***';
    const query = parts.query === undefined
        ? ''
        : `?${queryPairs(parts.query)
            .map(([key, value]) => (value === undefined ? '***' : `${key}=***`))
            .join('&')}`;
    return `${parts.scheme}${parts.userinfo === undefined ? '' : '***@'}${parts.rest}${query}${parts.fragment === undefined ? '' : '#***'}`;
}
/** The request for the gate of `colour` (the URL's {colour} replaced); throws on a URL fetch cannot take. */
function gateRequest(template, colour = '') {
    const text = template.replaceAll('{colour}', colour);
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new Error(`Invalid verify URL ${shownUrl(text)}: not a URL fetch can request (a {colour} in the host must make a valid host name).`);
    }
    const headers = {};
    if (url.username || url.password) {
        headers.authorization = `Basic ${Buffer.from(`${decoded(url.username)}:${decoded(url.password)}`).toString('base64')}`;
        url.username = '';
        url.password = '';
    }
    return { url: url.href, headers, shown: shownUrl(text) };
}
/**
 * Every form of the URL's credentials, for core.setSecret: the password (the user name too when it comes alone,
 * as a token does), the values of sensitive-looking query keys, each raw, decoded and encoded, the Basic
 * header's value, and the whole URL; for {colour} as given, blue and green. Shorter than 4 characters, a
 * value is left unmasked (a mask blanks its every occurrence in the log); no value is printed anyway.
 */
function gateUrlSecrets(template) {
    const found = new Set();
    const add = (value) => {
        const plain = [decoded(value), decoded(value, true)];
        for (const form of [
            value,
            ...plain,
            ...plain.flatMap(p => [encodeURIComponent(p), new URLSearchParams({ v: p }).toString().slice(2)])
        ]) {
            if (form.length >= 4)
                found.add(form);
        }
    };
    for (const colour of [undefined, 'blue', 'green']) {
        const text = colour === undefined ? template : template.replaceAll('{colour}', colour);
        const parts = split(text);
        if (!parts)
            continue;
        const sensitive = queryPairs(parts.query).filter(([key, value]) => value && sensitiveKey.test(decoded(key, true)));
        if (parts.userinfo === undefined && sensitive.length === 0)
            continue;
        found.add(text);
        if (parts.userinfo !== undefined) {
            const colon = parts.userinfo.indexOf(':');
            const [user, password] = colon < 0 ? [parts.userinfo, ''] : [parts.userinfo.slice(0, colon), parts.userinfo.slice(colon + 1)];
            if (password)
                add(password);
            else if (user)
                add(user);
            if (user || password)
                found.add(Buffer.from(`${decoded(user)}:${decoded(password)}`).toString('base64'));
        }
        for (const [, value] of sensitive)
            add(value);
    }
    return [...found];
}


/***/ }),

/***/ 5769:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  J$: () => (/* binding */ isStrategyName),
  vL: () => (/* binding */ strategyNamed),
  ov: () => (/* binding */ strategyNames)
});

// EXTERNAL MODULE: ./src/format/markdown.ts
var markdown = __webpack_require__(1990);
;// CONCATENATED MODULE: ./src/strategies/traffic-lines.ts

/** Which Deployments behind a Service the strategy ran twice, and which it applied as rolling. */
function strategyLines(label, twice, rolling) {
    if (!rolling || rolling.length === 0)
        return [];
    return [
        `${label}: ${twice && twice.length > 0 ? twice.map(n => `deployment/${(0,markdown/* inline */.mG)(n)}`).join(', ') : '(none)'}. Applied as rolling, pods kept: ${rolling.map(n => `deployment/${(0,markdown/* inline */.mG)(n)}`).join(', ')}.`,
        ''
    ];
}

;// CONCATENATED MODULE: ./src/strategies/blue-green-strategy.ts


/**
 * strategy: blue-green. The Deployments behind Services run in two colours; the Services switch once the new one
 * is ready. The deploy code (blue-green.ts) loads only when chosen.
 */
const blueGreen = {
    name: 'blue-green',
    validate(settings) {
        const { mode, rollbackTo } = settings;
        if (mode === 'build' || mode === 'history')
            throw new Error(`strategy blue-green is used in modes deploy, apply and rollback, not in mode ${mode}.`);
        if (rollbackTo?.kind === 'revision') {
            throw new Error('rollback-to a revision number is not for strategy blue-green: previous switches the Services back to the other colour, a commit SHA redeploys that commit as a new colour.');
        }
        if (!settings.wait)
            throw new Error('strategy blue-green needs wait: true: the Services switch once the new colour is ready.');
    },
    async prepare({ kube, settings, objects, targetNamespace, gate }) {
        const { BlueGreenDeploy } = await __webpack_require__.e(/* import() */ 238).then(__webpack_require__.bind(__webpack_require__, 4238));
        return BlueGreenDeploy.prepare(kube, objects, targetNamespace, settings.blueGreen, settings.fieldManager, gate);
    },
    async switchBack(kube, objects, targetNamespace, settings) {
        const { switchBack } = await __webpack_require__.e(/* import() */ 238).then(__webpack_require__.bind(__webpack_require__, 4238));
        return switchBack(kube, objects, targetNamespace, settings.fieldManager, settings.timeoutMs);
    },
    // Both colours of each Deployment: those are the objects that hold the history.
    historyOf: workload => workload.kind === 'Deployment'
        ? [workload, { ...workload, name: `${workload.name}-blue` }, { ...workload, name: `${workload.name}-green` }]
        : [workload],
    // The manifests' Deployments exist only as colours; the traffic section says which is live.
    liveUnderManifestNames: false,
    outputs: (traffic) => traffic.strategy === 'blue-green' && traffic.after ? { 'live-colour': traffic.after } : {},
    summary(traffic) {
        if (traffic.strategy !== 'blue-green')
            return [];
        const { before, after, switched, services } = traffic;
        return [
            '### Traffic (blue-green)',
            '',
            '| Services | Before | After |',
            '| --- | --- | --- |',
            `| ${services.map(s => `service/${(0,markdown/* inline */.mG)(s)}`).join(', ') || '(none)'} | ${(0,markdown/* inline */.mG)(before ?? '(none)')} | ${switched ? `**${(0,markdown/* inline */.mG)(after)}**` : `${(0,markdown/* inline */.mG)(after ?? '(none)')} (not switched)`} |`,
            '',
            ...strategyLines('New colour', traffic.coloured, traffic.rolling),
            ...(traffic.deletedServices
                ? [
                    `Deleted with the new colour, as this run had created them selecting it: ${traffic.deletedServices.map(s => `service/${(0,markdown/* inline */.mG)(s)}`).join(', ')}. Nothing serves yet.`,
                    ''
                ]
                : [])
        ];
    },
    resultDetail: traffic => traffic.strategy === 'blue-green' && traffic.after
        ? `${traffic.switched ? 'traffic switched to' : 'traffic stays on'} ${traffic.after}`
        : undefined,
    untouchedLine(traffic) {
        if (traffic.strategy !== 'blue-green')
            return undefined;
        if (traffic.coloured?.length === 0)
            return undefined;
        if (traffic.switched)
            return undefined;
        const services = traffic.deletedServices?.map(name => `service/${name}`).join(', ');
        if (services)
            return `Blue-green: the new colour was deleted, and ${services}, created by this run selecting it, too: nothing serves yet.`;
        return `Blue-green: the new colour was deleted; ${traffic.before ? `${traffic.before} still serves, untouched` : 'no colour was live yet'}.`;
    }
};

;// CONCATENATED MODULE: ./src/strategies/canary-strategy.ts


/**
 * strategy: canary. The new version runs beside the stable one with a share of the traffic until mode promote or
 * abort. The deploy code (canary.ts) loads only when chosen.
 */
const canary = {
    name: 'canary',
    validate(settings) {
        const { mode } = settings;
        if (mode === 'build' || mode === 'history')
            throw new Error(`strategy canary is used in modes deploy, apply, promote and abort, not in mode ${mode}.`);
        if (mode === 'rollback')
            throw new Error('mode rollback is not for strategy canary: mode abort removes the canary and leaves the stable version as it is.');
        if (!settings.wait)
            throw new Error('strategy canary needs wait: true: the canary is checked once it is ready.');
    },
    async prepare({ kube, settings, objects, targetNamespace, rollStable, gate }) {
        const { CanaryDeploy, CanaryPromotion } = await __webpack_require__.e(/* import() */ 495).then(__webpack_require__.bind(__webpack_require__, 8495));
        if (settings.mode === 'promote')
            return new CanaryPromotion(objects, targetNamespace);
        return CanaryDeploy.prepare(kube, objects, targetNamespace, settings.canary, settings.fieldManager, rollStable, gate);
    },
    async abort(kube, objects, targetNamespace) {
        const { abortCanary } = await __webpack_require__.e(/* import() */ 495).then(__webpack_require__.bind(__webpack_require__, 8495));
        return abortCanary(kube, objects, targetNamespace);
    },
    historyOf: workload => [workload],
    liveUnderManifestNames: true,
    outputs: (traffic) => traffic.strategy === 'canary' ? { 'canary-stage': traffic.stage } : {},
    summary(traffic) {
        if (traffic.strategy !== 'canary')
            return [];
        const out = [`### Canary: ${(0,markdown/* inline */.mG)(traffic.stage)}`, ''];
        if (traffic.canaries.length > 0) {
            out.push('| Canary | Pods | Stable | Pods |', '| --- | --- | --- | --- |');
            for (const c of traffic.canaries)
                out.push(`| deployment/${(0,markdown/* inline */.mG)(c.name)} | ${c.replicas} | deployment/${(0,markdown/* inline */.mG)(c.stable)} | ${c.stableReplicas} |`);
            out.push('', `The canaries have ${traffic.replicaPercent} % of the pods${traffic.added.some(a => a.startsWith('ingress/')) ? `; their Ingresses get ${traffic.weight} % of the requests` : ''}.`);
            if (traffic.percent !== undefined) {
                const shares = traffic.canaries
                    .map(c => `deployment/${(0,markdown/* inline */.mG)(c.name)} ${Math.round((100 * c.replicas) / (c.replicas + c.stableReplicas))} %`)
                    .join(', ');
                out.push('', `**Share:** ${shares} of the pods, for canary-percent ${traffic.percent} %${traffic.canaries.some(c => Math.abs((100 * c.replicas) / (c.replicas + c.stableReplicas) - traffic.percent) > 5) ? ' (does not hold: raise the stable replicas)' : ''}.`);
            }
        }
        if (traffic.stage === 'canary' || traffic.stage === 'stable')
            out.push(...strategyLines('Canary', traffic.canaries.map(c => c.name), traffic.rolling));
        if (traffic.stage !== 'canary' && traffic.added.length > 0)
            out.push('', `Deleted: ${traffic.added.map(markdown/* inline */.mG).join(', ')}.`);
        out.push('');
        return out;
    },
    resultDetail: traffic => (traffic.strategy === 'canary' ? `canary ${traffic.stage}` : undefined),
    untouchedLine: traffic => traffic.strategy === 'canary' && traffic.stage === 'aborted'
        ? 'Canary: the canary was deleted; the stable version was not touched.'
        : undefined
};

;// CONCATENATED MODULE: ./src/strategies/rolling.ts
/** kubectl's rolling update: the manifests are applied as they are, and a failed rollout is undone per workload. */
const rolling = {
    name: 'rolling',
    validate: () => undefined,
    prepare: async () => undefined,
    historyOf: workload => [workload],
    liveUnderManifestNames: true,
    outputs: () => ({}),
    summary: () => [],
    resultDetail: () => undefined,
    untouchedLine: () => undefined
};

;// CONCATENATED MODULE: ./src/strategies/registry.ts



// A new strategy is one line here, its file, and its plan test.
const strategies = { rolling: rolling, 'blue-green': blueGreen, canary: canary };
const strategyNames = Object.keys(strategies);
const isStrategyName = (name) => Object.hasOwn(strategies, name);
/** The strategy of the settings or of a traffic report; a name the settings did not accept is a bug. */
function strategyNamed(name) {
    if (!isStrategyName(name))
        throw new Error(`Unknown strategy '${name}'.`);
    return strategies[name];
}


/***/ })

};
