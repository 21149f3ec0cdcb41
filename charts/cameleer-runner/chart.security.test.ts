import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChartRenderer, chartRenderer, examples, podTemplate } from '../test/chart-fixture.ts';
import type { KubernetesObject } from '../test/render-chart.ts';

let chart: ChartRenderer;
beforeAll(async () => {
  chart = await chartRenderer();
}, 300_000);
afterAll(() => chart?.close());

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
const rulesOf = (o: KubernetesObject) => (o.rules ?? []) as Rule[];

/** What the Kubernetes orchestrator touches (docs/kubernetes.md#rbac), and no more. */
const allowedResources = new Set([
  'namespaces',
  'deployments',
  'replicasets',
  'pods',
  'pods/log',
  'pods/attach',
  'services',
  'configmaps',
  'secrets',
  'ingresses',
  'networkpolicies',
  'resourcequotas',
  'limitranges',
  'persistentvolumeclaims',
  'jobs',
  'horizontalpodautoscalers',
  'events',
]);
const readOnly = ['get', 'list', 'watch'];

describe.each(examples)('the runner pod with %s', (example) => {
  it('runs non-root, read-only, without capabilities, privilege escalation or host access', async () => {
    const { spec } = podTemplate(await chart.render({ files: [example] }));
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const container of [...spec.initContainers, ...spec.containers]) {
      expect(container.securityContext, container.name).toEqual({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    expect(spec.hostNetwork ?? false).toBe(false);
    expect(spec.hostPID ?? false).toBe(false);
    expect(spec.volumes.some((v) => 'hostPath' in v)).toBe(false);
  });

  it('grants no wildcard and nothing beyond what the orchestrator uses', async () => {
    const rendered = await chart.render({ files: [example] });
    const roles = rendered.objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const rule of roles.flatMap(rulesOf)) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      for (const resource of rule.resources) expect(allowedResources.has(resource), resource).toBe(true);
      if (['replicasets', 'pods', 'events'].some((r) => rule.resources.includes(r))) {
        expect(rule.verbs.every((v) => readOnly.includes(v))).toBe(true);
      }
      if (rule.resources.includes('pods/log')) expect(rule.verbs).toEqual(['get']);
      if (rule.resources.includes('pods/attach')) {
        expect(rule.verbs).toEqual(['get', 'create']);
        expect(roles.find((r) => rulesOf(r).includes(rule))?.metadata.name).toMatch(/-build$/);
      }
      if (rule.resources.includes('namespaces')) expect(rule.verbs).not.toContain('delete');
    }
  });

  it('never puts a secret in a ConfigMap or an annotation', async () => {
    const rendered = await chart.render({
      files: [example],
      values: [
        { registration: { token: 'cmr_reg_canary-token' }, registry: { password: 'canary-password' } },
      ],
    });
    for (const object of rendered.objects.filter((o) => o.kind !== 'Secret')) {
      const text = JSON.stringify(object);
      expect(text, `${object.kind} ${object.metadata.name}`).not.toContain('canary');
      expect(text).not.toContain(Buffer.from('cmr_reg_canary-token').toString('base64'));
    }
    expect(rendered.notes).not.toContain('canary');
  });
});

describe('RBAC scope', () => {
  it('is one ClusterRole bound to the runner by default', async () => {
    const rendered = await chart.render({ files: ['default-values.yaml'] });
    expect(rendered.objects.filter((o) => o.kind === 'Role')).toEqual([]);
    const binding = rendered.objects.find((o) => o.kind === 'ClusterRoleBinding');
    expect(binding?.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'cameleer-cameleer-runner', namespace: 'cameleer' },
    ]);
  });

  it('is a Role per listed namespace, and no cluster-wide grant, when namespaced', async () => {
    const rendered = await chart.render({ files: ['namespaced-values.yaml'] });
    expect(rendered.objects.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
    const roles = rendered.objects.filter((o) => o.kind === 'Role');
    expect(roles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual([
      'cameleer-acme-dev/cameleer-cr',
      'cameleer-acme-prod/cameleer-cr',
      'cameleer/cameleer-cr-build',
      'cameleer/cameleer-cr-registry',
    ]);
    for (const role of roles) {
      expect(rulesOf(role).some((r) => r.resources.includes('namespaces'))).toBe(false);
      if (role.metadata.namespace !== 'cameleer')
        expect(rulesOf(role).some((r) => r.resources.includes('pods/attach'))).toBe(false);
    }
    const registry = roles.find((r) => r.metadata.name === 'cameleer-cr-registry');
    expect(registry && rulesOf(registry)).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['registry-push'], verbs: ['get'] },
    ]);
    for (const binding of rendered.objects.filter((o) => o.kind === 'RoleBinding')) {
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'cameleer', namespace: 'cameleer' }]);
    }
  });

  it('lets the runner build images in its own namespace only, when a registry is set', async () => {
    const rendered = await chart.render({ files: ['custom-values.yaml'] });
    const build = rendered.objects.filter((o) => o.kind === 'Role');
    expect(build.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['cameleer/runner-build']);
    expect(build[0] && rulesOf(build[0])).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods/attach'], verbs: ['get', 'create'] },
    ]);
    const clusterRole = rendered.objects.find((o) => o.kind === 'ClusterRole');
    expect(clusterRole && rulesOf(clusterRole).some((r) => r.resources.includes('pods/attach'))).toBe(false);
    expect(rendered.objects.find((o) => o.kind === 'RoleBinding')?.roleRef).toMatchObject({
      name: 'runner-build',
    });
  });

  it('is nothing when rbac.create is false', async () => {
    const rendered = await chart.render({
      files: ['default-values.yaml'],
      values: [{ rbac: { create: false } }],
    });
    expect(rendered.objects.filter((o) => /Role/.test(o.kind))).toEqual([]);
  });
});
