import os from 'node:os'
import type { Cluster, ObjectRef } from '../kube/cluster.js'
import { KubeApiError } from '../kube/errors.js'
import type { KubeObject } from '../manifests/documents.js'

/** Who holds the lock, written on the Lease so a waiting run can say whom it waits for. */
export interface LockHolder {
  identity: string
  runUrl?: string
  actor?: string
  sha?: string
}

type Lease = {
  metadata: { name: string; namespace: string; resourceVersion?: string; annotations?: Record<string, string> }
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string }
}

const leaseDurationSeconds = 30
const annotationPrefix = 'build-and-deploy/lock-'

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
const microTime = (date: Date): string => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')

export function defaultIdentity(runUrl: string | undefined): string {
  return `${runUrl ?? 'local'}#${os.hostname()}/${process.pid}`
}

/** Whether a Lease is free to take: never held, released, or not renewed within its duration. */
export function leaseExpired(lease: Lease, nowMs: number): boolean {
  if (!lease.spec.holderIdentity) return true
  const renewed = Date.parse(lease.spec.renewTime ?? lease.spec.acquireTime ?? '')
  if (Number.isNaN(renewed)) return true
  return renewed + (lease.spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < nowMs
}

// The kinds whose rollout a run waits on and rolls back: their namespace is the one two runs race over.
const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'])

/**
 * Where the deploy lock lives: the namespace of the manifests' first workload, the namespace input, the context's
 * namespace or `default` filling in a workload that names none (as the apply does). Manifests without a workload
 * lock that default namespace. The same rule with or without the namespace input, so runs of the same manifests
 * always meet on one Lease, and a deployer allowed only in its workloads' namespace can hold it.
 */
export function lockNamespace(
  objects: KubeObject[],
  inputNamespace: string | undefined,
  contextNamespace: string | undefined
): string {
  const fallback = inputNamespace ?? contextNamespace ?? 'default'
  const workload = objects.find(o => workloadKinds.has(o.kind))
  return workload?.metadata.namespace ?? fallback
}

/** The API's answer to a write in a namespace that does not exist (yet). */
export const isNamespaceMissing = (error: unknown): boolean =>
  error instanceof KubeApiError && error.statusCode === 404 && error.status.details?.kind === 'namespaces'

export function describeHolder(lease: Lease): string {
  const a = lease.metadata.annotations ?? {}
  const parts = [
    a[`${annotationPrefix}run-url`] ? `run ${a[`${annotationPrefix}run-url`]}` : lease.spec.holderIdentity,
    a[`${annotationPrefix}actor`] ? `actor ${a[`${annotationPrefix}actor`]}` : undefined
  ]
  return `${parts.filter(Boolean).join(', ')}, since ${lease.spec.acquireTime ?? 'unknown'}`
}

/**
 * A deploy lock: a coordination.k8s.io Lease per namespace and lock name, renewed while the run applies and
 * waits. A second run waits for it; a lease its holder stopped renewing (the run died) is taken over.
 */
export class DeployLock {
  private renewTimer?: NodeJS.Timeout
  private released = false

  private constructor(
    private readonly kube: Cluster,
    readonly namespace: string,
    readonly name: string,
    readonly holder: LockHolder
  ) {}

  static ref(namespace: string, name: string): ObjectRef {
    return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name }
  }

  static async acquire(
    kube: Cluster,
    namespace: string,
    lockName: string,
    holder: LockHolder,
    timeoutMs: number,
    log: (line: string) => void,
    signal?: AbortSignal
  ): Promise<DeployLock> {
    const lock = new DeployLock(kube, namespace, `build-and-deploy-${lockName}`, holder)
    const deadline = Date.now() + timeoutMs
    let announced = false
    for (;;) {
      const lease = await kube.get<Lease>(DeployLock.ref(namespace, lock.name), { signal })
      try {
        if (!lease) {
          await lock.write('POST', undefined)
          break
        }
        if (lease.spec.holderIdentity === holder.identity || leaseExpired(lease, Date.now())) {
          if (lease.spec.holderIdentity && lease.spec.holderIdentity !== holder.identity)
            log(`Taking over the expired deploy lock ${namespace}/${lock.name} from ${describeHolder(lease)}.`)
          await lock.write('PUT', lease.metadata.resourceVersion)
          break
        }
      } catch (error) {
        // Another run won the race: look again.
        if (error instanceof KubeApiError && error.statusCode === 409) continue
        throw error
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `Deploy lock ${namespace}/${lock.name} is held by ${describeHolder(lease)}; gave up after waiting ${Math.round(timeoutMs / 1000)} s (lock-timeout).`
        )
      }
      if (!announced) log(`Waiting for the deploy lock ${namespace}/${lock.name}, held by ${describeHolder(lease)}.`)
      announced = true
      await new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error)
        const timer = setTimeout(resolve, 500 + Math.random() * 500)
        signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true })
      })
    }
    lock.renewTimer = setInterval(() => void lock.renew(log), (leaseDurationSeconds * 1000) / 3)
    lock.renewTimer.unref()
    return lock
  }

  private async write(method: 'POST' | 'PUT', resourceVersion: string | undefined): Promise<void> {
    const now = microTime(new Date())
    const annotations: Record<string, string> = {}
    if (this.holder.runUrl) annotations[`${annotationPrefix}run-url`] = this.holder.runUrl
    if (this.holder.actor) annotations[`${annotationPrefix}actor`] = this.holder.actor
    if (this.holder.sha) annotations[`${annotationPrefix}sha`] = this.holder.sha
    const body: Lease & { apiVersion: string; kind: string } = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        annotations,
        ...(resourceVersion ? { resourceVersion } : {})
      },
      spec: { holderIdentity: this.holder.identity, leaseDurationSeconds, acquireTime: now, renewTime: now }
    }
    await (method === 'POST' ? this.kube.create<Lease>(body) : this.kube.replace<Lease>(body))
  }

  private async renew(log: (line: string) => void): Promise<void> {
    try {
      const lease = await this.kube.get<Lease>(DeployLock.ref(this.namespace, this.name))
      if (!lease || lease.spec.holderIdentity !== this.holder.identity) {
        log(`Lost the deploy lock ${this.namespace}/${this.name}.`)
        return
      }
      lease.spec.renewTime = microTime(new Date())
      await this.kube.replace<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease })
    } catch (error) {
      // A renewal the release cut short (the client closing) is no news.
      if (!this.released) log(`Could not renew the deploy lock: ${(error as Error).message}`)
    }
  }

  async release(): Promise<void> {
    this.released = true
    clearInterval(this.renewTimer)
    // Bounded on its own: after a wait that timed out on a stalled server it would otherwise get a request's full
    // time (issue 19); the post step releases the lock again when this did not.
    await releaseLease(this.kube, this.namespace, this.name, this.holder.identity, AbortSignal.timeout(releaseBoundMs))
  }
}

const releaseBoundMs = 5_000

/** Deletes the Lease if, and only if, `identity` still holds it (used by the post step too). */
export async function releaseLease(
  kube: Cluster,
  namespace: string,
  name: string,
  identity: string,
  signal?: AbortSignal
): Promise<boolean> {
  const lease = await kube.get<Lease>(DeployLock.ref(namespace, name), { signal })
  if (!lease || lease.spec.holderIdentity !== identity) return false
  await kube
    .delete(DeployLock.ref(namespace, name), { preconditions: { resourceVersion: lease.metadata.resourceVersion } })
    .catch(error => {
      if (!(error instanceof KubeApiError && (error.statusCode === 404 || error.statusCode === 409))) throw error
    })
  return true
}
