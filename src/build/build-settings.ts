import type { ImageRef } from './image-ref.js'
import type { RegistryCredentials } from './registry.js'
import type { SignatureVerifier, SignSettings } from './cosign.js'
import type { TagContext } from './tags.js'

/** One image to build: from the image/context/dockerfile/target inputs, or a line of the build input. */
export interface ImageBuild {
  /** Its key in the built-images output: the repository's last path segment. */
  name: string
  /** Repository without tag. */
  image: ImageRef
  context: string
  dockerfile: string
  target?: string
}

/** Options shared by every image built in one run. */
export interface BuildOptions {
  buildArgs: Array<[string, string]>
  /** id → value; values are masked and reach docker only as files. */
  secrets: Array<[string, string]>
  labels: Array<[string, string]>
  cacheFrom: string[]
  cacheTo: string[]
  platforms: string[]
  /** buildx --provenance and --sbom (true, false, mode=max, generator=IMAGE …); undefined: buildx's default. */
  provenance?: string
  sbom?: string
}

/** What the build step reads: the images, how they are tagged, and the registry they go to. */
export interface BuildSettings {
  /** Images to build and push (or, in modes apply and rollback to a SHA, to find in the registry), in order. */
  builds: ImageBuild[]
  build: BuildOptions
  tagTemplate: string
  extraTagTemplates: string[]
  latest: 'auto' | 'true' | 'false'
  push: boolean
  registry?: RegistryCredentials
  skipExisting: boolean
  /**
   * mode build: push each image by digest only, untagged (one platform's leg of a build spread over runners); a later
   * run names the digests in images-from.
   */
  pushByDigest: boolean
  /**
   * mode apply: images pushed by digest (repository@sha256:…), merged into one index per repository with buildx
   * imagetools create and tagged with this run's tags before they are deployed.
   */
  imagesFrom: ImageRef[]
  /** Deploy every image as repo:tag@digest (a mutable tag is pinned regardless). */
  pinDigest: boolean
  /** Sign each pushed digest with cosign. */
  sign?: SignSettings
  /** Deploy only digests with a signature this accepts (deploy, apply, rollback to a SHA). */
  verifySignature?: SignatureVerifier
  /** The commit the tags and OCI labels name. */
  run: TagContext & { defaultBranch?: string; repositoryUrl?: string }
}
