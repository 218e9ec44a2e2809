/**
 * What the in-process suite shares: a stand-in for @actions/core that records what the action logs, manifests as
 * the action reads them (SourcedObject), and the settings the action would parse from its inputs. The modules under
 * test talk to a FakeCluster (__fixtures__/fake-cluster.ts) through the Cluster interface, as they do to a real one.
 */
import { jest } from '@jest/globals'
import type * as Core from '@actions/core'
import type { FakeCluster } from '../../../__fixtures__/fake-cluster.js'
import type { ApplyObject, Cluster } from '../../../src/kube/cluster.js'
import type { KubeObject, SourcedObject } from '../../../src/manifests/documents.js'

export const ns = 'shop'

/** Every line the action logs (info, warning, notice), in order; cleared by `resetLog`. */
export const logged: string[] = []
export const resetLog = (): void => void logged.splice(0)

const record = (prefix: string) => (message: string | Error) =>
  void logged.push(`${prefix}${message instanceof Error ? message.message : message}`)

/** @actions/core as the modules under test use it; a group runs its function, state is kept in memory. */
export const actionsCore = {
  info: jest.fn<typeof Core.info>(record('')),
  warning: jest.fn<typeof Core.warning>(record('warning: ')),
  notice: jest.fn<typeof Core.notice>(record('notice: ')),
  debug: jest.fn<typeof Core.debug>(),
  setSecret: jest.fn<typeof Core.setSecret>(),
  setOutput: jest.fn<typeof Core.setOutput>(),
  getInput: jest.fn<typeof Core.getInput>(() => ''),
  saveState: jest.fn<typeof Core.saveState>(),
  getState: jest.fn<typeof Core.getState>(() => ''),
  group: <T>(_name: string, fn: () => Promise<T>): Promise<T> => fn()
}

/** Objects as the manifests give them, each its own document of one file. */
export const sourced = (objects: KubeObject[], file = 'manifests/app.yaml'): SourcedObject[] =>
  objects.map((object, i) => ({ file, document: i + 1, object: structuredClone(object) }))

export const configMap = (name: string, data: Record<string, string>, namespace = ns): ApplyObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data
})

export const deployment = (
  name: string,
  image: string,
  options: { replicas?: number; namespace?: string; labels?: Record<string, string> } = {}
): ApplyObject => {
  const labels = options.labels ?? { app: name }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: options.namespace ?? ns },
    spec: {
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name, image }] } }
    }
  }
}

export const service = (name: string, selector: Record<string, string>, namespace = ns): ApplyObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector, ports: [{ port: 80, targetPort: 8080 }] }
})

export const job = (name: string, image: string, namespace = ns): ApplyObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace },
  spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name, image }] } } }
})

export const refOf = (o: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  namespace: o.metadata.namespace,
  name: o.metadata.name
})

/** A GitHub Actions environment for parseSettings: a push to main of acme/api. */
export const runEnv = {
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REPOSITORY: 'acme/api',
  GITHUB_RUN_ID: '7',
  GITHUB_SERVER_URL: 'https://github.com'
}

/**
 * One run's connection to the fake: the deploy step closes its cluster when it ends, while the fake (the server)
 * outlives it for the next run; closing here ends that run's watches only.
 */
export function connection(fake: FakeCluster): Cluster {
  return new Proxy(fake, {
    get(target, key) {
      if (key === 'close') return () => void target.endWatches()
      const value = Reflect.get(target, key) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}
