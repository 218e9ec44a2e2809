import { nameOf, ofKind, StatusReader, StatusContext, Verdict, WorkloadObject } from './reader.js'

/**
 * kstatus calls a claim current once Bound; one whose StorageClass binds on first consumer stays Pending until
 * a pod uses it, so it is ready as it stands: only the StorageClass says which (context.bindingMode).
 */
export function persistentVolumeClaimVerdict(object: WorkloadObject, context: StatusContext): Verdict {
  const name = nameOf(object)
  const phase = object.status?.phase as string | undefined
  if (phase === 'Bound') return { state: 'done', message: `${name} is bound` }
  if (phase === 'Lost') return { state: 'failed', message: `${name} lost its volume` }
  if (context.bindingMode === 'WaitForFirstConsumer')
    return {
      state: 'done',
      message: `${name} waits for its first consumer (WaitForFirstConsumer)`,
      note: 'waits for its first consumer'
    }
  if (context.bindingMode === undefined) return { state: 'progressing', message: `${name}: reading its StorageClass` }
  return { state: 'progressing', message: `${name}: ${phase ?? 'Pending'}, not bound yet` }
}

export const persistentVolumeClaimReader: StatusReader = {
  supports: ofKind('PersistentVolumeClaim'),
  waitable: () => true,
  verdict: persistentVolumeClaimVerdict,
  plural: 'persistentvolumeclaims',
  reads: 'storageClassBindingMode'
}
