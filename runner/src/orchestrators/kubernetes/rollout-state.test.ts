import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { previousReplicaSet, rolloutState } from './rollout-state.ts';

const rs = (
  revision: number,
  hash: string,
  conditions: V1ReplicaSet['status'] = undefined,
): V1ReplicaSet => ({
  metadata: {
    name: `orders-${hash}`,
    labels: { 'pod-template-hash': hash },
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
  },
  ...(conditions ? { status: conditions } : {}),
});

const crashing = (hash: string): V1Pod => ({
  metadata: { name: `orders-${hash}-x`, labels: { 'pod-template-hash': hash } },
  status: {
    containerStatuses: [
      {
        name: 'app',
        image: 'i',
        imageID: '',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 2, reason: 'Error' } },
      },
    ],
  },
});

const deployment = (
  generation: number,
  observed: number,
  revision: number,
  status: V1Deployment['status'] = {},
): V1Deployment => ({
  metadata: { generation, annotations: { 'deployment.kubernetes.io/revision': String(revision) } },
  spec: { replicas: 1, selector: {}, template: {} },
  status: { observedGeneration: observed, ...status },
});

describe('where a rollout stands', () => {
  it('judges nothing until the controller has seen the new spec, even beside a crashing old version', () => {
    expect(rolloutState(deployment(2, 1, 1), [rs(1, 'old')], [crashing('old')])).toEqual({ done: false });
  });

  it('fails on the new ReplicaSet’s pods, in words, with the exit code', () => {
    const state = rolloutState(deployment(2, 2, 2), [rs(1, 'old'), rs(2, 'new')], [crashing('new')]);
    expect(state).toEqual({
      done: false,
      failed: expect.stringMatching(/keeps crashing on start \(CrashLoopBackOff, exit code 2\)/),
    });
  });

  it('fails when the quota refuses the pods, or at the progress deadline', () => {
    const refused = rs(2, 'new', {
      replicas: 0,
      conditions: [
        { type: 'ReplicaFailure', status: 'True', message: 'pods "x" is forbidden: exceeded quota: q' },
      ],
    });
    expect(rolloutState(deployment(2, 2, 2), [refused], [])).toMatchObject({
      failed: expect.stringMatching(/quota is used up/),
    });
    const stuck = deployment(2, 2, 2, {
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    });
    expect(rolloutState(stuck, [rs(2, 'new')], [])).toMatchObject({
      failed: expect.stringMatching(/did not become ready in time/),
    });
  });

  it('is done when every replica is updated and available and no old one is left', () => {
    const counts = { replicas: 1, updatedReplicas: 1, availableReplicas: 1 };
    expect(rolloutState(deployment(2, 2, 2, counts), [rs(2, 'new')], [])).toEqual({ done: true });
    expect(rolloutState(deployment(2, 2, 2, { ...counts, replicas: 2 }), [rs(2, 'new')], [])).toEqual({
      done: false,
    });
  });

  it('goes back to the highest revision below the current one', () => {
    expect(
      previousReplicaSet(deployment(3, 3, 3), [rs(1, 'a'), rs(3, 'c'), rs(2, 'b')])?.metadata?.name,
    ).toBe('orders-b');
    expect(previousReplicaSet(deployment(1, 1, 1), [rs(1, 'a')])).toBeUndefined();
  });
});
