import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  deployInputs,
  env,
  kubectl,
  kubectlJson,
  manifestCopy,
  randomSha,
  runAction,
  snapshot,
  testRepository,
  uniqueName
} from './harness.js'

/**
 * Bad inputs, one row each: the step fails with one message naming the input, file or document and what was
 * expected, and the cluster is left exactly as it was (objects and resourceVersions of the target namespace, and
 * no namespace created).
 */
const namespace = uniqueName('bad')
const sha = randomSha()
const kubeconfigText = () => readFileSync(env.KUBECONFIG, 'utf8')
const doc = (text: string) => (m: string) => `${m}---\n${text}`
const template = (from: string, to: string) => (m: string) => m.replace(from, to)

interface Case {
  name: string
  inputs?: Record<string, string>
  manifests?: (text: string) => string
  error: RegExp | string
}

const cases: Case[] = [
  // Inputs
  {
    name: 'unknown mode',
    inputs: { mode: 'ship' },
    error: "Invalid mode 'ship'. Expected deploy, build, apply, rollback, history, promote, abort or plan."
  },
  {
    name: 'image with a tag',
    inputs: { image: `${env.BND_REGISTRY}/it/web:v1` },
    error: /Invalid image '.*:v1': give the repository only/
  },
  {
    name: 'image in upper case',
    inputs: { image: `${env.BND_REGISTRY}/It/Web` },
    error: /Invalid image input: Invalid image reference '.*It\/Web': path component 'It' must be lowercase/
  },
  { name: 'no manifests', inputs: { manifests: '' }, error: 'The manifests input is required in mode deploy' },
  {
    name: 'unknown tag placeholder',
    inputs: { tag: 'v-{version}' },
    error: "Invalid tag 'v-{version}': unknown placeholder {version}."
  },
  {
    name: 'tag rendering to an invalid tag',
    inputs: { tag: '.{short_sha}' },
    error: /The tag '\.\{short_sha\}' renders to '\.[0-9a-f]{7}', which is not a valid image tag/
  },
  {
    name: 'bad extra tag',
    inputs: { 'extra-tags': 'ok\n{commit}' },
    error: "Invalid extra-tags '{commit}': unknown placeholder {commit}."
  },
  { name: 'bad latest', inputs: { latest: 'maybe' }, error: "Invalid latest 'maybe'. Expected auto, true or false." },
  { name: 'bad boolean', inputs: { push: 'sure' }, error: "Invalid push 'sure'. Expected true or false." },
  { name: 'bad dry-run boolean', inputs: { 'dry-run': 'y' }, error: "Invalid dry-run 'y'. Expected true or false." },
  {
    name: 'bad timeout',
    inputs: { timeout: '10 minutes' },
    error: "Invalid timeout '10 minutes'. Expected a Go duration such as 90s, 5m or 1h30m."
  },
  { name: 'bad lock-timeout', inputs: { 'lock-timeout': '-1s' }, error: "Invalid lock-timeout '-1s'." },
  { name: 'bad lock-name', inputs: { 'lock-name': 'Prod Lock' }, error: "Invalid lock-name 'Prod Lock'." },
  { name: 'bad namespace', inputs: { namespace: 'Team_A' }, error: "Invalid namespace 'Team_A'. Expected a DNS label" },
  {
    name: 'build-arg without =',
    inputs: { 'build-args': 'BASE' },
    error: "Invalid build-args entry 1: no '='. Expected one NAME=VALUE per line."
  },
  {
    name: 'bad build-secret id',
    inputs: { 'build-secrets': 'my token=abc' },
    error: "Invalid build-secrets entry 1: 'my token' is not a valid ID."
  },
  {
    name: 'bad images entry',
    inputs: { images: 'redis' },
    error: "Invalid images entry 'redis'. Expected NAME=IMAGE, e.g. nginx=nginx:1.27."
  },
  {
    name: 'bad images reference',
    inputs: { images: 'redis=redis:' },
    error: "Invalid images entry 'redis=redis:': Invalid image reference 'redis:'"
  },
  {
    name: 'kubeconfig that is not one',
    inputs: { kubeconfig: 'hello world' },
    error: 'Invalid kubeconfig input: it is neither kubeconfig YAML nor base64 of it'
  },
  {
    name: 'bad field manager',
    inputs: { 'field-manager': 'my manager' },
    error: "Invalid field-manager 'my manager'."
  },
  {
    name: 'bad sha',
    inputs: { sha: 'HEAD' },
    error: "Invalid commit SHA 'HEAD'. Expected 40 lowercase hexadecimal characters"
  },
  {
    name: 'bad rollback-to',
    inputs: { mode: 'rollback', 'rollback-to': 'yesterday' },
    error:
      "Invalid rollback-to 'yesterday'. Expected previous, a revision number (e.g. 3, up to 6 digits), release-N (a release record's number), or a commit SHA or its first 7 or more characters."
  },
  {
    name: 'rollback-to outside mode rollback',
    inputs: { 'rollback-to': 'previous' },
    error: 'rollback-to is only used in mode rollback (mode is deploy).'
  },
  {
    name: 'username without password',
    inputs: { 'registry-password': '' },
    error: 'registry-username and registry-password go together'
  },
  {
    name: 'bad max-manifests-size',
    inputs: { 'max-manifests-size': '16MB' },
    error: "Invalid max-manifests-size '16MB'. Expected a size such as 16Mi, 500Ki or 2G."
  },
  {
    name: 'manifests over max-manifests-size',
    inputs: { 'max-manifests-size': '512' },
    error: /The manifests \(\S*app\.yaml\) are \d+ B, over max-manifests-size \(512 B\); nothing was built or applied/
  },
  {
    name: 'bad environment-url',
    inputs: { 'environment-url': 'staging.example' },
    error: "Invalid environment-url 'staging.example'. Expected an http(s) URL."
  },
  // Files
  {
    name: 'missing Dockerfile',
    inputs: { dockerfile: 'nope/Dockerfile', 'skip-existing': 'false' },
    error: /dockerfile 'nope\/Dockerfile' of .*\/it\/web does not exist/
  },
  {
    name: 'build entry without a context',
    inputs: { build: `${env.BND_REGISTRY}/it/worker` },
    error: "Invalid build entry 1 '"
  },
  {
    name: 'helm-values without helm-chart',
    inputs: { 'helm-values': 'values.yaml' },
    error: 'helm-values and helm-release need helm-chart'
  },
  {
    name: 'glob matching nothing',
    inputs: { manifests: 'k8s/**/*.yaml' },
    error: /manifests entry 'k8s\/\*\*\/\*\.yaml' matches no \.yaml, \.yml or \.json file/
  },
  {
    name: 'missing manifest file',
    inputs: { manifests: 'deploy/app.yaml' },
    error: "manifests entry 'deploy/app.yaml' does not exist"
  },
  {
    name: 'directory without manifests',
    inputs: { manifests: 'src' },
    error: "manifests directory 'src' holds no .yaml, .yml or .json file and no kustomization."
  },
  // Documents, found before anything is sent
  {
    name: 'malformed YAML',
    manifests: doc('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n'),
    error: /app\.yaml document 4 \(line \d+, column \d+\): invalid YAML/
  },
  {
    name: 'document without kind',
    manifests: doc('apiVersion: v1\nmetadata: {name: x}\n'),
    error: 'app.yaml document 4: object has no kind; every object needs apiVersion, kind and metadata.name'
  },
  {
    name: 'document without apiVersion',
    manifests: doc('kind: ConfigMap\nmetadata: {name: x}\n'),
    error: 'app.yaml document 4: ConfigMap object has no apiVersion'
  },
  {
    name: 'document without name',
    manifests: doc('apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: x-}\n'),
    error: 'app.yaml document 4: ConfigMap object has no metadata.name'
  },
  {
    name: 'name that YAML 1.1 reads as false',
    manifests: doc('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: off}\n'),
    error: 'app.yaml document 4: metadata.name must be a string, but reads as false'
  },
  {
    name: 'document that is a list',
    manifests: doc('- a\n- b\n'),
    error: 'app.yaml document 4: expected a Kubernetes object'
  },
  {
    name: 'duplicate object',
    manifests: doc('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\n'),
    error: 'app.yaml document 4: ConfigMap web-config is already defined in'
  },
  {
    name: 'invalid image in a container',
    manifests: template('containerPort: 8080', 'containerPort: 8080\n        - name: side\n          image: Side:car'),
    error: "app.yaml: document 2 (Deployment web), container 'side': Invalid image reference 'Side:car'"
  },
  {
    name: 'no container uses the image',
    manifests: template(`/${testRepository}:dev`, '/other/app:dev'),
    error: /no container in .*app\.yaml uses the image repository .*\/it\/web/
  },
  // Found by the server's dry run: nothing is applied
  {
    name: 'unknown kind',
    manifests: doc('apiVersion: v1\nkind: ConfigMapp\nmetadata: {name: x}\n'),
    error: 'app.yaml document 4: the server does not know kind ConfigMapp in v1'
  },
  {
    name: 'unknown API group',
    manifests: doc('apiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: x}\n'),
    error: 'app.yaml document 4: the server does not know kind Widget in acme.io/v1'
  },
  {
    name: 'misspelt field',
    manifests: template('  selector: {app: web}\n  ports', '  selector: {app: web}\n  typo: ClusterIP\n  ports'),
    error: /app\.yaml document 3 \(Service [^)]+\): .*\.spec\.typo: field not declared in schema/
  },
  {
    name: 'wrong value type',
    manifests: template('replicas: 3', 'replicas: "3"'),
    error: /app\.yaml document 2 \(Deployment [^)]+\): .*\.spec\.replicas: expected numeric/
  },
  {
    name: 'negative replicas',
    manifests: template('replicas: 3', 'replicas: -1'),
    error: /app\.yaml document 2 \(Deployment [^)]+\): .*spec\.replicas: Invalid value: -1/
  },
  {
    name: 'invalid object name',
    manifests: doc('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n'),
    error: /app\.yaml document 4 \(ConfigMap [^)]+Bad_Name\): .*metadata\.name: Invalid value: "Bad_Name"/
  },
  {
    name: 'invalid label value',
    manifests: template('  labels: {app: web}\nspec:', '  labels: {app: "web app"}\nspec:'),
    error: /app\.yaml document 2 \(Deployment [^)]+\): .*metadata\.labels: Invalid value: "web app"/
  },
  {
    name: 'port out of range',
    manifests: template('    - port: 80', '    - port: 99999'),
    error: /app\.yaml document 3 \(Service [^)]+\): .*spec\.ports\[0\]\.port: Invalid value: 99999/
  },
  {
    name: 'changed immutable selector',
    manifests: template('matchLabels: {app: web}', 'matchLabels: {app: web, tier: x}'),
    error: /app\.yaml document 2 \(Deployment [^)]+\): .*field is immutable/
  },
  {
    name: 'ConfigMap value that is not a string',
    manifests: template('GREETING: hello', 'GREETING: [1, 2]'),
    error: /app\.yaml document 1 \(ConfigMap [^)]+\): .*data\.GREETING/
  },
  {
    name: 'object in another namespace than the input',
    manifests: doc('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: elsewhere}\n'),
    error: "app.yaml document 4 (ConfigMap x): its namespace 'elsewhere' does not match the namespace input"
  },
  {
    name: 'missing namespace without create-namespace',
    inputs: { namespace: `${namespace}-absent`, 'create-namespace': 'false' },
    error: `namespace '${namespace}-absent' does not exist; add a Namespace to the manifests or set create-namespace: true`
  },
  // Cluster and registry
  {
    name: 'kubeconfig naming no cluster',
    inputs: {
      kubeconfig:
        'apiVersion: v1\nclusters: []\ncontexts: [{name: x, context: {cluster: none, user: u}}]\ncurrent-context: x\nusers: []\n'
    },
    error: "Context 'x' names cluster 'none', which the kubeconfig does not define."
  },
  {
    name: 'unknown kube-context',
    inputs: { 'kube-context': 'prod' },
    error: "kube-context 'prod' is not in the kubeconfig."
  },
  {
    name: 'KUBECONFIG file that does not exist',
    inputs: { kubeconfig: '' },
    error: 'KUBECONFIG names /nonexistent/kubeconfig, which does not exist.'
  },
  {
    name: 'unreachable API server',
    inputs: { kubeconfig: 'SERVER:https://127.0.0.1:1' },
    error: /Cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/
  },
  {
    name: 'API server that rejects the credentials',
    inputs: { kubeconfig: 'TOKEN:not-a-valid-token' },
    error: /The Kubernetes API at https:\/\/127\.0\.0\.1:\d+ rejected the credentials \(HTTP 401 Unauthorized\)/
  },
  {
    name: 'wrong registry password',
    inputs: { 'registry-password': 'wrong-password', 'skip-existing': 'true', sha: randomSha() },
    error: `rejected the credentials of '${env.BND_REGISTRY_USER}' (HTTP 401): check registry-username and registry-password.`
  },
  {
    name: 'registry down',
    inputs: { image: '127.0.0.1:5999/it/web', sha: randomSha() },
    manifests: template(`${env.BND_REGISTRY}/`, '127.0.0.1:5999/'),
    error: /Cannot reach registry 127\.0\.0\.1:5999 \((GET|HEAD) \/v2\/[^)]*\): .*ECONNREFUSED/
  },
  {
    name: 'apply mode with a tag never built',
    inputs: { mode: 'apply', sha: randomSha() },
    error: /it\/web:[0-9a-f]{40} is not in the registry; build it first/
  },
  // Plain apply (mode apply with no image): the kubeconfig and the manifests are checked as in a deploy.
  {
    name: 'plain apply: KUBECONFIG file that does not exist',
    inputs: { mode: 'apply', image: '', kubeconfig: '' },
    error: 'KUBECONFIG names /nonexistent/kubeconfig, which does not exist.'
  },
  {
    name: 'plain apply: kubeconfig naming no cluster',
    inputs: {
      mode: 'apply',
      image: '',
      kubeconfig:
        'apiVersion: v1\nclusters: []\ncontexts: [{name: x, context: {cluster: none, user: u}}]\ncurrent-context: x\nusers: []\n'
    },
    error: "Context 'x' names cluster 'none', which the kubeconfig does not define."
  },
  {
    name: 'plain apply: an images entry no container uses',
    inputs: { mode: 'apply', image: '', images: 'nginx=nginx:1.27' },
    error: /uses the image repository \S*nginx, so nginx:1\.27 would be deployed nowhere/
  },
  // Prune
  {
    name: 'applyset that is not a parent reference',
    inputs: { prune: 'true', applyset: 'deployment/web' },
    error: "Invalid applyset 'deployment/web'. Expected NAME (a Secret), secret/NAME or configmap/NAME"
  },
  {
    name: 'applyset naming an object that is no ApplySet parent',
    inputs: { prune: 'true', applyset: 'configmap/web-config' },
    error: `ApplySet parent configmap/web-config in namespace ${namespace} exists but has no applyset.kubernetes.io/tooling annotation`
  },
  {
    name: 'prune with manifests that set the member label',
    inputs: { prune: 'true' },
    manifests: template(
      '  name: web-config\n',
      '  name: web-config\n  labels: {applyset.kubernetes.io/part-of: mine}\n'
    ),
    error: /app\.yaml document 1: sets the label applyset\.kubernetes\.io\/part-of itself/
  },
  // Blue-green
  {
    name: 'blue-green with nothing behind a Service',
    inputs: { strategy: 'blue-green' },
    manifests: template('  selector: {app: web}\n', '  selector: {app: other}\n'),
    error: 'strategy blue-green needs a Deployment behind a Service in the manifests'
  },
  {
    name: 'blue-green with a StatefulSet behind the Service',
    inputs: { strategy: 'blue-green' },
    manifests: m =>
      m
        .replace('kind: Deployment', 'kind: StatefulSet')
        .replace('  replicas: 3\n', '  replicas: 3\n  serviceName: web\n')
        .replace('  selector: {app: web}\n', '  selector: {app: other}\n') +
      '---\napiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n',
    error: 'StatefulSet web cannot run in two colours (deploy it with strategy: rolling)'
  },
  {
    name: 'unknown strategy',
    inputs: { strategy: 'recreate' },
    error: "Invalid strategy 'recreate'. Expected rolling, blue-green or canary."
  },
  {
    name: 'blue-green without waiting',
    inputs: { strategy: 'blue-green', wait: 'false' },
    error: 'strategy blue-green needs wait: true'
  },
  {
    name: 'prune-namespaces-and-crds without prune',
    inputs: { 'prune-namespaces-and-crds': 'true' },
    error: 'prune-namespaces-and-crds is only used with prune: true.'
  }
]

/** Kubeconfig variants the table refers to by prefix. */
function kubeconfigFor(value: string): string {
  if (value.startsWith('SERVER:')) return kubeconfigText().replace(/server: \S+/, `server: ${value.slice(7)}`)
  if (value.startsWith('TOKEN:')) {
    const config = kubeconfigText()
    // Same server and CA, but a bearer token the server does not know instead of the client certificate.
    return config
      .replace(/client-certificate: \S+\n\s+client-key: \S+/, `token: ${value.slice(6)}`)
      .replace(/client-certificate-data: \S+\n\s+client-key-data: \S+/, `token: ${value.slice(6)}`)
  }
  return value
}

// Other test files create and delete their own namespaces meanwhile; the ones these cases could create all
// start with this file's namespace name.
const namespacesNow = async (): Promise<string[]> =>
  (await kubectlJson(['get', 'namespaces'])).items
    .map((n: any) => n.metadata.name)
    .filter((n: string) => n.startsWith(namespace))
    .sort()

beforeAll(async () => {
  const good = await runAction(deployInputs(namespace), { sha })
  expect(good.code).toBe(0)
}, 120_000)

afterAll(async () => {
  await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', namespace])
})

describe(`${cases.length} bad inputs: one clear error, nothing changed`, () => {
  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50)
  })

  it.each(cases.map(c => [c.name, c] as const))(
    '%s',
    async (_, c) => {
      const inputs = deployInputs(namespace, {
        ...(c.manifests ? { manifests: manifestCopy('app.yaml', c.manifests) } : {}),
        ...c.inputs
      })
      if (inputs.kubeconfig) inputs.kubeconfig = kubeconfigFor(inputs.kubeconfig)
      const extraEnv = c.name.endsWith('KUBECONFIG file that does not exist')
        ? { KUBECONFIG: '/nonexistent/kubeconfig' }
        : undefined
      const [objectsBefore, namespacesBefore] = await Promise.all([snapshot(namespace), namespacesNow()])
      const run = await runAction(inputs, { sha: c.inputs?.sha ?? sha, extraEnv })
      expect(run.code).toBe(1)
      const errors = run.stdout.split('\n').filter(line => line.startsWith('::error::'))
      expect(errors).toHaveLength(1)
      const message = errors[0].slice('::error::'.length).replaceAll('%0A', '\n').replaceAll('%25', '%')
      if (typeof c.error === 'string') expect(message).toContain(c.error)
      else expect(message).toMatch(c.error)
      expect(run.outputs.result).toBe('failed')
      expect(await snapshot(namespace)).toEqual(objectsBefore)
      expect(await namespacesNow()).toEqual(namespacesBefore)
    },
    60_000
  )
})
