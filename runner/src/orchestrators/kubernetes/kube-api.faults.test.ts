import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiStandIn } from '../../../test/kube-api-stand-in.ts';
import { KubeApi, KubernetesApiError } from './kube-api.ts';

let standIn: KubeApiStandIn;
let api: KubeApi;

beforeEach(async () => {
  standIn = await KubeApiStandIn.start();
  api = new KubeApi(standIn.kubeConfig());
  await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
});

afterEach(() => standIn.close());

const service = (port: number): V1Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'orders', namespace: 'team' },
  spec: { ports: [{ port }] },
});

describe('the API calls under faults', () => {
  it('creates, then replaces with the server’s resourceVersion', async () => {
    const created = await api.apply(service(80));
    const replaced = await api.apply(service(81));
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    expect(standIn.get('services', 'team', 'orders')?.spec).toEqual({ ports: [{ port: 81 }] });
  });

  it('reads again and retries when a concurrent writer wins (409 Conflict)', async () => {
    await api.apply(service(80));
    standIn.failNext('PUT', 'services', 409);
    await api.apply(service(82));
    expect(standIn.get('services', 'team', 'orders')?.spec).toEqual({ ports: [{ port: 82 }] });
    expect(standIn.requests.filter((r) => r === 'PUT /api/v1/namespaces/team/services/orders')).toHaveLength(
      2,
    );
  });

  it('replaces when the object appeared between its read and its create (409 AlreadyExists)', async () => {
    standIn.failNext('POST', 'services', 409);
    await expect(api.apply(service(80))).resolves.toBeDefined();
  });

  it('answers undefined for a missing object and accepts deleting one already gone (404)', async () => {
    expect(
      await api.read({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'none', namespace: 'team' } }),
    ).toBeUndefined();
    await expect(
      api.delete({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'none', namespace: 'team' } }),
    ).resolves.toBeUndefined();
  });

  it('says what the server refused (422 Invalid, 404 for a missing namespace)', async () => {
    const broken: V1Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'orders', namespace: 'team' },
      spec: {
        selector: { matchLabels: { app: 'orders' } },
        template: {
          metadata: { labels: { app: 'other' } },
          spec: { containers: [{ name: 'app', image: 'x' }] },
        },
      },
    };
    const invalid = await api.apply(broken).catch((err: unknown) => err);
    expect(invalid).toBeInstanceOf(KubernetesApiError);
    expect((invalid as KubernetesApiError).code).toBe(422);
    expect((invalid as KubernetesApiError).message).toMatch(
      /422 Invalid: .*selector. does not match template .labels/,
    );
    const elsewhere = await api
      .apply({ ...service(80), metadata: { name: 'orders', namespace: 'absent' } })
      .catch((e: unknown) => e);
    expect((elsewhere as KubernetesApiError).message).toMatch(/404 NotFound: namespaces "absent" not found/);
  });

  it('does not retry a conflict forever', async () => {
    await api.apply(service(80));
    for (let i = 0; i < 10; i++) standIn.failNext('PUT', 'services', 409);
    await expect(api.apply(service(83))).rejects.toThrow(/409 Conflict/);
  });
});
