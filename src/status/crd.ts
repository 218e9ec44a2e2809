import { conditionsOf, nameOf, ofKind, StatusReader, Verdict, why, WorkloadObject } from './reader.js'

/** kstatus: Established=True is current, NamesAccepted=False failed. */
export function customResourceDefinitionVerdict(object: WorkloadObject): Verdict {
  const name = nameOf(object)
  const conditions = conditionsOf(object)
  const names = conditions.find(c => c.type === 'NamesAccepted')
  if (names?.status === 'False')
    return { state: 'failed', message: `${name}: names not accepted${why(names) ? `: ${why(names)}` : ''}` }
  if (conditions.some(c => c.type === 'Established' && c.status === 'True'))
    return { state: 'done', message: `${name} is established` }
  return { state: 'progressing', message: `${name}: waiting to be established` }
}

export const customResourceDefinitionReader: StatusReader = {
  supports: ofKind('CustomResourceDefinition'),
  waitable: () => true,
  verdict: customResourceDefinitionVerdict,
  plural: 'customresourcedefinitions'
}
