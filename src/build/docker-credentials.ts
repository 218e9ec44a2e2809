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
import type { RegistryCredentials } from './registry.js'

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

/** `https://host/v1/` and `host` name one registry, as the docker CLI's ConvertToHostname treats them. */
const hostnameOf = (key: string): string => key.replace(/^[a-z]+:\/\//i, '').split('/')[0]

/** Pure: the store the docker CLI would read for `host` (as registryHost names it). */
export function credentialStoreFor(config: DockerConfig, host: string): CredentialStore {
  const hub = dockerHubHosts.has(host)
  const serverAddress = hub ? dockerHubKey : host
  const helper =
    config.credHelpers?.[hub ? 'index.docker.io' : host] ?? (hub ? config.credHelpers?.[dockerHubKey] : undefined)
  if (helper) return { kind: 'helper', helper, serverAddress, setting: 'credHelpers' }
  if (config.credsStore) return { kind: 'helper', helper: config.credsStore, serverAddress, setting: 'credsStore' }
  const wanted = hub ? 'index.docker.io' : host
  const key = Object.keys(config.auths ?? {}).find(k => hostnameOf(k) === wanted)
  return { kind: 'auths', entry: key ? config.auths![key] : undefined }
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

/** The helpers' own words for "nothing stored for this server" (docker-credential-helpers' ErrCredentialsNotFound). */
const notFound = /credentials not found/i

export const credentialHelperTimeoutMs = 30_000

interface HelperRun {
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
}

/** Runs `docker-credential-<helper> get` with the server address on stdin, as the docker CLI does. */
function runHelper(
  program: string,
  serverAddress: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv
): Promise<HelperRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: childEnv({}, env), stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, timedOut })
    })
    child.stdin.on('error', () => undefined) // a helper that exits without reading stdin is judged by its exit
    child.stdin.end(serverAddress)
  })
}

/** Asks the helper; undefined when it has nothing for the server (the registry is then tried anonymously). */
export async function helperCredentials(
  { helper, serverAddress, setting }: Extract<CredentialStore, { kind: 'helper' }>,
  timeoutMs = credentialHelperTimeoutMs,
  env: NodeJS.ProcessEnv = process.env
): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${helper}`
  let run: HelperRun
  try {
    run = await runHelper(program, serverAddress, timeoutMs, env)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        `The Docker config's ${setting} names the credential helper '${helper}' for ${serverAddress}, but ${program} is not on PATH (${env.PATH ?? ''}): install it, or set registry-username and registry-password.`,
        { cause: error }
      )
    throw new Error(`Cannot run ${program}: ${(error as Error).message}`, { cause: error })
  }
  if (run.timedOut)
    throw new Error(`${program} did not answer 'get' for ${serverAddress} within ${timeoutMs / 1000} s.`)
  if (run.code !== 0) {
    if (notFound.test(run.stdout) || notFound.test(run.stderr)) return undefined
    // stderr only, and its last line: helpers report there, and stdout could be a half-written answer.
    const said = run.stderr.trim().split('\n').at(-1)?.slice(0, 300)
    throw new Error(
      `${program} failed on 'get' for ${serverAddress} (exit code ${run.code})${said ? `: ${said}` : ''}.`
    )
  }
  const credentials = credentialsOfHelperOutput(run.stdout.trim(), program)
  if (credentials.password) core.setSecret(credentials.password)
  if (credentials.identityToken) core.setSecret(credentials.identityToken)
  return credentials
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

/** The credentials the docker CLI would use for `host`, or undefined for anonymous access. */
export async function dockerCredentials(
  host: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<RegistryCredentials | undefined> {
  const file = dockerConfigPath(env)
  const store = credentialStoreFor(readDockerConfig(file), host)
  if (store.kind === 'helper') return helperCredentials(store, credentialHelperTimeoutMs, env)
  const credentials = credentialsOfEntry(store.entry, `the docker login in ${file}`)
  if (credentials?.password) core.setSecret(credentials.password)
  if (credentials?.identityToken) core.setSecret(credentials.identityToken)
  return credentials
}
