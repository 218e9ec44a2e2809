/**
 * sign and verify-signature: what this run pushes is signed by its digest, and nothing is deployed whose digest
 * lacks a signature the verifier accepts (deploy, apply and rollback to a SHA all get their images through here).
 */
import * as core from '@actions/core'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { BuildSettings } from './build-settings.js'
import type { BuiltImage } from './build-step.js'
import { cosignVersion, SignatureVerifier, signImage, verifyImage } from './cosign.js'
import { parseImageRef, registryHost } from './image-ref.js'

const wanted = (settings: BuildSettings): boolean => Boolean(settings.sign || settings.verifySignature)

/** Before any build or registry write: a missing cosign fails the run while nothing has changed. */
export async function requireCosign(settings: BuildSettings): Promise<void> {
  if (wanted(settings)) core.info(`Signatures with cosign ${await cosignVersion()}`)
}

const describeVerifier = (verifier: SignatureVerifier): string =>
  verifier.kind === 'key' ? 'by the verify-signature key' : `keyless, by ${verifier.identity} (${verifier.issuer})`

/**
 * registry-username and registry-password reach cosign as a Docker config of its own (a 0600 file), so cosign
 * needs no docker login, and the job's config is left alone. Without them cosign reads the job's.
 */
async function cosignDockerConfig(
  settings: BuildSettings,
  images: BuiltImage[],
  work: string
): Promise<string | undefined> {
  if (!settings.registry) return undefined
  const auth = Buffer.from(`${settings.registry.username}:${settings.registry.password}`).toString('base64')
  const hosts = [...new Set(images.map(image => registryHost(parseImageRef(image.repository))))]
  const dir = path.join(work, 'docker')
  await mkdir(dir, { mode: 0o700 })
  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify({ auths: Object.fromEntries(hosts.map(h => [h, { auth }])) }),
    {
      mode: 0o600
    }
  )
  return dir
}

/** Signs the images this run pushed, then checks every image's signature; records both on each image. */
export async function signAndVerify(settings: BuildSettings, images: BuiltImage[]): Promise<void> {
  if (!wanted(settings)) return
  const work = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'build-and-deploy-cosign-'))
  try {
    const dockerConfig = await cosignDockerConfig(settings, images, work)
    const { sign, verifySignature } = settings
    for (const image of images) {
      if (!image.digest) throw new Error(`${image.reference} has no registry digest to sign or verify.`)
      const reference = `${image.repository}@${image.digest}`
      const steps: string[] = []
      // A reused image that already verifies was signed by the run that built it: it is not signed again.
      const alreadySigned =
        image.reused && sign && verifySignature
          ? await verifyImage(reference, verifySignature, work, dockerConfig).then(
              () => true,
              () => false
            )
          : false
      if (sign && !alreadySigned) {
        await signImage(reference, sign, work, dockerConfig)
        core.info(
          `Signed ${reference} with cosign (${sign.key ? 'cosign-key' : 'keyless'}${sign.transparencyLog ? '' : ', not in the transparency log'}).`
        )
        steps.push('signed')
      }
      if (verifySignature) {
        await verifyImage(reference, verifySignature, work, dockerConfig)
        core.info(`Signature of ${reference} verified (${describeVerifier(verifySignature)}).`)
        steps.push('signature verified')
      }
      image.signature = steps.join(', ')
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
