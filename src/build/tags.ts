import { isValidTag } from './image-ref.js'

export interface TagContext {
  /** Full 40-character commit SHA. */
  sha: string
  /** Branch (or tag) name of the run, when there is one. */
  branch?: string
  runNumber?: string
}

const placeholders = ['sha', 'short_sha', 'branch', 'run_number'] as const

/** Tag-safe form of a branch name: `feature/Login` → `feature-Login`. */
export function sanitizeBranch(branch: string): string {
  return branch
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 100)
}

/** Checks a template's placeholders without rendering it, so bad inputs fail before anything runs. */
export function validateTagTemplate(template: string, inputName: string): void {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)]
    .map(m => m[1])
    .filter(p => !(placeholders as readonly string[]).includes(p))
  if (unknown.length > 0) {
    throw new Error(
      `Invalid ${inputName} '${template}': unknown placeholder {${unknown[0]}}. Expected only ${placeholders.map(p => `{${p}}`).join(', ')}.`
    )
  }
  if (/[{}]/.test(template.replace(/\{(sha|short_sha|branch|run_number)\}/g, ''))) {
    throw new Error(`Invalid ${inputName} '${template}': unbalanced '{' or '}'.`)
  }
}

export function renderTag(template: string, context: TagContext, inputName = 'tag'): string {
  validateTagTemplate(template, inputName)
  const values: Record<(typeof placeholders)[number], string | undefined> = {
    sha: context.sha,
    short_sha: context.sha.slice(0, 7),
    branch: context.branch === undefined ? undefined : sanitizeBranch(context.branch),
    run_number: context.runNumber
  }
  const tag = template.replace(/\{(sha|short_sha|branch|run_number)\}/g, (_, name: keyof typeof values) => {
    const value = values[name]
    if (!value)
      throw new Error(`The ${inputName} '${template}' uses {${name}}, but this run has no ${name.replace('_', ' ')}.`)
    return value
  })
  if (!isValidTag(tag)) {
    throw new Error(
      `The ${inputName} '${template}' renders to '${tag}', which is not a valid image tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-').`
    )
  }
  return tag
}

export interface TagPlan {
  /** The tag deployed and checked by skip-existing. */
  primary: string
  /** Every tag pushed, primary first. */
  all: string[]
}

export function planTags(
  template: string,
  extraTemplates: string[],
  latest: 'auto' | 'true' | 'false',
  context: TagContext,
  defaultBranch: string | undefined
): TagPlan {
  const primary = renderTag(template, context)
  const all = [primary]
  for (const extra of extraTemplates) {
    const tag = renderTag(extra, context, 'extra-tags')
    if (!all.includes(tag)) all.push(tag)
  }
  const onDefaultBranch = defaultBranch !== undefined && context.branch === defaultBranch
  if ((latest === 'true' || (latest === 'auto' && onDefaultBranch)) && !all.includes('latest')) all.push('latest')
  return { primary, all }
}

/** Whether skip-existing may reuse the image a tag already names, and why; logged either way. */
export interface ReuseVerdict {
  reuse: boolean
  reason: string
}

/** A template with {sha} renders a tag only this commit's build pushes; any other tag may hold an older build. */
export function templateNamesCommit(template: string): boolean {
  return template.includes('{sha}')
}

/**
 * skip-existing's rule (issue 23): a tag found in the registry stands for this commit only when the template
 * names {sha}, or the image's org.opencontainers.image.revision label is this commit. A mutable tag such as
 * {branch} otherwise still names the previous commit's image, and reusing it deploys stale code.
 * `revision` is the found image's label (undefined: the image has none, or it was not read).
 */
export function reuseVerdict(template: string, tag: string, sha: string, revision: string | undefined): ReuseVerdict {
  if (templateNamesCommit(template))
    return { reuse: true, reason: `tag ${tag} names this commit ({sha} in the tag template '${template}')` }
  if (revision === sha)
    return { reuse: true, reason: `tag ${tag} exists and its org.opencontainers.image.revision label is this commit` }
  if (!revision) {
    return {
      reuse: false,
      reason: `tag ${tag} exists but its image has no org.opencontainers.image.revision label, and the tag template '${template}' does not name {sha}, so it may be another commit's build`
    }
  }
  return {
    reuse: false,
    reason: `tag ${tag} exists but its org.opencontainers.image.revision label is ${revision}, not this commit ${sha}`
  }
}
