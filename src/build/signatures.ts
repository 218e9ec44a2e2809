/**
 * sign and verify-signature: what this run builds is signed by its digest, and nothing is deployed whose digest
 * lacks a signature the verifier accepts (deploy, apply, promote and rollback to a SHA all get their images
 * through the build step). An image found in the registry is only ever verified, never signed: signing it here
 * would let any pushed image pass.
 */
import * as core from '@actions/core'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { BuildSettings } from './build-settings.js'
import type { BuiltImage } from './build-step.js'
import { CosignFiles, cosignVersion, SignatureVerifier, signImage, verifyImage } from './cosign.js'
import { dockerConfigKey } from './docker-credentials.js'
import { parseImageRef, registryHost } from './image-ref.js'

/** Before any build or registry write: a missing cosign fails the run while nothing has changed. */
export async function requireCosign(settings: BuildSettings): Promise<void> {
  if (settings.sign || settings.verifySignature) core.info(`Signatures with cosign ${await cosignVersion()}`)
}

const describeVerifier = (verifier: SignatureVerifier): string =>
  verifier.kind === 'key' ? 'by the verify-signature key' : `keyless, by ${verifier.identity} (${verifier.issuer})`

/**
 * Runs `steps` with cosign's files written once, in a work directory removed afterwards: the keys (0600), and,
 * from registry-username and registry-password, a Docker config of cosign's own, so cosign needs no docker login
 * and the job's config is left alone (without them cosign reads the job's).
 */
async function withCosignFiles<T>(
  settings: BuildSettings,
  repositories: string[],
  steps: (files: CosignFiles) => Promise<T>
): Promise<T> {
  const work = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'build-and-deploy-cosign-'))
  try {
    const files: CosignFiles = {}
    const write = async (name: string, text: string): Promise<string> => {
      const file = path.join(work, name)
      await writeFile(file, text, { mode: 0o600 })
      return file
    }
    if (settings.sign?.key) files.keyFile = await write('cosign.key', `${settings.sign.key}\n`)
    if (settings.verifySignature?.kind === 'key')
      files.publicKeyFile = await write('cosign.pub', `${settings.verifySignature.publicKey}\n`)
    if (settings.registry) {
      const auth = Buffer.from(`${settings.registry.username}:${settings.registry.password}`).toString('base64')
      core.setSecret(auth)
      const keys = [...new Set(repositories.map(r => dockerConfigKey(registryHost(parseImageRef(r)))))]
      files.dockerConfig = path.join(work, 'docker')
      await mkdir(files.dockerConfig, { mode: 0o700 })
      await write('docker/config.json', JSON.stringify({ auths: Object.fromEntries(keys.map(key => [key, { auth }])) }))
    }
    return await steps(files)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Verifies repository@digest and says so in the log; the image's signature entry. */
async function verified(reference: string, verifier: SignatureVerifier, files: CosignFiles): Promise<string> {
  await verifyImage(reference, verifier, files)
  core.info(`Signature of ${reference} verified (${describeVerifier(verifier)}).`)
  return 'signature verified'
}

/**
 * With verify-signature: throws unless repository@digest carries a signature it accepts. Called for a reused
 * image before its other tags are moved onto it, so a refused image moves nothing.
 */
export async function verifyFound(
  settings: BuildSettings,
  repository: string,
  digest: string
): Promise<string | undefined> {
  const verifier = settings.verifySignature
  if (!verifier) return undefined
  return withCosignFiles(settings, [repository], files => verified(`${repository}@${digest}`, verifier, files))
}

/** Signs each image this run built, then verifies it; records both on the image. */
export async function signAndVerifyBuilt(settings: BuildSettings, images: BuiltImage[]): Promise<void> {
  const { sign, verifySignature } = settings
  const built = images.filter(image => !image.reused)
  if ((!sign && !verifySignature) || built.length === 0) return
  await withCosignFiles(
    settings,
    built.map(image => image.repository),
    async files => {
      for (const image of built) {
        if (!image.digest) throw new Error(`${image.reference} has no registry digest to sign or verify.`)
        const reference = `${image.repository}@${image.digest}`
        const steps: string[] = []
        if (sign) {
          await signImage(reference, sign, files)
          core.info(
            `Signed ${reference} with cosign (${sign.key ? 'cosign-key' : 'keyless'}${sign.transparencyLog ? '' : ', not in the transparency log'}).`
          )
          steps.push('signed')
        }
        if (verifySignature) steps.push(await verified(reference, verifySignature, files))
        image.signature = steps.join(', ')
      }
    }
  )
}
