import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expandManifestPaths } from '../../src/manifests/files.js'
import { helmTemplateCommand, kustomizeCommand } from '../../src/manifests/render.js'

describe('kustomizeCommand', () => {
  it.each([
    [
      { kustomize: '/bin/kustomize', kubectl: '/bin/kubectl' },
      { tool: '/bin/kustomize', args: ['build', 'k/staging'] }
    ],
    [{ kubectl: '/bin/kubectl' }, { tool: '/bin/kubectl', args: ['kustomize', 'k/staging'] }]
  ])('with %j renders through %j', (tools, command) => {
    expect(kustomizeCommand('k/staging', tools)).toEqual(command)
  })

  it('names the directory and both tools when neither is installed', () => {
    expect(() => kustomizeCommand('k/staging', {})).toThrow(
      "manifests entry 'k/staging' is a kustomization directory; rendering it needs kustomize or kubectl on PATH, and neither was found."
    )
  })
})

describe('helmTemplateCommand', () => {
  const cluster = {
    kubeVersion: 'v1.36.3',
    apiVersions: ['apps/v1', 'apps/v1/Deployment', 'coordination.k8s.io/v1', 'v1', 'v1/Pod']
  }
  it.each([
    [
      'without tests, in the namespace, with every values file in order',
      { chart: 'charts/app', release: 'shop', values: ['a.yaml', 'b.yaml'], namespace: 'prod' },
      [
        'template',
        'shop',
        'charts/app',
        '--skip-tests',
        '--namespace',
        'prod',
        '--values',
        'a.yaml',
        '--values',
        'b.yaml'
      ],
      undefined
    ],
    [
      'with neither namespace nor values',
      { chart: 'c', release: 'r', values: [] },
      ['template', 'r', 'c', '--skip-tests'],
      undefined
    ],
    [
      "for the cluster's version and API versions, after the values",
      { chart: 'c', release: 'r', values: ['a.yaml'], namespace: 'prod', capabilities: cluster },
      [
        'template',
        'r',
        'c',
        '--skip-tests',
        '--namespace',
        'prod',
        '--values',
        'a.yaml',
        '--kube-version',
        'v1.36.3',
        '--api-versions',
        'apps/v1,apps/v1/Deployment,coordination.k8s.io/v1,v1,v1/Pod'
      ],
      [
        'template',
        'r',
        'c',
        '--skip-tests',
        '--namespace',
        'prod',
        '--values',
        'a.yaml',
        '--kube-version',
        'v1.36.3',
        '--api-versions',
        '<5 API versions of the cluster>'
      ]
    ],
    [
      'for a version without API versions',
      { chart: 'c', release: 'r', values: [], capabilities: { kubeVersion: 'v1.30.2-eks-1', apiVersions: [] } },
      ['template', 'r', 'c', '--skip-tests', '--kube-version', 'v1.30.2-eks-1'],
      ['template', 'r', 'c', '--skip-tests', '--kube-version', 'v1.30.2-eks-1']
    ]
  ])('renders %s', (_, release, args, shown) => {
    expect(helmTemplateCommand(release, '/bin/helm')).toEqual({ tool: '/bin/helm', args, ...(shown ? { shown } : {}) })
  })

  it('names the missing tool', () => {
    expect(() => helmTemplateCommand({ chart: 'charts/app', release: 'r', values: [] }, undefined)).toThrow(
      "helm-chart 'charts/app' is rendered with helm template, and helm is not on PATH."
    )
  })
})

describe('expandManifestPaths', () => {
  it('takes a directory with a kustomization as one kustomization, others as their files', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'expand-'))
    mkdirSync(path.join(root, 'overlay'))
    writeFileSync(path.join(root, 'overlay', 'kustomization.yaml'), 'resources: []\n')
    writeFileSync(path.join(root, 'overlay', 'patch.yaml'), 'a: 1\n')
    mkdirSync(path.join(root, 'plain'))
    writeFileSync(path.join(root, 'plain', 'b.yaml'), '')
    writeFileSync(path.join(root, 'plain', 'a.yml'), '')
    writeFileSync(path.join(root, 'plain', 'notes.txt'), '')
    expect(await expandManifestPaths(['overlay', 'plain', 'plain/a.yml'], root)).toEqual([
      { kind: 'kustomization', path: 'overlay' },
      { kind: 'file', path: 'plain/a.yml' },
      { kind: 'file', path: 'plain/b.yaml' }
    ])
    mkdirSync(path.join(root, 'empty'))
    await expect(expandManifestPaths(['empty'], root)).rejects.toThrow(
      "manifests directory 'empty' holds no .yaml, .yml or .json file and no kustomization."
    )
  })
})
