import * as core from '@actions/core'
import type { Settings } from '../settings/types.js'
import type { Cluster } from '../kube/cluster.js'
import { connect, defaultNamespace } from '../kube/connect.js'
import { DeployLock, defaultIdentity } from './lock.js'
import { saveHeldLock } from './state.js'

/**
 * The cluster a mode acts on: the connection, the namespace that objects naming none go to, and the deploy lock,
 * taken at most once and released by withCluster whatever the work did.
 */
export class ClusterContext {
  private lock?: DeployLock

  constructor(
    readonly kube: Cluster,
    private readonly settings: Settings
  ) {}

  get targetNamespace(): string {
    return defaultNamespace(this.settings.namespace, this.kube)
  }

  get holdsLock(): boolean {
    return this.lock !== undefined
  }

  /** Takes the deploy lock when the lock input is on, and records it so the post step can release it. */
  async holdLock(namespace: string, signal?: AbortSignal): Promise<void> {
    const { lock: wanted, run } = this.settings
    if (!wanted || this.lock) return
    const holder = { identity: defaultIdentity(run.runUrl), runUrl: run.runUrl, actor: run.actor, sha: run.sha }
    this.lock = await DeployLock.acquire(
      this.kube,
      namespace,
      wanted.name,
      holder,
      wanted.timeoutMs,
      line => core.info(line),
      signal
    )
    saveHeldLock({ namespace: this.lock.namespace, name: this.lock.name, identity: holder.identity })
  }

  async release(): Promise<void> {
    await this.lock
      ?.release()
      .catch(error => core.warning(`Could not release the deploy lock: ${(error as Error).message}`))
    this.lock = undefined
  }
}

/**
 * Connects (through `connected`, the early connection, when there is one), authenticates, runs `work`, then
 * releases the lock if it took one and closes.
 */
export async function withCluster<T>(
  settings: Settings,
  work: (context: ClusterContext) => Promise<T>,
  connected?: Cluster
): Promise<T> {
  const context = new ClusterContext(
    connected ?? connect(settings.kube, { stallLimitMs: settings.timeoutMs }),
    settings
  )
  try {
    await context.kube.authenticate()
    return await work(context)
  } finally {
    await context.release()
    context.kube.close()
  }
}
