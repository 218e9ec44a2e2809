import type { Cluster } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'
import type { SourcedObject } from '../manifests/documents.js'
import { lockNamespace } from '../run/lock.js'

/** One permission the deploy needs, as a SelfSubjectAccessReview asks it. */
export interface NeededPermission {
  verb: string
  group: string
  resource: string
  namespace?: string
}

export interface ClusterCheckInput {
  objects: SourcedObject[]
  namespace?: string
  createNamespace: boolean
  lock: boolean
}

const permissionKey = (p: NeededPermission): string => `${p.verb} ${p.resource}.${p.group} ${p.namespace ?? ''}`

/**
 * What the apply and the lock will ask of the API, per object: server-side apply is a PATCH (and a create for an
 * object that does not exist yet, which the apply cannot know before its dry run, so patch is what is checked), the
 * Lease is created in the lock's namespace. Pure: `resources` maps apiVersion/kind to the plural and scope
 * discovery gave, and a kind it does not know (a CRD of the same manifests) is left to the apply's own check.
 */
export function neededPermissions(
  input: ClusterCheckInput,
  contextNamespace: string | undefined,
  resources: Map<string, { plural: string; namespaced: boolean }>
): NeededPermission[] {
  const needed = new Map<string, NeededPermission>()
  const add = (p: NeededPermission): void => void needed.set(permissionKey(p), p)
  for (const { object } of input.objects) {
    const info = resources.get(`${object.apiVersion}/${object.kind}`)
    if (!info) continue
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : ''
    const namespace = info.namespaced
      ? (object.metadata.namespace ?? input.namespace ?? contextNamespace ?? 'default')
      : undefined
    add({ verb: 'patch', group, resource: info.plural, namespace })
  }
  if (input.lock)
    add({
      verb: 'create',
      group: 'coordination.k8s.io',
      resource: 'leases',
      namespace: lockNamespace(
        input.objects.map(o => o.object),
        input.namespace,
        contextNamespace
      )
    })
  return [...needed.values()]
}

/** The namespaces the objects go to that the manifests do not create themselves. */
export function namespacesNeeded(
  input: ClusterCheckInput,
  contextNamespace: string | undefined,
  resources: Map<string, { plural: string; namespaced: boolean }>
): string[] {
  const declared = new Set(input.objects.filter(o => o.object.kind === 'Namespace').map(o => o.object.metadata.name))
  const wanted = new Set<string>()
  for (const { object } of input.objects) {
    if (!resources.get(`${object.apiVersion}/${object.kind}`)?.namespaced) continue
    wanted.add(object.metadata.namespace ?? input.namespace ?? contextNamespace ?? 'default')
  }
  return [...wanted].filter(ns => !declared.has(ns))
}

interface AccessReview {
  status?: { allowed?: boolean; denied?: boolean; reason?: string }
}

const describePermission = (p: NeededPermission): string =>
  `${p.verb} ${p.group ? `${p.resource}.${p.group}` : p.resource}${p.namespace ? ` in namespace '${p.namespace}'` : ''}`

/**
 * Asks the cluster, before anything is built or pushed, whether the deploy can succeed as far as it can tell without
 * the image: the credentials are accepted, the target namespaces exist (or will be created) and the kubeconfig's user
 * may patch every kind of the manifests where they go and take the deploy lock (SelfSubjectAccessReview, which
 * every authenticated user may ask). Throws with every problem; a cluster that cannot answer a review is not held
 * against the run, as the apply then meets the same rules.
 */
export async function checkCluster(kube: Cluster, input: ClusterCheckInput): Promise<void> {
  const problems = await findProblems(kube, input).catch((error: Error) => {
    throw new Error(`The target cluster could not be checked before anything was built or pushed: ${error.message}`, {
      cause: error
    })
  })
  if (problems.length > 0) {
    throw new Error(
      `The target cluster refuses this deploy, found before anything was built or pushed:\n- ${problems.join('\n- ')}`
    )
  }
}

async function findProblems(kube: Cluster, input: ClusterCheckInput): Promise<string[]> {
  await kube.authenticate()
  const resources = new Map<string, { plural: string; namespaced: boolean }>()
  await Promise.all(
    [...new Set(input.objects.map(o => `${o.object.apiVersion}/${o.object.kind}`))].map(async key => {
      const slash = key.lastIndexOf('/')
      const info = await kube.resourceFor(key.slice(0, slash), key.slice(slash + 1)).catch(error => {
        if (error instanceof KubeApiError && error.statusCode === 404) return undefined
        throw error
      })
      if (info) resources.set(key, info)
    })
  )
  const problems: string[] = []
  if (!input.createNamespace) {
    await Promise.all(
      namespacesNeeded(input, kube.namespace, resources).map(async ns => {
        const found = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(error => {
          // A deployer bound to its namespace may not read Namespace objects: its review below tells instead.
          if (error instanceof KubeApiError && error.statusCode === 403) return 'not readable'
          throw error
        })
        if (!found)
          problems.push(
            `namespace '${ns}' does not exist; add a Namespace to the manifests or set create-namespace: true`
          )
      })
    )
  }
  const reviews = await Promise.all(
    neededPermissions(input, kube.namespace, resources).map(async permission => {
      const review = await kube
        .create<AccessReview>({
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { ...permission } }
        })
        .catch(() => undefined)
      return { permission, review }
    })
  )
  for (const { permission, review } of reviews) {
    if (review?.status && review.status.allowed === false) {
      problems.push(
        `the kubeconfig's user may not ${describePermission(permission)}${review.status.reason ? ` (${review.status.reason})` : ''}`
      )
    }
  }
  return problems
}
