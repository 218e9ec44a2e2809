import type { ChildProcess, SpawnOptions } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
// The standalone parts of @kubernetes/client-node: kubeconfig entry validation and exec credential plugins.
// Its KubeConfig class would drag in every generated API model (20 MB of bundle, a quarter second of start-up).
import {
  Cluster as KubeconfigCluster,
  Context,
  newClusters,
  newContexts,
  newUsers,
  User
} from '@kubernetes/client-node/dist/config_types.js'
import { parse as parseYaml } from 'yaml'
import { inputsBlanked } from '../process/child-env.js'

/** Which cluster to reach, from the kubeconfig and kube-context inputs. */
export interface KubeSettings {
  /** Kubeconfig text from the `kubeconfig` input (decoded when base64); otherwise KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string
  context?: string
}

/** Everything needed to reach one API server as one user. */
export interface KubeTarget {
  server: URL
  tls: Pick<https.AgentOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>
  /** Default namespace of the context, when it sets one. */
  namespace?: string
  contextName: string
  /** Authorization headers for a request; exec plugins are asked again when their credential expires. */
  authenticate(): Promise<Record<string, string>>
}

interface RawConfig {
  clusters: KubeconfigCluster[]
  users: User[]
  contexts: Context[]
  currentContext?: string
}

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount'

function parseConfig(text: string, source: string, baseDir?: string): RawConfig {
  let raw: Record<string, unknown>
  try {
    raw = (parseYaml(text) ?? {}) as Record<string, unknown>
  } catch (error) {
    // The parser's message goes on to quote the lines around the fault, which in a kubeconfig hold tokens, keys
    // and passwords: keep only its first line (what and where), and no cause that would carry the rest.
    const [what] = (error as Error).message.split('\n')
    // eslint-disable-next-line preserve-caught-error -- the cause is the message this drops
    throw new Error(`${source} is not valid YAML: ${what.replace(/:\s*$/, '')}`)
  }
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${source} is not a kubeconfig (expected a mapping with clusters, users and contexts).`)
  try {
    const config: RawConfig = {
      clusters: newClusters(raw.clusters ?? []),
      users: newUsers(raw.users ?? []),
      contexts: newContexts(raw.contexts ?? []),
      currentContext: (raw['current-context'] as string | undefined) || undefined
    }
    // Paths in a kubeconfig file are relative to that file, as kubectl resolves them.
    if (baseDir) {
      const resolve = (p?: string): string | undefined => (p && !path.isAbsolute(p) ? path.join(baseDir, p) : p)
      for (const c of config.clusters) c.caFile = resolve(c.caFile)
      for (const u of config.users) {
        u.certFile = resolve(u.certFile)
        u.keyFile = resolve(u.keyFile)
      }
    }
    return config
  } catch (error) {
    throw new Error(`${source} is not a valid kubeconfig: ${(error as Error).message}`, { cause: error })
  }
}

/** kubectl's merge: the first file that sets a name or the current context wins. */
function merge(configs: RawConfig[]): RawConfig {
  const byName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>()
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item)
    return [...seen.values()]
  }
  return {
    clusters: byName(configs.map(c => c.clusters)),
    users: byName(configs.map(c => c.users)),
    contexts: byName(configs.map(c => c.contexts)),
    currentContext: configs.find(c => c.currentContext)?.currentContext
  }
}

function readConfig(settings: KubeSettings, env: NodeJS.ProcessEnv): RawConfig | 'in-cluster' {
  if (settings.kubeconfig) return parseConfig(settings.kubeconfig, 'The kubeconfig input')
  const files = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean)
  if (files.length > 0) {
    const present = files.filter(file => existsSync(file))
    if (present.length === 0) throw new Error(`KUBECONFIG names ${files.join(', ')}, which does not exist.`)
    return merge(present.map(file => parseConfig(readFileSync(file, 'utf8'), `Kubeconfig ${file}`, path.dirname(file))))
  }
  const home = path.join(env.HOME || os.homedir(), '.kube', 'config')
  if (existsSync(home)) return parseConfig(readFileSync(home, 'utf8'), `Kubeconfig ${home}`, path.dirname(home))
  if (env.KUBERNETES_SERVICE_HOST && existsSync(path.join(serviceAccountDir, 'token'))) return 'in-cluster'
  // client-node's loadFromDefault would fall back to http://localhost:8080 here; kubectl fails too.
  throw new Error(
    'No Kubernetes configuration found: set the kubeconfig input, or KUBECONFIG, or provide ~/.kube/config (for example with azure/k8s-set-context or aws eks update-kubeconfig).'
  )
}

const fileOrData = (data: string | undefined, file: string | undefined, what: string): Buffer | undefined => {
  if (data) return Buffer.from(data, 'base64')
  if (!file) return undefined
  try {
    return readFileSync(file)
  } catch (error) {
    throw new Error(`Cannot read the kubeconfig's ${what} ${file}: ${(error as Error).message}`, { cause: error })
  }
}

function inClusterTarget(env: NodeJS.ProcessEnv): KubeTarget {
  const host = env.KUBERNETES_SERVICE_HOST!.includes(':')
    ? `[${env.KUBERNETES_SERVICE_HOST}]`
    : env.KUBERNETES_SERVICE_HOST
  return {
    server: new URL(`https://${host}:${env.KUBERNETES_SERVICE_PORT ?? 443}`),
    tls: { ca: readFileSync(path.join(serviceAccountDir, 'ca.crt')) },
    namespace: readFileSync(path.join(serviceAccountDir, 'namespace'), 'utf8').trim(),
    contextName: 'in-cluster',
    // The projected token rotates; read it for each connection.
    authenticate: async () => ({
      Authorization: `Bearer ${readFileSync(path.join(serviceAccountDir, 'token'), 'utf8').trim()}`
    })
  }
}

/**
 * How long an exec credential plugin may run. client-go sets no bound, but a plugin that waits on a prompt or a
 * stalled token endpoint would hold the run far past its timeout (issue 19); aws eks get-token and
 * gke-gcloud-auth-plugin take a second or two.
 */
export const execPluginTimeoutMs = 30_000

/** Resolves the context to use into a server, TLS material and an authenticator. */
export function resolveKubeTarget(
  settings: KubeSettings,
  env: NodeJS.ProcessEnv = process.env,
  pluginTimeoutMs = execPluginTimeoutMs
): KubeTarget {
  const config = readConfig(settings, env)
  if (config === 'in-cluster') return inClusterTarget(env)
  const contextName = settings.context ?? config.currentContext
  if (!contextName) {
    throw new Error(
      `The kubeconfig sets no current-context; set kube-context to one of: ${config.contexts.map(c => c.name).join(', ') || '(none defined)'}.`
    )
  }
  const context = config.contexts.find(c => c.name === contextName)
  if (!context) {
    throw new Error(
      `${settings.context ? 'kube-context' : 'current-context'} '${contextName}' is not in the kubeconfig. Contexts there: ${config.contexts.map(c => c.name).join(', ') || 'none'}.`
    )
  }
  const cluster = config.clusters.find(c => c.name === context.cluster)
  if (!cluster)
    throw new Error(
      `Context '${contextName}' names cluster '${context.cluster}', which the kubeconfig does not define.`
    )
  const user = config.users.find(u => u.name === context.user)
  let server: URL
  try {
    server = new URL(cluster.server)
  } catch (error) {
    throw new Error(`Cluster '${cluster.name}' has an invalid server address '${cluster.server}'.`, { cause: error })
  }
  const tls: KubeTarget['tls'] = {
    ca: fileOrData(cluster.caData, cluster.caFile, 'certificate-authority'),
    cert: fileOrData(user?.certData, user?.certFile, 'client-certificate'),
    key: fileOrData(user?.keyData, user?.keyFile, 'client-key'),
    servername: cluster.tlsServerName
  }
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false
  return { server, tls, namespace: context.namespace, contextName, authenticate: authenticator(user, pluginTimeoutMs) }
}

/**
 * child_process.spawn for ExecAuth, killing the plugin after timeoutMs. The whole process group goes (a shell
 * script's children would otherwise keep the output pipes open, and ExecAuth waits for them to close).
 */
async function boundedSpawn(
  timeoutMs: number,
  onTimeout: () => void
): Promise<(command: string, args: string[], options: SpawnOptions) => ChildProcess> {
  const { spawn } = await import('node:child_process')
  const group = process.platform !== 'win32'
  return (command, args, options) => {
    const child = spawn(command, args ?? [], { ...options, detached: group })
    const timer = setTimeout(() => {
      onTimeout()
      try {
        if (group && child.pid) process.kill(-child.pid, 'SIGKILL')
        else child.kill('SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
      child.stdout?.destroy()
      child.stderr?.destroy()
    }, timeoutMs)
    child.once('exit', () => clearTimeout(timer))
    child.once('error', () => clearTimeout(timer))
    return child
  }
}

function authenticator(user: User | undefined, pluginTimeoutMs: number): KubeTarget['authenticate'] {
  if (!user) return async () => ({})
  if (user.exec) {
    let timedOut = false
    // Loaded on use: the plugin runner brings child_process, which a token or certificate never needs.
    const plugin = import('@kubernetes/client-node/dist/exec_auth.js').then(async ({ ExecAuth }) => {
      const auth = new ExecAuth()
      // execFn is ExecAuth's seam for the process it starts (private in its types, public in the code).
      ;(auth as unknown as { execFn: unknown }).execFn = await boundedSpawn(pluginTimeoutMs, () => (timedOut = true))
      return auth
    })
    return async () => {
      const options: https.RequestOptions = { headers: {} }
      timedOut = false
      try {
        // The plugin runner passes on this process's environment; the step's inputs hold its other credentials.
        await (
          await plugin
        ).applyAuthentication(
          { ...user, exec: { ...user.exec, env: [...inputsBlanked(), ...(user.exec.env ?? [])] } },
          options
        )
      } catch (error) {
        if (timedOut) {
          // eslint-disable-next-line preserve-caught-error -- the cause is the plugin's cut-off output
          throw new Error(
            `The exec credential plugin of user '${user.name}' (${user.exec.command}) did not finish within ${pluginTimeoutMs / 1000} s and was stopped (timed out).`
          )
        }
        throw new Error(
          `The exec credential plugin of user '${user.name}' (${user.exec.command}) failed: ${(error as Error).message.trim()}`,
          { cause: error }
        )
      }
      return options.headers as Record<string, string>
    }
  }
  if (user.authProvider) {
    // kubectl dropped the in-tree auth providers in 1.26; their exec plugins replace them.
    throw new Error(
      `User '${user.name}' uses the auth-provider '${user.authProvider.name}', which kubectl no longer supports; use its exec credential plugin (kubelogin, gke-gcloud-auth-plugin).`
    )
  }
  const headers: Record<string, string> = {}
  if (user.token) headers.Authorization = `Bearer ${user.token}`
  else if (user.username)
    headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`
  if (user.impersonateUser) headers['Impersonate-User'] = user.impersonateUser
  return async () => headers
}
