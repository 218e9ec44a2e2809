import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync } from 'node:fs'
import {
  deployInputs,
  env,
  kubectl,
  kubectlJson,
  namespacedDeployer,
  namespacesForThisFile,
  randomSha,
  runAction,
  testRepository
} from './harness.js'

const ns = namespacesForThisFile()

const pushed = async (sha: string): Promise<number> =>
  (
    await fetch(`http://${env.BND_REGISTRY}/v2/${testRepository}/manifests/${sha}`, {
      method: 'HEAD',
      headers: {
        Authorization: `Basic ${Buffer.from(`${env.BND_REGISTRY_USER}:${env.BND_REGISTRY_PASSWORD}`).toString('base64')}`,
        Accept:
          'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'
      },
      signal: AbortSignal.timeout(10_000)
    })
  ).status

describe('the cluster is checked before anything is built or pushed', () => {
  it('a deployer that may not patch Deployments fails before the build, naming the permission', async () => {
    const namespace = ns('check-rbac')
    await kubectl(['create', 'namespace', namespace])
    const kubeconfig = await namespacedDeployer(
      namespace,
      `[{apiGroups: ['', apps, coordination.k8s.io], resources: ['*'], verbs: [get, list, watch]}, {apiGroups: [''], resources: [configmaps, services], verbs: ['*']}, {apiGroups: [coordination.k8s.io], resources: [leases], verbs: ['*']}]`
    )
    const sha = randomSha()
    const run = await runAction(deployInputs(namespace, { kubeconfig }), { sha })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('The target cluster refuses this deploy, found before anything was built or pushed:')
    expect(run.stdout).toContain(`the kubeconfig's user may not patch deployments.apps in namespace '${namespace}'`)
    expect(run.stdout).not.toContain('Building with')
    expect(await pushed(sha)).toBe(404)
    expect(
      await kubectl([
        '-n',
        namespace,
        'get',
        'deployment,configmap',
        '-l',
        'app=web',
        '--ignore-not-found',
        '-o',
        'name'
      ])
    ).toBe('')
  }, 120_000)

  it('rejected credentials and a missing namespace fail before the build too', async () => {
    const namespace = ns('check-ns')
    const admin = await kubectlJson(['config', 'view', '--raw', '--minify', '--flatten'])
    const bad = JSON.stringify({
      ...admin,
      users: [{ name: admin.users[0].name, user: { token: 'not-a-valid-token-0123456789' } }]
    })
    const sha = randomSha()
    const rejected = await runAction(deployInputs(namespace, { kubeconfig: bad }), {
      sha,
      secrets: ['not-a-valid-token-0123456789']
    })
    expect(rejected.code).toBe(1)
    expect(rejected.stdout).toContain('The target cluster could not be checked before anything was built or pushed')
    expect(rejected.stdout).toContain('rejected the credentials (HTTP 401 Unauthorized)')
    expect(rejected.stdout).not.toContain('Building with')
    const missing = await runAction(deployInputs(namespace, { 'create-namespace': 'false' }), { sha })
    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain(
      `namespace '${namespace}' does not exist; add a Namespace to the manifests or set create-namespace: true`
    )
    expect(missing.stdout).not.toContain('Building with')
    expect(await pushed(sha)).toBe(404)
  }, 120_000)
})

describe('a kubeconfig of another cluster', () => {
  it('says to check the certificate authority when the server certificate is not its', async () => {
    const dir = mkdtempSync('/tmp/bnd-ca-')
    const { execFileSync } = await import('node:child_process')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${dir}/key.pem`,
        '-out',
        `${dir}/ca.pem`,
        '-days',
        '1',
        '-subj',
        '/CN=another-cluster-ca'
      ],
      { stdio: 'ignore' }
    )
    const admin = await kubectlJson(['config', 'view', '--raw', '--minify', '--flatten'])
    const cluster = {
      server: admin.clusters[0].cluster.server,
      'certificate-authority-data': readFileSync(`${dir}/ca.pem`).toString('base64')
    }
    const kubeconfig = JSON.stringify({ ...admin, clusters: [{ name: admin.clusters[0].name, cluster }] })
    const run = await runAction(deployInputs(ns('check-ca'), { kubeconfig }), { sha: randomSha() })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain("its TLS certificate is not signed by the kubeconfig's certificate authority")
    expect(run.stdout).not.toContain('--use-system-ca')
    expect(run.stdout).not.toContain('Building with')
  }, 60_000)
})
