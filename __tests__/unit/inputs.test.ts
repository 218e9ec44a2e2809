import { beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { parseSettings } = await import('../../src/settings/parse.js')
const { decodeKubeconfig, kubeconfigSecrets } = await import('../../src/settings/kube-inputs.js')
const { readKubeSettings, readSettings } = await import('../../src/settings/inputs.js')
const { actionInputs } = await import('../../src/settings/action-inputs.js')

const sha = '0123456789abcdef0123456789abcdef01234567'
const env = {
  GITHUB_SHA: sha,
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REPOSITORY: 'acme/api',
  GITHUB_RUN_ID: '7',
  GITHUB_SERVER_URL: 'https://github.com'
}
const base = { image: 'localhost:5000/acme/api', manifests: 'manifests/' }
const settings = (inputs: Record<string, string>, environment: Record<string, string> = env) =>
  parseSettings(name => ({ ...base, ...inputs })[name] ?? '', environment)

beforeEach(() => {
  core.setSecret.mockClear()
})

const privateKey =
  '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
const publicKey = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----'

describe('parseSettings', () => {
  it('reads provenance, sbom, push-by-digest and images-from', () => {
    const digest = `sha256:${'c'.repeat(64)}`
    expect(settings({ provenance: 'mode=max', sbom: 'TRUE' }).build).toMatchObject({
      provenance: 'mode=max',
      sbom: 'true'
    })
    expect(settings({}).build).toMatchObject({ provenance: undefined, sbom: undefined })
    expect(settings({ mode: 'build', 'push-by-digest': 'true' }).pushByDigest).toBe(true)
    expect(
      settings({
        mode: 'apply',
        'images-from': `localhost:5000/acme/api@${digest}\nlocalhost:5000/acme/api@sha256:${'d'.repeat(64)}`
      }).imagesFrom
    ).toHaveLength(2)
  })

  it.each([
    [
      { provenance: 'max' },
      "Invalid provenance 'max'. Expected true, false, or buildx's KEY=VALUE list (mode=min, mode=max)."
    ],
    [{ sbom: 'generator=' }, "Invalid sbom 'generator='"],
    [{ 'push-by-digest': 'true' }, 'push-by-digest is used in mode build'],
    [{ mode: 'build', 'push-by-digest': 'true', push: 'false' }, 'push-by-digest needs push: true'],
    [{ 'images-from': `localhost:5000/acme/api@sha256:${'c'.repeat(64)}` }, 'images-from is used in mode apply'],
    [
      { mode: 'apply', 'images-from': 'localhost:5000/acme/api:v1' },
      "Invalid images-from entry 1 'localhost:5000/acme/api:v1': no digest."
    ],
    [
      { mode: 'apply', 'images-from': `localhost:5000/acme/other@sha256:${'c'.repeat(64)}` },
      'is of localhost:5000/acme/other, which is neither the image input nor a build entry'
    ],
    [
      {
        mode: 'apply',
        build: 'localhost:5000/acme/web=web',
        'images-from': `localhost:5000/acme/api@sha256:${'c'.repeat(64)}`
      },
      'images-from names no digest of localhost:5000/acme/web'
    ],
    [
      {
        mode: 'apply',
        'images-from': `localhost:5000/acme/api@sha256:${'c'.repeat(64)}`,
        'verify-signature': publicKey
      },
      'images-from with sign or verify-signature is not supported yet'
    ],
    [
      {
        mode: 'apply',
        'images-from': `localhost:5000/acme/api@sha256:${'c'.repeat(64)}, localhost:5000/acme/api@sha256:${'c'.repeat(64)}`
      },
      'images-from entry 2 repeats entry 1'
    ],
    [
      { mode: 'apply', 'images-from': `localhost:5000/acme/api@sha256:${'c'.repeat(64)}`, 'dry-run': 'true' },
      'images-from writes the merged index to the registry'
    ]
  ])('refuses %j', (inputs, message) => {
    expect(() => settings(inputs)).toThrow(message)
  })

  it('reads sign and verify-signature, masking the key line by line and the password', () => {
    const s = settings({
      sign: 'cosign',
      'cosign-key': privateKey,
      'cosign-password': 'pw-9',
      'verify-signature': publicKey,
      'transparency-log': 'false'
    })
    expect(s.sign).toEqual({ key: privateKey, password: 'pw-9', transparencyLog: false })
    expect(s.verifySignature).toEqual({ kind: 'key', publicKey, transparencyLog: false })
    const masked = core.setSecret.mock.calls.map(c => c[0])
    expect(masked).toEqual(expect.arrayContaining([privateKey, 'eyJrZGYiOnsibmFtZSI6InNjcnlwdCJ9', 'pw-9']))
    expect(
      settings({
        'verify-signature': 'keyless',
        'verify-certificate-identity': 'id',
        'verify-certificate-oidc-issuer': 'iss'
      }).verifySignature
    ).toEqual({ kind: 'keyless', identity: 'id', issuer: 'iss' })
    expect(settings({ sign: 'cosign' }, { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token' }).sign).toEqual({
      key: undefined,
      password: '',
      transparencyLog: true
    })
    expect(settings({}).sign).toBeUndefined()
  })

  it('applies the documented defaults', () => {
    const s = settings({})
    expect(s).toMatchObject({
      mode: 'deploy',
      tagTemplate: '{sha}',
      latest: 'auto',
      push: true,
      skipExisting: true,
      pinDigest: false,
      createNamespace: false,
      fieldManager: 'build-and-deploy',
      forceConflicts: false,
      dryRun: false,
      wait: true,
      timeoutMs: 300_000,
      manifests: ['manifests/'],
      builds: [{ name: 'api', context: '.', dockerfile: './Dockerfile' }],
      build: { buildArgs: [], platforms: [] }
    })
    expect(s.run).toMatchObject({ sha, branch: 'main', runUrl: 'https://github.com/acme/api/actions/runs/7' })
  })

  it('takes mode apply with no image at all: the manifests are applied as written', () => {
    expect(settings({ mode: 'apply', image: '' })).toMatchObject({ mode: 'apply', builds: [], images: [] })
  })

  it.each([
    [{ prune: 'true' }, { parent: { kind: 'Secret', name: 'build-and-deploy-deploy' }, namespacesAndCrds: false }],
    [
      { prune: 'true', 'lock-name': 'staging' },
      { parent: { kind: 'Secret', name: 'build-and-deploy-staging' }, namespacesAndCrds: false }
    ],
    [
      { prune: 'true', applyset: 'web' },
      { parent: { kind: 'Secret', name: 'web' }, namespacesAndCrds: false }
    ],
    [
      { prune: 'true', applyset: 'secrets/web' },
      { parent: { kind: 'Secret', name: 'web' }, namespacesAndCrds: false }
    ],
    [
      { prune: 'true', applyset: 'configmap/web.v1', 'prune-namespaces-and-crds': 'true' },
      { parent: { kind: 'ConfigMap', name: 'web.v1' }, namespacesAndCrds: true }
    ],
    [{}, undefined]
  ])('reads prune inputs %j', (inputs, prune) => {
    expect(settings(inputs).prune).toEqual(prune)
  })

  it('reads the blue-green inputs', () => {
    expect(settings({}).strategy).toBe('rolling')
    expect(
      settings({ strategy: 'blue-green', verify: 'https://preview-{colour}.acme.dev/ready', 'blue-green-keep': '10m' })
    ).toMatchObject({
      strategy: 'blue-green',
      blueGreen: {
        verify: { kind: 'url', url: 'https://preview-{colour}.acme.dev/ready' },
        verifyTimeoutMs: 60_000,
        keepMs: 600_000
      }
    })
    expect(settings({ strategy: 'canary', verify: 'job/smoke', 'canary-percent': '10' }).canary).toEqual({
      percent: 10,
      verify: { kind: 'job', name: 'smoke' },
      verifyTimeoutMs: 60_000,
      autoPromoteAfterMs: undefined
    })
    expect(settings({ strategy: 'canary', verify: 'command:  ./smoke.sh --url https://x  ' }).canary?.verify).toEqual({
      kind: 'command',
      argv: ['./smoke.sh', '--url', 'https://x']
    })
    expect(settings({ mode: 'promote' }).strategy).toBe('canary')
    expect(settings({ strategy: 'blue-green', 'blue-green-keep': '0' }).blueGreen?.keepMs).toBe(0)
  })

  it('reads rollback, lock and environment inputs', () => {
    expect(settings({ mode: 'rollback' }).rollbackTo).toEqual({ kind: 'previous' })
    expect(settings({ mode: 'rollback', 'rollback-to': '4' }).rollbackTo).toEqual({ kind: 'revision', revision: 4 })
    expect(settings({ mode: 'rollback', 'rollback-to': sha }).rollbackTo).toEqual({ kind: 'sha', sha })
    expect(settings({ mode: 'rollback', 'rollback-to': 'ABCDEF1' }).rollbackTo).toEqual({ kind: 'sha', sha: 'abcdef1' })
    expect(settings({ mode: 'rollback', 'rollback-to': '123456' }).rollbackTo).toEqual({
      kind: 'revision',
      revision: 123456
    })
    // A short SHA of digits alone (one in 27) is a commit, not revision 1234567.
    expect(settings({ mode: 'rollback', 'rollback-to': '1234567' }).rollbackTo).toEqual({ kind: 'sha', sha: '1234567' })
    expect(settings({ mode: 'rollback', 'rollback-to': 'release-12' }).rollbackTo).toEqual({
      kind: 'release',
      number: 12
    })
    expect(() => settings({ mode: 'rollback', 'rollback-to': 'release-0' })).toThrow("Invalid rollback-to 'release-0'")
    expect(settings({}).releases).toEqual({ name: 'deploy', historyMax: 10 })
    expect(settings({ 'history-max': '0', 'lock-name': 'api' }).releases).toEqual({ name: 'api', historyMax: 0 })
    expect(() => settings({ 'history-max': '101' })).toThrow(
      "Invalid history-max '101'. Expected a number of releases to keep, 0 to 100 (0: no release records)."
    )
    expect(settings({}).lock).toEqual({ name: 'deploy', timeoutMs: 300_000 })
    expect(settings({ lock: 'false' }).lock).toBeUndefined()
    expect(settings({ environment: 'prod', 'github-token': 'ghs_1' })).toMatchObject({
      environment: 'prod',
      githubToken: 'ghs_1',
      rollbackOnFailure: true,
      rollbackDeleteNew: false
    })
    expect(core.setSecret).toHaveBeenCalledWith('ghs_1')
  })

  it('parses multiline and list inputs', () => {
    const s = settings({
      'build-args': 'A=1\n# comment\n\nB=x=y',
      'extra-tags': '{short_sha}, stable\nv{run_number}',
      platforms: 'linux/amd64,linux/arm64',
      images: 'redis=redis:7.4\nnginx = nginx:1.27',
      context: 'app/',
      timeout: '90s'
    })
    expect(s.build.buildArgs).toEqual([
      ['A', '1'],
      ['B', 'x=y']
    ])
    expect(s.extraTagTemplates).toEqual(['{short_sha}', 'stable', 'v{run_number}'])
    expect(s.build.platforms).toEqual(['linux/amd64', 'linux/arm64'])
    expect(s.builds).toEqual([expect.objectContaining({ name: 'api', context: 'app/', dockerfile: 'app/Dockerfile' })])
    expect(s.images.map(i => i.image)).toEqual(['redis:7.4', 'nginx:1.27'])
    expect(s.timeoutMs).toBe(90_000)
  })

  it('reads several images to build and a helm chart', () => {
    const s = settings({
      image: '',
      manifests: '',
      build:
        'ghcr.io/acme/api=example/api,target=runtime\n# the frontend\nghcr.io/acme/web=example/web,dockerfile=docker/web.Dockerfile',
      'helm-chart': 'charts/example-1.2.0.tgz',
      'helm-values': 'values.yaml\nvalues-prod.yaml'
    })
    expect(s.builds).toEqual([
      {
        name: 'api',
        image: expect.objectContaining({ path: 'acme/api' }),
        context: 'example/api',
        dockerfile: 'example/api/Dockerfile',
        target: 'runtime'
      },
      {
        name: 'web',
        image: expect.objectContaining({ path: 'acme/web' }),
        context: 'example/web',
        dockerfile: 'docker/web.Dockerfile'
      }
    ])
    expect(s.helm).toEqual({
      chart: 'charts/example-1.2.0.tgz',
      release: 'example',
      values: ['values.yaml', 'values-prod.yaml']
    })
    expect(settings({ 'helm-chart': './charts/shop/', 'helm-release': 'shop-prod' }).helm).toMatchObject({
      chart: './charts/shop/',
      release: 'shop-prod'
    })
  })

  it('masks a verify URL that carries a token, and leaves a plain one readable', () => {
    settings({ strategy: 'blue-green', verify: 'https://preview.acme.dev/ready?token=s3cr3t' })
    settings({ strategy: 'blue-green', verify: 'https://ci:pw@preview.acme.dev/ready' })
    settings({ strategy: 'blue-green', verify: 'https://preview.acme.dev/ready' })
    const masked = core.setSecret.mock.calls.map(c => c[0])
    expect(masked).toEqual(
      expect.arrayContaining([
        'https://preview.acme.dev/ready?token=s3cr3t',
        's3cr3t',
        'https://ci:pw@preview.acme.dev/ready',
        Buffer.from('ci:pw').toString('base64')
      ])
    )
    expect(masked.filter(m => m.includes('preview.acme.dev/ready') && !/token|@/.test(m))).toEqual([])
  })

  it('masks the registry password, build secret values and kubeconfig credentials', () => {
    const kubeconfig = 'apiVersion: v1\nclusters: []\ncontexts: []\nusers:\n- name: u\n  user:\n    token: tok-123\n'
    settings({ 'registry-username': 'u', 'registry-password': 'pw-1', 'build-secrets': 'npm=abc\ngh=def', kubeconfig })
    const masked = core.setSecret.mock.calls.map(c => c[0])
    expect(masked).toEqual(expect.arrayContaining(['pw-1', 'abc', 'def', 'tok-123', kubeconfig.trim()]))
  })

  it.each([
    [
      { 'pin-digest': 'true', push: 'false' },
      env,
      'pin-digest needs push: an image that is not pushed has no registry digest to pin to.'
    ],
    [{ sign: 'sigstore' }, env, "Invalid sign 'sigstore'. Expected cosign, or empty for no signing."],
    [
      { sign: 'cosign', 'cosign-key': 'not a key s3cret' },
      env,
      'cosign-key is not a PEM private key (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----, as cosign generate-key-pair writes it).'
    ],
    [{ 'cosign-key': privateKey }, env, 'cosign-key is only used with sign: cosign.'],
    [
      { sign: 'cosign' },
      env,
      "Keyless signing (sign: cosign without cosign-key) needs the job's OIDC token: give the job permissions: id-token: write, or set cosign-key."
    ],
    [
      { sign: 'cosign', 'transparency-log': 'false' },
      { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token' },
      'Keyless signing (sign: cosign without cosign-key) records in the transparency log; transparency-log: false needs a cosign-key.'
    ],
    [
      { sign: 'cosign', 'cosign-key': privateKey, push: 'false' },
      env,
      'sign and verify-signature need push: signatures are of the digest the registry holds.'
    ],
    [
      { 'verify-signature': 'cosign.pub' },
      env,
      "Invalid verify-signature: expected a PEM public key (-----BEGIN PUBLIC KEY-----, cosign generate-key-pair's cosign.pub) or keyless."
    ],
    [{ 'verify-signature': 'keyless' }, env, 'verify-signature: keyless needs verify-certificate-identity'],
    [
      { 'verify-signature': 'keyless', 'transparency-log': 'false' },
      env,
      'verify-signature: keyless checks the transparency log; transparency-log: false needs a verify-signature key.'
    ],
    [{ 'cosign-password': 'pw' }, env, 'cosign-password is only used with cosign-key.'],
    [
      { sign: 'cosign', 'verify-signature': publicKey },
      { ...env, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token' },
      'sign: cosign without cosign-key signs keyless, which a verify-signature key cannot verify: give cosign-key, or use verify-signature: keyless.'
    ],
    [
      { 'verify-certificate-identity': 'x' },
      env,
      'verify-certificate-identity and verify-certificate-oidc-issuer are only used with verify-signature: keyless.'
    ],
    [{ 'pin-digest': 'yes please' }, env, "Invalid pin-digest 'yes please'. Expected true or false."],
    [
      { mode: 'ship' },
      env,
      "Invalid mode 'ship'. Expected deploy, build, apply, rollback, history, promote, abort or plan."
    ],
    [
      { mode: 'rollback', 'rollback-to': 'HEAD~1' },
      env,
      "Invalid rollback-to 'HEAD~1'. Expected previous, a revision number (e.g. 3, up to 6 digits), release-N (a release record's number), or a commit SHA or its first 7 or more characters."
    ],
    [
      { mode: 'rollback', 'rollback-to': 'abc123' },
      env,
      "Invalid rollback-to 'abc123'. Expected previous, a revision number (e.g. 3, up to 6 digits), release-N (a release record's number), or a commit SHA or its first 7 or more characters."
    ],
    [{ mode: 'rollback', 'rollback-to': `${sha}0` }, env, 'Invalid rollback-to'],
    [{ mode: 'rollback', image: '', 'rollback-to': sha }, env, 'rollback-to a commit SHA needs the image input'],
    [{ 'lock-name': 'a'.repeat(41) }, env, "Invalid lock-name '"],
    [
      { image: '' },
      env,
      'Mode deploy needs an image to build: the image input (e.g. ghcr.io/acme/api), or build entries (REPOSITORY=CONTEXT, one per line).'
    ],
    [
      { image: 'localhost:5000/api:v1' },
      env,
      "Invalid image 'localhost:5000/api:v1': give the repository only (e.g. localhost:5000/api); tags come from the tag input."
    ],
    [
      { image: 'Acme/API' },
      env,
      "Invalid image input: Invalid image reference 'Acme/API': path component 'Acme' must be lowercase"
    ],
    [
      { manifests: '' },
      env,
      'The manifests input is required in mode deploy (files, directories, kustomizations or globs, one per line), unless helm-chart is given.'
    ],
    [{ strategy: 'recreate' }, env, "Invalid strategy 'recreate'. Expected rolling, blue-green or canary."],
    [{ verify: 'https://x' }, env, 'verify is only used with strategy: blue-green or canary.'],
    [
      { strategy: 'blue-green', verify: 'curl x' },
      env,
      "Invalid verify 'curl x'. Expected an http(s) URL that answers 2xx, job/NAME (a Job of the manifests that must complete) or command: PROGRAM ARGS"
    ],
    [{ strategy: 'canary', verify: 'job/Smoke_1' }, env, "Invalid verify 'job/Smoke_1'."],
    [{ strategy: 'blue-green', wait: 'false' }, env, 'strategy blue-green needs wait: true'],
    [
      { strategy: 'blue-green', mode: 'rollback', 'rollback-to': '3' },
      env,
      'rollback-to a revision number is not for strategy blue-green'
    ],
    [{ strategy: 'blue-green', 'blue-green-keep': 'soon' }, env, "Invalid blue-green-keep 'soon'."],
    [{ 'prune-namespaces-and-crds': 'true' }, env, 'prune-namespaces-and-crds is only used with prune: true.'],
    [{ applyset: 'web' }, env, 'applyset is only used with prune: true.'],
    [
      { prune: 'true', mode: 'build' },
      env,
      'prune is used in modes deploy, apply, promote, rollback and plan, not in mode build.'
    ],
    [
      { prune: 'true', applyset: 'deployments/web' },
      env,
      "Invalid applyset 'deployments/web'. Expected NAME (a Secret), secret/NAME or configmap/NAME"
    ],
    [{ prune: 'true', applyset: 'Web_Set' }, env, "Invalid applyset 'Web_Set'."],
    [
      { build: 'ghcr.io/acme/api' },
      env,
      "Invalid build entry 1 'ghcr.io/acme/api': no '='. Expected REPOSITORY=CONTEXT[,dockerfile=PATH][,target=STAGE]"
    ],
    [{ build: 'ghcr.io/acme/api:v1=.' }, env, "Invalid build entry 1 'ghcr.io/acme/api:v1': give the repository only"],
    [{ build: 'ghcr.io/acme/web=web,platform=arm' }, env, "Invalid build entry 1: unknown option 'platform=arm'."],
    [
      { build: 'ghcr.io/other/api=api' },
      env,
      "Two images to build end in the same name 'api' (localhost:5000/acme/api and ghcr.io/other/api)"
    ],
    [{ 'helm-values': 'values.yaml' }, env, 'helm-values and helm-release need helm-chart'],
    [
      { 'helm-chart': 'charts/My_Chart' },
      env,
      "Invalid helm-release 'My_Chart' (taken from helm-chart; set helm-release)."
    ],
    [{ tag: '{commit}' }, env, "Invalid tag '{commit}': unknown placeholder {commit}."],
    [{ 'extra-tags': 'ok\n{nope}' }, env, "Invalid extra-tags '{nope}': unknown placeholder {nope}."],
    [{ latest: 'sometimes' }, env, "Invalid latest 'sometimes'. Expected auto, true or false."],
    [{ 'registry-username': 'u' }, env, 'registry-username and registry-password go together'],
    [{ push: 'maybe' }, env, "Invalid push 'maybe'. Expected true or false."],
    [{ wait: 'ja' }, env, "Invalid wait 'ja'. Expected true or false."],
    [{ timeout: '5' }, env, "Invalid timeout '5'. Expected a Go duration such as 90s, 5m or 1h30m."],
    [{ namespace: 'Prod_1' }, env, "Invalid namespace 'Prod_1'. Expected a DNS label"],
    [{ 'build-args': 'NOVALUE' }, env, "Invalid build-args entry 1: no '='. Expected one NAME=VALUE per line."],
    [
      { 'build-args': 'A=1\n1X=2' },
      env,
      "Invalid build-args entry 2: '1X' is not a valid NAME. Expected one NAME=VALUE per line."
    ],
    [{ 'build-secrets': '=s3cr3t' }, env, "Invalid build-secrets entry 1: no '='. Expected one ID=VALUE per line."],
    [{ images: 'redis' }, env, "Invalid images entry 'redis'. Expected NAME=IMAGE, e.g. nginx=nginx:1.27."],
    [{ images: 'redis=Redis:7' }, env, "Invalid images entry 'redis=Redis:7': Invalid image reference 'Redis:7'"],
    [
      { kubeconfig: 'not a kubeconfig' },
      env,
      'Invalid kubeconfig input: it is neither kubeconfig YAML nor base64 of it'
    ],
    [{ 'field-manager': 'has space' }, env, "Invalid field-manager 'has space'."],
    [{}, { GITHUB_REF: 'refs/heads/main' }, 'No commit SHA: GITHUB_SHA is not set and the sha input is empty.'],
    [{ sha: 'abc' }, env, "Invalid commit SHA 'abc'. Expected 40 lowercase hexadecimal characters"]
  ])('rejects %j', (inputs, environment, message) => {
    expect(() => settings(inputs as Record<string, string>, environment as Record<string, string>)).toThrow(message)
  })

  it('never quotes a secret value in an error', () => {
    for (const secrets of ['bad id=topsecretvalue', '=topsecretvalue', 'topsecretvalue']) {
      expect(() => settings({ 'build-secrets': secrets })).toThrow(/^Invalid build-secrets entry 1/)
      expect(() => settings({ 'build-secrets': secrets })).not.toThrow(/topsecret/)
    }
  })
})

describe('kubeconfig input', () => {
  const yaml = 'apiVersion: v1\nkind: Config\nclusters: []\n'
  it('accepts YAML, JSON (as kubectl does), or base64 of either', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [] })
    expect(decodeKubeconfig(yaml)).toBe(yaml.trim())
    expect(decodeKubeconfig(Buffer.from(yaml).toString('base64'))).toBe(yaml)
    expect(decodeKubeconfig(json)).toBe(json)
    expect(decodeKubeconfig(Buffer.from(json).toString('base64'))).toBe(json)
  })
  it('finds every credential to mask', () => {
    const text =
      'users:\n- name: a\n  user: {token: t1}\n- name: b\n  user: {client-key-data: k1, client-certificate-data: c1}\n- name: c\n  user: {username: x, password: p1}\n'
    expect(kubeconfigSecrets(text)).toEqual(['t1', 'k1', 'c1', 'p1'])
  })

  it('masks the longer values of an exec plugin environment, not its short flags', () => {
    const text =
      'users:\n- name: eks\n  user:\n    exec:\n      command: aws\n      env: [{name: AWS_SECRET_ACCESS_KEY, value: wJalrXUtnFEMIK7MDENG}, {name: DEBUG, value: "1"}, {name: EMPTY}]\n'
    expect(kubeconfigSecrets(text)).toEqual(['wJalrXUtnFEMIK7MDENG'])
  })
})

/**
 * action.yml declares the inputs (src/settings/action-inputs.ts is its copy, and the README's table is compared
 * with it): each one must be read by the settings module, and nothing else may be. Inputs read only in some cases
 * (verify-timeout with a strategy other than rolling) are covered by the second set of inputs.
 */
describe('the inputs the settings module reads', () => {
  const readBy = (read: () => unknown, inputs: Record<string, string>): Set<string> => {
    const names = new Set<string>()
    core.getInput.mockImplementation(name => {
      names.add(name)
      return inputs[name] ?? ''
    })
    read()
    core.getInput.mockReset()
    return names
  }
  let main: string[] = []
  beforeAll(() => {
    main = [
      { ...base, sha },
      { ...base, sha, strategy: 'blue-green' }
    ].flatMap(inputs => [...readBy(readSettings, inputs)])
  })

  it('are all declared in action.yml', () => {
    expect([...new Set(main)].filter(name => !actionInputs.includes(name))).toEqual([])
  })

  it('are every input action.yml declares', () => {
    expect(actionInputs.filter(name => !main.includes(name))).toEqual([])
  })

  it('are, in the post step, only the two that reach the cluster', () => {
    expect([...readBy(readKubeSettings, {})]).toEqual(['kubeconfig', 'kube-context'])
  })
})
