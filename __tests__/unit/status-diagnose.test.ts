import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  awaitedDeployedObject,
  blockingLine,
  deployedKey,
  diagnosePod,
  notReadyPod,
  pendingPod,
  PodLike,
  replicaFailure,
  WarningEvent
} from '../../src/status/diagnose.js'

const recorded = (name: string): PodLike =>
  JSON.parse(readFileSync(new URL(`../data/${name}.json`, import.meta.url), 'utf8'))
const now = Date.parse('2026-11-22T12:00:00Z')
const waiting = (reason: string, message = '', lastState?: object): PodLike => ({
  metadata: { name: 'p' },
  status: {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', restartCount: 2, state: { waiting: { reason, message } }, lastState }]
  }
})

describe('diagnosePod', () => {
  it('recognises the recorded crash loop with its last exit code', () => {
    const failure = diagnosePod(recorded('pod-crashloop'), now)
    expect(failure).toMatchObject({ container: 'c', reason: 'CrashLoopBackOff', restartCount: 3, previousLog: true })
    expect(failure!.message).toMatch(/back-off 40s restarting failed container=c .*\(last exit code 1, Error\)$/)
  })

  it('tolerates a pod that is only not ready', () => {
    expect(diagnosePod(recorded('pod-never-ready'), now)).toBeUndefined()
  })

  it.each([
    'ErrImagePull',
    'ImagePullBackOff',
    'ErrImageNeverPull',
    'InvalidImageName',
    'CreateContainerConfigError',
    'RunContainerError',
    'CreateContainerError'
  ])('fails fast on %s', reason => {
    expect(diagnosePod(waiting(reason, 'why'), now)).toMatchObject({
      reason,
      message: 'why',
      container: 'app',
      previousLog: false
    })
  })

  it.each(['ContainerCreating', 'PodInitializing'])('treats %s as progress', reason => {
    expect(diagnosePod(waiting(reason), now)).toBeUndefined()
  })

  it('names OOMKilled behind a crash loop', () => {
    const failure = diagnosePod(
      waiting('CrashLoopBackOff', 'back-off', { terminated: { exitCode: 137, reason: 'OOMKilled' } }),
      now
    )
    expect(failure).toMatchObject({ reason: 'OOMKilled', message: 'back-off (last exit code 137, OOMKilled)' })
  })

  it('fails on a non-zero exit and on a failed pod', () => {
    const exited: PodLike = {
      metadata: { name: 'p' },
      status: { containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 3 } } }] }
    }
    expect(diagnosePod(exited, now)).toMatchObject({ reason: 'Error', message: 'container exited with code 3' })
    expect(diagnosePod({ metadata: { name: 'p' }, status: { phase: 'Failed' } }, now)).toMatchObject({
      reason: 'PodFailed'
    })
  })

  it('fails an unschedulable pod only after 15 s', () => {
    const pod = (since: number): PodLike => ({
      metadata: { name: 'p' },
      status: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient cpu.',
            lastTransitionTime: new Date(now - since).toISOString()
          }
        ]
      }
    })
    expect(diagnosePod(pod(14_000), now)).toBeUndefined()
    expect(diagnosePod(pod(15_000), now)).toMatchObject({
      reason: 'Unschedulable',
      message: '0/3 nodes are available: 3 Insufficient cpu.'
    })
  })

  it('reads ReplicaFailure from a workload', () => {
    const deployment = {
      status: {
        conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota' }]
      }
    }
    expect(replicaFailure(deployment)).toEqual({ reason: 'FailedCreate', message: 'exceeded quota' })
    expect(replicaFailure({ status: { conditions: [{ type: 'ReplicaFailure', status: 'False' }] } })).toBeUndefined()
    expect(replicaFailure({})).toBeUndefined()
    // Seen on the local cluster: two pods admitted at once race on the quota's status; the controller retries.
    const conflict =
      'Operation cannot be fulfilled on resourcequotas "compute": the object has been modified; please apply your changes to the latest version and try again'
    expect(
      replicaFailure({
        status: { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: conflict }] }
      })
    ).toBeUndefined()
  })
})

describe('replicaFailure for an object this deploy writes', () => {
  const refused = (message: string) => ({
    metadata: { namespace: 'shop' },
    status: { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message }] }
  })
  const serviceAccount =
    'pods "frontend-6b8f9c7d5-" is forbidden: error looking up service account shop/frontend: serviceaccount "frontend" not found'
  const deployed = new Set([
    deployedKey('ServiceAccount', 'shop', 'frontend'),
    deployedKey('PriorityClass', undefined, 'high')
  ])

  it('waits for a ServiceAccount of the same deploy: the controller retries', () => {
    expect(replicaFailure(refused(serviceAccount), deployed)).toEqual({
      reason: 'FailedCreate',
      message: serviceAccount,
      awaiting: 'serviceaccount frontend'
    })
  })

  it.each([
    ['a ServiceAccount no manifest has', serviceAccount, new Set([deployedKey('ServiceAccount', 'shop', 'backend')])],
    [
      'a ServiceAccount of that name in another namespace',
      serviceAccount,
      new Set([deployedKey('ServiceAccount', 'other', 'frontend')])
    ],
    [
      'a ConfigMap of that name (another kind)',
      serviceAccount,
      new Set([deployedKey('ConfigMap', 'shop', 'frontend')])
    ],
    [
      'an exceeded quota',
      'pods "web-1" is forbidden: exceeded quota: compute, requested: cpu=2, used: cpu=8, limited: cpu=8',
      deployed
    ],
    ['nothing known of the deploy', serviceAccount, undefined]
  ])('fails at once for %s', (_, message, known) => {
    const failure = replicaFailure(refused(message), known)
    expect(failure).toEqual({ reason: 'FailedCreate', message })
  })

  it.each([
    [
      'a cluster-scoped PriorityClass of the deploy',
      'pods "web-1" is forbidden: no PriorityClass with name high was found',
      'priorityclass high'
    ],
    [
      'a PriorityClass the deploy lacks',
      'pods "web-1" is forbidden: no PriorityClass with name low was found',
      undefined
    ],
    ['a message naming nothing missing', 'admission webhook "policy.acme.io" denied the request', undefined]
  ])('%s', (_, message, expected) => {
    expect(awaitedDeployedObject(message, 'shop', deployed)).toBe(expected)
  })
})

describe('notReadyPod (what explains a progress deadline)', () => {
  const pod = (phase: string, ready: string, containerReady: boolean): PodLike => ({
    metadata: { name: 'web-1' },
    status: {
      phase,
      conditions: [
        { type: 'Ready', status: ready, reason: 'ContainersNotReady', message: 'containers with unready status: [web]' }
      ],
      containerStatuses: [{ name: 'web', ready: containerReady, restartCount: 0, state: { running: {} } }]
    }
  })
  it.each([
    [
      'a running pod whose probe fails',
      pod('Running', 'False', false),
      {
        pod: 'web-1',
        container: 'web',
        reason: 'not ready',
        message: 'containers with unready status: [web]',
        restartCount: 0,
        previousLog: false
      }
    ],
    ['a ready pod', pod('Running', 'True', true), undefined],
    ['a pending pod (not yet running: not a probe problem)', pod('Pending', 'False', false), undefined]
  ])('%s', (_, input, expected) => {
    expect(notReadyPod(input)).toEqual(expected)
  })
})

describe('blockingLine (the progress line every 15 s)', () => {
  const neverReady = recorded('pod-never-ready')
  const named = (pod: PodLike, name: string): PodLike => ({ ...pod, metadata: { ...pod.metadata, name } })
  const ready: PodLike = {
    metadata: { name: 'ok' },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }
  }
  const unscheduled: PodLike = {
    metadata: { name: 'u' },
    status: {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient cpu.'
        }
      ]
    }
  }
  const probe = (
    pod: string,
    count: number,
    message = 'Readiness probe failed: HTTP probe failed with statuscode: 404'
  ): WarningEvent => ({
    involvedObject: { name: pod },
    reason: 'Unhealthy',
    message,
    count
  })
  const cases: Array<{ name: string; pods: PodLike[]; events: WarningEvent[]; expected: string | undefined }> = [
    { name: 'every pod ready', pods: [ready], events: [], expected: undefined },
    { name: 'no pods at all', pods: [], events: [], expected: undefined },
    {
      name: 'not ready, no events: the Ready condition says why',
      pods: [neverReady],
      events: [],
      expected: '1 pod not ready: containers with unready status: [c]'
    },
    {
      name: 'the probe events of the stuck pods, summed, most repeated first',
      pods: [named(neverReady, 'a'), named(neverReady, 'b'), ready],
      events: [
        probe('a', 7),
        probe('b', 5),
        probe('a', 20, 'Readiness probe failed: timeout'),
        probe('elsewhere', 99, 'Readiness probe failed: timeout')
      ],
      expected: '2 pods not ready: Readiness probe failed: timeout ×20'
    },
    {
      name: 'an event of series form counts its series',
      pods: [named(neverReady, 'a')],
      events: [
        {
          involvedObject: { name: 'a' },
          reason: 'Unhealthy',
          message: 'Readiness probe failed: 404',
          series: { count: 12 }
        }
      ],
      expected: '1 pod not ready: Readiness probe failed: 404 ×12'
    },
    {
      name: 'states apart',
      pods: [unscheduled, named(neverReady, 'a')],
      events: [probe('a', 3)],
      expected:
        '1 pod unschedulable: 0/3 nodes are available: 3 Insufficient cpu.; 1 pod not ready: Readiness probe failed: HTTP probe failed with statuscode: 404 ×3'
    },
    {
      name: 'a pod still pulling its image',
      pods: [waiting('ContainerCreating')],
      events: [],
      expected: '1 pod pending (ContainerCreating)'
    }
  ]
  it.each(cases)('$name', ({ pods, events, expected }) => {
    expect(blockingLine(pods, events)).toBe(expected)
  })

  it('pendingPod ignores a running pod and names the waiting container otherwise', () => {
    expect(pendingPod(ready)).toBeUndefined()
    expect(pendingPod(waiting('ContainerCreating', 'pulling'))).toMatchObject({
      container: 'app',
      reason: 'ContainerCreating',
      message: 'pulling'
    })
  })
})
