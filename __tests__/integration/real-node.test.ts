import { describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import {
  deployInputs,
  env,
  freePort,
  kubectlJson,
  manifestCopy,
  namespacesForThisFile,
  randomSha,
  runAction,
  startPostgres,
  testRepository
} from './harness.js'

/**
 * The real node of the local environment (scripts/env/real-node.sh): a kubelet with containerd, so the image the
 * action builds is pulled from the registry with an imagePullSecret and run, probes hit the app, and logs are the
 * container's own. Only pods that select the node and tolerate its taint land there.
 */
const ns = namespacesForThisFile()
const realNode = env.BND_REAL_NODE
const onRealNode = realNode ? describe : describe.skip

/** The registry credentials as the Secret pods pull with. */
const pullSecret = (): string => {
  const auth = Buffer.from(`${env.BND_REGISTRY_USER}:${env.BND_REGISTRY_PASSWORD}`).toString('base64')
  const config = JSON.stringify({
    auths: { [env.BND_REGISTRY]: { username: env.BND_REGISTRY_USER, password: env.BND_REGISTRY_PASSWORD, auth } }
  })
  return `---\napiVersion: v1\nkind: Secret\nmetadata: {name: regcred}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '${config}'\n`
}

/** app.yaml placed on the real node: node selector, toleration, pull secret, a readiness probe and zero-downtime updates. */
const onNode =
  (edit: (text: string) => string = text => text) =>
  (text: string): string =>
    edit(
      text
        .replace(
          'replicas: 3',
          'replicas: 3\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}'
        )
        .replace(
          '    spec:\n      containers:',
          '    spec:\n      nodeSelector: {bnd.dev/real: "true"}\n      tolerations: [{key: bnd.dev/real, operator: Equal, value: "true", effect: NoSchedule}]\n      imagePullSecrets: [{name: regcred}]\n      containers:'
        )
        .replace(
          '          ports:\n',
          '          readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}\n          ports:\n'
        )
    ) + pullSecret()

const get = async (url: string): Promise<{ status: number; body: string }> => {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
    return { status: response.status, body: await response.text() }
  } catch (error) {
    return { status: 0, body: (error as Error).message }
  }
}

onRealNode('the real node', () => {
  it('runs the image the action built; a crashing release is diagnosed with its own log and rolled back with no failed request', async () => {
    const namespace = ns('real')
    const good = randomSha()
    const first = await runAction(deployInputs(namespace, { manifests: manifestCopy('app.yaml', onNode()) }), {
      sha: good
    })
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const pods = (await kubectlJson(['-n', namespace, 'get', 'pods', '-l', 'app=web'])).items
    expect(pods.map((p: any) => p.spec.nodeName)).toEqual([realNode, realNode, realNode])
    // Its kubelet holds the node's Lease: were it kwok's, kwok would be faking these pods' statuses.
    expect((await kubectlJson(['-n', 'kube-node-lease', 'get', 'lease', realNode!])).spec.holderIdentity).toBe(realNode)
    expect(pods.every((p: any) => p.status.containerStatuses[0].imageID.includes('sha256:'))).toBe(true)
    const clusterIp = (await kubectlJson(['-n', namespace, 'get', 'service', 'web'])).spec.clusterIP
    // kube-proxy programs a new Service within its sync period; under the full suite's load that took over 10 s
    // once (it answered 404 meanwhile; the cause was not found), so allow 30 s.
    let answer = await get(`http://${clusterIp}/`)
    for (let i = 0; i < 150 && answer.status !== 200; i++)
      answer = await new Promise(resolve => setTimeout(resolve, 200)).then(() => get(`http://${clusterIp}/`))
    expect(answer).toEqual({ status: 200, body: 'v: hello from build-and-deploy\n' })

    // Requests through the Service's ClusterIP all along the failed rollout and its rollback: bounded in count and time.
    const answers: number[] = []
    let stop = false
    const sampler = (async () => {
      for (let i = 0; i < 1500 && !stop; i++) {
        answers.push((await get(`http://${clusterIp}/`)).status)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    })()
    const crashing = manifestCopy(
      'app.yaml',
      onNode(text =>
        text.replace(
          '          ports:\n',
          '          command: [sh, -c, "echo starting; echo boom: no DATABASE_URL >&2; exit 3"]\n          ports:\n'
        )
      )
    )
    const bad = await runAction(deployInputs(namespace, { manifests: crashing }), { sha: randomSha() })
    stop = true
    await sampler
    expect(bad.code).toBe(1)
    expect(bad.outputs.result).toBe('rolled-back')
    const error = bad.stdout
      .split('\n')
      .find(line => line.startsWith('::error::'))!
      .replaceAll('%0A', '\n')
    expect(error).toMatch(/container web is (CrashLoopBackOff|Error)/)
    expect(error).toContain('boom: no DATABASE_URL')
    expect(bad.summary).toContain('boom: no DATABASE_URL')
    expect(answers.length).toBeGreaterThan(10)
    expect(answers.filter(status => status !== 200)).toEqual([])
    const live = await kubectlJson(['-n', namespace, 'get', 'deployment', 'web'])
    expect(live.spec.template.spec.containers[0].image).toBe(`${env.BND_REGISTRY}/${testRepository}:${good}`)
  }, 240_000)

  it('fails fast on a tag the registry does not have, with the pull error', async () => {
    const namespace = ns('realpull')
    const manifests = manifestCopy(
      'app.yaml',
      onNode(text =>
        text.replace(
          'REGISTRY/it/web:dev'.replace('REGISTRY', env.BND_REGISTRY),
          `${env.BND_REGISTRY}/it/web:no-such-tag`
        )
      )
    )
    const run = await runAction(
      { mode: 'apply', manifests, namespace, 'create-namespace': 'true', timeout: '2m' },
      { sha: randomSha() }
    )
    expect(run.code).toBe(1)
    expect(run.durationMs).toBeLessThan(60_000)
    expect(run.stdout).toMatch(/container web is (ErrImagePull|ImagePullBackOff)/)
    expect(run.stdout).toMatch(/no-such-tag.*not found/)
  }, 120_000)

  it("reports a readiness probe that never passes, with the kubelet's probe events", async () => {
    const namespace = ns('realready')
    const manifests = manifestCopy(
      'app.yaml',
      onNode(text =>
        text
          .replace(
            'readinessProbe: {httpGet: {path: /, port: 8080}',
            'readinessProbe: {httpGet: {path: /not-there, port: 8080}'
          )
          .replace('replicas: 3', 'replicas: 1\n  progressDeadlineSeconds: 10')
      )
    )
    const run = await runAction(deployInputs(namespace, { manifests }), { sha: randomSha() })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('exceeded its progress deadline')
    expect(run.stdout + run.summary).toMatch(/Readiness probe failed: HTTP probe failed with statuscode: 404/)
  }, 120_000)

  it('explains a timeout shorter than the progress deadline, and says every 15 s what blocks the rollout', async () => {
    const namespace = ns('realslow')
    // The default progressDeadlineSeconds (600) outlasts the timeout: the timeout has to explain itself.
    const manifests = manifestCopy(
      'app.yaml',
      onNode(text =>
        text
          .replace(
            'readinessProbe: {httpGet: {path: /, port: 8080}',
            'readinessProbe: {httpGet: {path: /not-there, port: 8080}'
          )
          .replace('replicas: 3', 'replicas: 1')
      )
    )
    const run = await runAction(deployInputs(namespace, { manifests, timeout: '40s' }), { sha: randomSha() })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /… deployment\/web after 1\d\.\ds: 1 pod not ready: Readiness probe failed: HTTP probe failed with statuscode: 404 ×\d+/
    )
    expect(run.stdout).toMatch(/… deployment\/web after 3\d\.\ds: 1 pod not ready: /)
    const error = run.stdout
      .split('\n')
      .find(line => line.startsWith('::error::'))!
      .replaceAll('%0A', '\n')
    expect(error).toContain('timed out after 40.0s')
    expect(error).toMatch(/pod web-[a-z0-9]+-[a-z0-9]+, container web: not ready/)
    expect(error).toMatch(/event Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404/)
    expect(run.summary).toMatch(/Readiness probe failed: HTTP probe failed with statuscode: 404/)
  }, 150_000)

  it('deploys the example API, ready only once PostgreSQL answers, and serves /ready through its Service', async () => {
    const namespace = ns('realapi')
    const api = `${env.BND_REGISTRY}/it/api`
    const manifests = manifestCopy(
      'app.yaml',
      () =>
        `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      nodeSelector: {bnd.dev/real: "true"}
      tolerations: [{key: bnd.dev/real, operator: Equal, value: "true", effect: NoSchedule}]
      imagePullSecrets: [{name: regcred}]
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: api
          image: ${api}:dev
          env: [{name: DATABASE_HOST, value: "${env.BND_REAL_NODE_GATEWAY}"}, {name: DATABASE_PORT, value: "PG_PORT"}]
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 1}
          livenessProbe: {httpGet: {path: /health, port: http}, periodSeconds: 5}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: http}]
` + pullSecret()
    )
    // PostgreSQL listens on the pods' bridge, which exists once the node has run a pod (the tests above did).
    let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined
    try {
      const port = await freePort()
      writeFileSync(manifests, readFileSync(manifests, 'utf8').replace('PG_PORT', String(port)))
      const inputs = {
        image: api,
        context: 'example/api',
        'build-args': `GO_IMAGE=${env.BND_GO_IMAGE}\nRUNTIME_IMAGE=scratch`,
        'registry-username': env.BND_REGISTRY_USER,
        'registry-password': env.BND_REGISTRY_PASSWORD,
        manifests,
        namespace,
        'create-namespace': 'true',
        timeout: '3m'
      }
      const deploying = runAction(inputs, { sha: randomSha() })
      // The pods run but stay unready while the database is down; then it comes up on the same port.
      let pods: any[] = []
      for (let i = 0; i < 600 && !pods.some(p => p.status.phase === 'Running'); i++) {
        await new Promise(resolve => setTimeout(resolve, 200))
        pods = (await kubectlJson(['-n', namespace, 'get', 'pods', '-l', 'app=api']).catch(() => ({ items: [] }))).items
      }
      await new Promise(resolve => setTimeout(resolve, 3000))
      pods = (await kubectlJson(['-n', namespace, 'get', 'pods', '-l', 'app=api'])).items
      expect(pods.length).toBeGreaterThan(0)
      for (const pod of pods) expect(pod.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('False')
      expect((await get(`http://${pods[0].status.podIP}:8080/ready`)).status).toBe(503)
      postgres = await startPostgres(env.BND_REAL_NODE_GATEWAY, port)
      const run = await deploying
      expect(run.code).toBe(0)
      const clusterIp = (await kubectlJson(['-n', namespace, 'get', 'service', 'api'])).spec.clusterIP
      let ready = await get(`http://${clusterIp}/ready`)
      for (let i = 0; i < 50 && ready.status !== 200; i++)
        ready = await new Promise(resolve => setTimeout(resolve, 200)).then(() => get(`http://${clusterIp}/ready`))
      expect(ready.status).toBe(200)
      expect(JSON.parse(ready.body).status).toBe('ready')
    } finally {
      await postgres?.stop()
    }
  }, 300_000)
})
