/**
 * The credentials `docker login` left for a registry, found as the docker CLI finds them: a `credHelpers` entry
 * for the host, else the `credsStore` (gcloud, ECR, ACR and Docker Desktop set these up), else the plain `auths`.
 * The docker CLI asks the same helpers on push; this is for the registry API calls (skip-existing, extra tags,
 * digests), which would otherwise go anonymous on those setups.
 */
import * as core from '@actions/core'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { childEnv } from '../process/child-env.js'
import type { FoundCredentials, RegistryCredentials } from './registry.js'

interface AuthEntry {
  auth?: string
  username?: string
  password?: string
  identitytoken?: string
}

export interface DockerConfig {
  auths?: Record<string, AuthEntry>
  credsStore?: string
  credHelpers?: Record<string, string>
}

/** Where the docker CLI would look for `host`, and the server address it would hand a helper. */
export type CredentialStore =
  | { kind: 'helper'; helper: string; serverAddress: string; setting: 'credHelpers' | 'credsStore' }
  | { kind: 'auths'; entry?: AuthEntry }

const dockerHubHosts = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])
/** The key docker login uses for Docker Hub, in `auths` and with helpers alike. */
const dockerHubKey = 'https://index.docker.io/v1/'

/** The key the docker CLI (and cosign's keychain) files `host`'s login under in a Docker config. */
export const dockerConfigKey = (host: string): string => (dockerHubHosts.has(host) ? dockerHubKey : host)

/** `https://host/v1/` and `host` name one registry, as the docker CLI's ConvertToHostname treats them. */
const hostnameOf = (key: string): string => key.replace(/^[a-z]+:\/\//i, '').split('/')[0]

/**
 * Pure: the store the docker CLI would read for `host` (as registryHost names it). Docker Hub is looked up under
 * its one key only; another registry's `auths` under its exact key first, then under any key naming its host.
 */
export function credentialStoreFor(config: DockerConfig, host: string): CredentialStore {
  const hub = dockerHubHosts.has(host)
  const serverAddress = dockerConfigKey(host)
  const helper = config.credHelpers?.[serverAddress]
  if (helper) return { kind: 'helper', helper, serverAddress, setting: 'credHelpers' }
  if (config.credsStore) return { kind: 'helper', helper: config.credsStore, serverAddress, setting: 'credsStore' }
  const auths = config.auths ?? {}
  const key =
    serverAddress in auths ? serverAddress : hub ? undefined : Object.keys(auths).find(k => hostnameOf(k) === host)
  return { kind: 'auths', entry: key ? auths[key] : undefined }
}

/** Pure: an `auths` entry as credentials (`auth` is base64 of user:password; an identitytoken replaces the password). */
export function credentialsOfEntry(entry: AuthEntry | undefined, source: string): RegistryCredentials | undefined {
  if (!entry) return undefined
  let { username = '', password = '' } = entry
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)]
  }
  if (entry.identitytoken) return { username, password: '', identityToken: entry.identitytoken, source }
  return username && password ? { username, password, source } : undefined
}

/**
 * Pure: what `docker-credential-<helper> get` printed. The protocol's `<token>` user means Secret is an OAuth2
 * refresh token (ACR's), not a password. Malformed output is reported by shape only: it may hold the secret.
 */
export function credentialsOfHelperOutput(stdout: string, source: string): RegistryCredentials {
  let parsed: { Username?: unknown; Secret?: unknown }
  try {
    parsed = JSON.parse(stdout) as typeof parsed
  } catch {
    throw new Error(`${source} printed no JSON (${stdout.length} bytes) for 'get'.`)
  }
  if (typeof parsed?.Secret !== 'string' || !parsed.Secret)
    throw new Error(`${source} answered 'get' without a Secret.`)
  const username = typeof parsed.Username === 'string' ? parsed.Username : ''
  return username === '<token>'
    ? { username: '', password: '', identityToken: parsed.Secret, source }
    : { username, password: parsed.Secret, source }
}

/** docker-credential-helpers' ErrCredentialsNotFound, which the docker CLI reads as "no login" on stdout only. */
const notFound = 'credentials not found in native keychain'

export const credentialHelperTimeoutMs = 30_000

type HelperRun =
  | { ended: 'exit'; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
  | { ended: 'timeout' }

/**
 * Runs `docker-credential-<helper> get` with the server address on stdin, as the docker CLI does. In a process
 * group of its own, so a timeout kills what the helper started too (a wrapper's aws, az or python), and the run
 * does not wait on their pipes.
 */
function runHelper(
  program: string,
  serverAddress: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv
): Promise<HelperRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: childEnv({}, env), stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    let settled = false
    const settle = (end: () => void): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      end()
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
      child.stdout.destroy()
      child.stderr.destroy()
      settle(() => resolve({ ended: 'timeout' }))
    }, timeoutMs)
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', error => settle(() => reject(error)))
    child.on('close', (code, signal) => settle(() => resolve({ ended: 'exit', code, signal, stdout, stderr })))
    child.stdin.on('error', () => undefined) // a helper that exits without reading stdin is judged by its exit
    child.stdin.end(serverAddress)
  })
}

/**
 * What a failed helper said: the last line of stderr, else of stdout (where docker-credential-helpers' own
 * helpers write their errors), unless that looks like a half-written JSON answer, which could hold the secret.
 */
function helperComplaint(stdout: string, stderr: string): string | undefined {
  const last = (text: string): string | undefined =>
    text.trim().split('\n').at(-1)?.trim().replace(/\.$/, '').slice(0, 300) || undefined
  const said = last(stderr) ?? last(stdout)
  return said && !said.includes('{') && !said.includes('Secret') ? said : undefined
}

/**
 * Asks the helper; `none` (why there are no credentials) when it has nothing for the server, which is then tried
 * anonymously, as docker does.
 */
export async function helperCredentials(
  { helper, serverAddress, setting }: Extract<CredentialStore, { kind: 'helper' }>,
  timeoutMs = credentialHelperTimeoutMs,
  env: NodeJS.ProcessEnv = process.env
): Promise<FoundCredentials> {
  const program = `docker-credential-${helper}`
  const named = `${program} (the Docker config's ${setting})`
  let run: HelperRun
  try {
    run = await runHelper(program, serverAddress, timeoutMs, env)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        `The Docker config's ${setting} names the credential helper '${helper}' for ${serverAddress}, but ${program} is not on PATH (${env.PATH ?? ''}): install it, or set registry-username and registry-password.`,
        { cause: error }
      )
    throw new Error(`Cannot run ${named}: ${(error as Error).message}`, { cause: error })
  }
  if (run.ended === 'timeout')
    throw new Error(`${named} did not answer 'get' for ${serverAddress} within ${timeoutMs / 1000} s.`)
  if (run.code !== 0) {
    if (run.stdout.trim() === notFound) return { none: `${program} has no login for ${serverAddress}` }
    const how = run.code === null ? `killed by ${run.signal}` : `exit code ${run.code}`
    const said = helperComplaint(run.stdout, run.stderr)
    throw new Error(`${named} failed on 'get' for ${serverAddress} (${how})${said ? `: ${said}` : ''}.`)
  }
  return { credentials: credentialsOfHelperOutput(run.stdout.trim(), program) }
}

/** The Docker config's path, as the docker CLI reads it: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json')
}

function readDockerConfig(file: string): DockerConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return {} // no docker login yet: anonymous, as docker itself would go
  }
  try {
    return JSON.parse(text) as DockerConfig
  } catch {
    // As the docker CLI goes on without it. Not the parser's message: it quotes the text, and this file holds
    // credentials.
    core.warning(`The Docker config ${file} is not valid JSON, so its logins are not used.`)
    return {}
  }
}

/** The credentials the docker CLI would use for `host`, masked, or why there are none (anonymous access). */
export async function dockerCredentials(host: string, env: NodeJS.ProcessEnv = process.env): Promise<FoundCredentials> {
  const file = dockerConfigPath(env)
  const store = credentialStoreFor(readDockerConfig(file), host)
  let found: FoundCredentials
  if (store.kind === 'helper') found = await helperCredentials(store, credentialHelperTimeoutMs, env)
  else {
    const credentials = credentialsOfEntry(store.entry, `the docker login in ${file}`)
    found = credentials ? { credentials } : { none: `${file} has no login for ${host}` }
  }
  if (found.credentials?.password) core.setSecret(found.credentials.password)
  if (found.credentials?.identityToken) core.setSecret(found.credentials.identityToken)
  return found
}
