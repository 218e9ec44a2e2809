import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { resolveKubeTarget } from '../../src/kube/kubeconfig.js'

const config = (extra = '') => `apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster: {server: 'https://127.0.0.1:6443', certificate-authority-data: ${Buffer.from('CA').toString('base64')}}
- name: c2
  cluster: {server: 'http://127.0.0.1:8081', insecure-skip-tls-verify: true}
users:
- name: u1
  user: {token: secret-token}
- name: u2
  user: {username: admin, password: pw}
contexts:
- name: one
  context: {cluster: c1, user: u1, namespace: team}
- name: two
  context: {cluster: c2, user: u2}
${extra}`

const emptyHome = () => mkdtempSync(path.join(os.tmpdir(), 'home-'))

describe('resolveKubeTarget', () => {
  it('uses the current context of the kubeconfig input', async () => {
    const target = resolveKubeTarget({ kubeconfig: config() }, { HOME: emptyHome() })
    expect(target.server.href).toBe('https://127.0.0.1:6443/')
    expect(target.tls.ca?.toString()).toBe('CA')
    expect(target.namespace).toBe('team')
    expect(await target.authenticate()).toEqual({ Authorization: 'Bearer secret-token' })
  })

  it('switches to kube-context', async () => {
    const target = resolveKubeTarget({ kubeconfig: config(), context: 'two' }, { HOME: emptyHome() })
    expect(target.tls.rejectUnauthorized).toBe(false)
    expect(await target.authenticate()).toEqual({
      Authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}`
    })
  })

  it('reads KUBECONFIG, resolving relative paths against the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kc-'))
    writeFileSync(path.join(dir, 'ca.crt'), 'FILE-CA')
    writeFileSync(
      path.join(dir, 'config'),
      config().replace(/certificate-authority-data: \S+}/, 'certificate-authority: ca.crt}')
    )
    const target = resolveKubeTarget({}, { KUBECONFIG: path.join(dir, 'config'), HOME: emptyHome() })
    expect(target.tls.ca?.toString()).toBe('FILE-CA')
  })

  it.each([
    [{}, {}, 'No Kubernetes configuration found: set the kubeconfig input, or KUBECONFIG, or provide ~/.kube/config'],
    [{}, { KUBECONFIG: '/nonexistent/kubeconfig' }, 'KUBECONFIG names /nonexistent/kubeconfig, which does not exist.'],
    [
      { kubeconfig: config(), context: 'three' },
      {},
      "kube-context 'three' is not in the kubeconfig. Contexts there: one, two."
    ],
    [
      { kubeconfig: config().replace('current-context: one', '') },
      {},
      'The kubeconfig sets no current-context; set kube-context to one of: one, two.'
    ],
    [
      {
        kubeconfig: config()
          .replace('user: u1, namespace', 'user: u1, namespace')
          .replace('cluster: c1, user', 'cluster: c9, user')
      },
      {},
      "Context 'one' names cluster 'c9', which the kubeconfig does not define."
    ],
    [{ kubeconfig: 'clusters: [' }, {}, 'The kubeconfig input is not valid YAML'],
    [
      { kubeconfig: config().replace('{token: secret-token}', '{auth-provider: {name: gcp}}') },
      {},
      "User 'u1' uses the auth-provider 'gcp', which kubectl no longer supports"
    ]
  ])('explains %#', (settings, env, message) => {
    expect(() => resolveKubeTarget(settings, { HOME: emptyHome(), ...env })).toThrow(message)
  })

  it.each([
    [
      'a duplicate token key',
      config().replace('{token: secret-token}', '{token: secret-token, token: secret-token-2}'),
      /^The kubeconfig input is not valid YAML: Map keys must be unique at line \d+, column \d+$/
    ],
    [
      'a tab-indented line',
      config().replace('users:', 'users:\n\ttoken: secret-token-3'),
      /^The kubeconfig input is not valid YAML: .* at line \d+, column \d+$/
    ],
    [
      'a broken flow mapping',
      config().replace('{token: secret-token}', '{token: secret-token'),
      /^The kubeconfig input is not valid YAML: .* at line \d+, column \d+$/
    ]
  ])('names where %s is, never quoting the file', (_, kubeconfig, expected) => {
    let error: Error | undefined
    try {
      resolveKubeTarget({ kubeconfig }, { HOME: emptyHome() })
    } catch (thrown) {
      error = thrown as Error
    }
    expect(error?.message).toMatch(expected)
    expect(`${error?.message} ${String(error?.cause ?? '')} ${error?.stack}`).not.toMatch(/secret-token/)
  })
})
