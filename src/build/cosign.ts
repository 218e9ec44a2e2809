/**
 * The cosign CLI: signs a pushed digest and checks a digest's signature before it is deployed. Keys reach cosign
 * as files of mode 0600 (CosignFiles), the key's password on stdin (cosign reads it there when
 * stdin is not a terminal): never on a command line, never in the environment.
 */
import * as exec from '@actions/exec'
import { childEnv } from '../process/child-env.js'

export interface SignSettings {
  /** The private key (PEM, as cosign generate-key-pair writes it); absent: keyless, with the job's OIDC token. */
  key?: string
  password: string
  /** Record the signature in the transparency log (Rekor); false for a private or offline setup. */
  transparencyLog: boolean
}

export type SignatureVerifier =
  { kind: 'key'; publicKey: string; transparencyLog: boolean } | { kind: 'keyless'; identity: string; issuer: string }

/** cosign's own deadline for its registry and log requests, below the run's timeout. */
const cosignTimeout = '2m'

/** Pure: the `cosign sign` command line for a digest reference. */
export function signCommand(reference: string, keyFile: string | undefined, transparencyLog: boolean): string[] {
  const args = ['sign', '--yes', `--timeout=${cosignTimeout}`, `--tlog-upload=${transparencyLog}`]
  if (keyFile) args.push('--key', keyFile)
  return [...args, reference]
}

/** Pure: the `cosign verify` command line for a digest reference. */
export function verifyCommand(reference: string, verifier: SignatureVerifier, keyFile?: string): string[] {
  const args = ['verify', `--timeout=${cosignTimeout}`, '--output=json']
  if (verifier.kind === 'key') {
    args.push('--key', keyFile!)
    if (!verifier.transparencyLog) args.push('--insecure-ignore-tlog=true')
  } else {
    args.push('--certificate-identity', verifier.identity, '--certificate-oidc-issuer', verifier.issuer)
  }
  return [...args, reference]
}

/** cosign's reason, from its last `Error:` line (its usage text and warnings around it are not the reason). */
function cosignReason(stderr: string, exitCode: number): string {
  const lines = stderr.trim().split('\n')
  const error = [...lines].reverse().find(line => line.startsWith('Error:'))
  return (error ?? lines.at(-1) ?? '').replace(/^Error:\s*/, '').slice(0, 500) || `exit code ${exitCode}`
}

/** The job's COSIGN_PASSWORD would win over stdin, and so over cosign-password: it is not passed on. */
function cosignEnv(dockerConfig?: string): Record<string, string> {
  const env = childEnv(dockerConfig ? { DOCKER_CONFIG: dockerConfig } : {})
  delete env.COSIGN_PASSWORD
  return env
}

async function cosign(args: string[], input?: string, dockerConfig?: string): Promise<exec.ExecOutput> {
  try {
    return await exec.getExecOutput('cosign', args, {
      silent: true,
      ignoreReturnCode: true,
      env: cosignEnv(dockerConfig),
      ...(input !== undefined ? { input: Buffer.from(input) } : {})
    })
  } catch (error) {
    throw new Error(
      `Cannot run cosign (${(error as Error).message}): install it (sigstore/cosign-installer on GitHub), or leave sign and verify-signature empty.`,
      { cause: error }
    )
  }
}

/** Fails early, before any build, when cosign is not installed. */
export async function cosignVersion(): Promise<string> {
  const run = await cosign(['version', '--json'])
  if (run.exitCode !== 0) throw new Error(`cosign version failed: ${cosignReason(run.stderr, run.exitCode)}`)
  try {
    return (JSON.parse(run.stdout) as { gitVersion?: string }).gitVersion ?? 'cosign'
  } catch {
    return run.stdout.trim().split('\n')[0] ?? 'cosign'
  }
}

/** The files cosign is given, written by the caller into a work directory of mode 0600 files. */
export interface CosignFiles {
  keyFile?: string
  publicKeyFile?: string
  /** A directory with the config.json cosign logs in to the registry with; absent: the job's. */
  dockerConfig?: string
}

export async function signImage(reference: string, settings: SignSettings, files: CosignFiles): Promise<void> {
  const run = await cosign(
    signCommand(reference, files.keyFile, settings.transparencyLog),
    settings.password,
    files.dockerConfig
  )
  if (run.exitCode !== 0) throw new Error(`cosign sign ${reference} failed: ${cosignReason(run.stderr, run.exitCode)}`)
}

/** Resolves when `reference` (repository@digest) carries a signature the verifier accepts; throws otherwise. */
export async function verifyImage(reference: string, verifier: SignatureVerifier, files: CosignFiles): Promise<void> {
  const run = await cosign(verifyCommand(reference, verifier, files.publicKeyFile), undefined, files.dockerConfig)
  if (run.exitCode !== 0)
    throw new Error(
      `${reference} has no signature that verify-signature accepts, so it is not deployed: ${cosignReason(run.stderr, run.exitCode)}`
    )
}
