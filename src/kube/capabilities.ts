/**
 * What a Helm chart sees of the cluster (`.Capabilities`), built from discovery answers the way `helm install`
 * builds it (helm pkg/action getCapabilities and GetVersionSet, over client-go's ServerGroupsAndResources): the
 * server's gitVersion, every served group version, and `group/version/Kind` of every resource and subresource.
 */
export interface ServerCapabilities {
  /** GET /version's gitVersion, e.g. v1.36.3. */
  kubeVersion: string
  /** Sorted, without duplicates: `apps/v1`, `apps/v1/Deployment`, `apps/v1/Scale` (deployments/scale), `v1/Pod`. */
  apiVersions: string[]
  /** Group versions whose resources could not be read (stale aggregated APIs); helm install leaves them out and warns. */
  failed: string[]
}

export interface ServerVersion {
  gitVersion: string
}

interface GroupVersionKind {
  group?: string
  version?: string
  kind?: string
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList (v2beta1 has the same JSON shape): groups with their resources. */
export interface AggregatedDiscovery {
  items: Array<{
    metadata?: { name?: string }
    versions?: Array<{
      version: string
      freshness?: string
      resources?: Array<{
        resource: string
        responseKind?: GroupVersionKind
        subresources?: Array<{ subresource: string; responseKind?: GroupVersionKind }>
      }>
    }>
  }>
}

/** GET /apis without aggregated discovery: groups only, each version's resources need a request of their own. */
export interface APIGroupList {
  groups: Array<{ name: string; versions: Array<{ groupVersion: string }> }>
}

/** GET /api without aggregated discovery. */
export interface APIVersions {
  versions: string[]
}

/** The answer of GET /api or /apis, whichever form the server chose from the Accept header. */
export type DiscoveryRoot = AggregatedDiscovery | APIGroupList | APIVersions

/** GET /api/v1 or /apis/<group>/<version>. Subresources are listed as `deployments/scale` with their own kind. */
export interface APIResourceList {
  groupVersion: string
  resources?: Array<{ name: string; kind: string }>
}

/** As client-go's discovery client asks: aggregated v2, then v2beta1 (Kubernetes 1.26-1.29), then the plain lists. */
export const discoveryAccept = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json'
].join(',')

const isAggregated = (root: DiscoveryRoot): root is AggregatedDiscovery =>
  Array.isArray((root as AggregatedDiscovery).items)

/** The group versions whose resource lists must be fetched one by one: those of a root answered in the plain form. */
export function groupVersionsToList(roots: DiscoveryRoot[]): string[] {
  return roots.flatMap(root => {
    if (isAggregated(root)) return []
    if ('groups' in root) return (root.groups ?? []).flatMap(g => g.versions.map(v => v.groupVersion))
    return root.versions ?? []
  })
}

const emptyKind = (gvk: GroupVersionKind | undefined): boolean => !gvk || (!gvk.group && !gvk.version && !gvk.kind)
// path.Join(groupVersion, kind) in helm: a kind-less entry is the group version itself.
const withKind = (groupVersion: string, kind: string | undefined): string =>
  kind ? `${groupVersion}/${kind}` : groupVersion

/**
 * `.Capabilities` from GET /version, the /api and /apis roots, and the resource lists fetched for plain roots
 * (`failedLists`: group versions whose list could not be read). As client-go reads aggregated discovery, a stale
 * version is left out entirely and a resource without a response kind is skipped (its subresources are not).
 */
export function capabilitiesFrom(
  version: ServerVersion,
  roots: DiscoveryRoot[],
  resourceLists: APIResourceList[],
  failedLists: string[] = []
): ServerCapabilities {
  if (!version.gitVersion) throw new Error('GET /version answered without a gitVersion')
  const set = new Set<string>()
  const failed = new Set(failedLists)
  for (const root of roots) {
    if (!isAggregated(root)) {
      for (const groupVersion of groupVersionsToList([root])) set.add(groupVersion)
      continue
    }
    for (const group of root.items) {
      const name = group.metadata?.name ?? ''
      for (const v of group.versions ?? []) {
        const groupVersion = name ? `${name}/${v.version}` : v.version
        if (v.freshness === 'Stale') {
          failed.add(groupVersion)
          continue
        }
        set.add(groupVersion)
        for (const resource of v.resources ?? []) {
          if (!emptyKind(resource.responseKind)) set.add(withKind(groupVersion, resource.responseKind!.kind))
          for (const sub of resource.subresources ?? [])
            if (!emptyKind(sub.responseKind)) set.add(withKind(groupVersion, sub.responseKind!.kind))
        }
      }
    }
  }
  for (const list of resourceLists)
    for (const resource of list.resources ?? []) set.add(withKind(list.groupVersion, resource.kind))
  return { kubeVersion: version.gitVersion, apiVersions: [...set].sort(), failed: [...failed].sort() }
}
