import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerConfigSchema } from '../../runner/src/config/schema.ts';
import {
  type ChartRenderer,
  chartDir,
  chartRenderer,
  examples,
  objectOf,
  podTemplate,
} from '../test/chart-fixture.ts';
import { RenderError } from '../test/render-chart.ts';
import { validateObjects } from '../test/validate-objects.ts';

let chart: ChartRenderer;
// The first build compiles sprig with Debian's Go: slow on a busy machine, cached afterwards.
beforeAll(async () => {
  chart = await chartRenderer();
}, 300_000);
afterAll(() => chart?.close());

const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as object;
const validateValues = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
const minimal = { edge: { url: 'https://cameleer.example.com' }, registration: { token: 'cmr_reg_x1' } };

describe.each(examples)('the chart with %s', (example) => {
  it('renders objects that pass the Kubernetes schemas', async () => {
    const rendered = await chart.render({ files: [example] });
    expect(() => validateObjects(rendered.objects)).not.toThrow();
    expect(rendered.objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['ServiceAccount', 'ConfigMap', 'Deployment', 'Service']),
    );
  });

  it('labels every object the Helm way and keeps names within 63 characters', async () => {
    const rendered = await chart.render({ files: [example] });
    for (const object of rendered.objects) {
      expect(object.metadata.labels, `${object.kind} ${object.metadata.name}`).toMatchObject({
        'app.kubernetes.io/name': expect.any(String),
        'app.kubernetes.io/instance': 'cameleer',
        'app.kubernetes.io/version': '0.1.0',
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.sh/chart': 'cameleer-runner-0.1.0',
      });
      expect(object.metadata.name.length).toBeLessThanOrEqual(63);
    }
  });

  it('has values that values.schema.json accepts', async () => {
    const { values } = await chart.render({ files: [example] });
    expect(validateValues(values), JSON.stringify(validateValues.errors)).toBe(true);
  });
});

describe('the Deployment', () => {
  it('runs one runner, replaced rather than rolled, on the Kubernetes orchestrator', async () => {
    const rendered = await chart.render({ files: ['default-values.yaml'] });
    const spec = objectOf(rendered, 'Deployment').spec as { replicas: number; strategy: { type: string } };
    expect(spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(objectOf(rendered, 'ConfigMap').data).toMatchObject({
      CAMELEER_ORCHESTRATOR: 'kubernetes',
      CAMELEER_EDGE_URL: 'https://cameleer.example.com',
      CAMELEER_APPS_DOMAIN: 'apps.example.com',
    });
    const runner = podTemplate(rendered).spec.containers[0];
    expect(runner?.image).toBe('ghcr.io/cameleer/cameleer-runner:0.1.0');
    // Ready when connected; never restarted for being offline, it keeps retrying on its own.
    expect(runner?.readinessProbe).toMatchObject({ exec: { command: ['cameleer-runner', 'status'] } });
    expect(runner?.livenessProbe).toBeUndefined();
    // No ClickHouse, no intake listening: apps are not told to export to it.
    expect(objectOf(rendered, 'ConfigMap').data).not.toHaveProperty('CAMELEER_KUBERNETES_INTAKE_URL');
  });

  it('passes the runner only variables it reads, besides the Kubernetes ones and the registration', async () => {
    const rendered = await chart.render({ files: ['custom-values.yaml'] });
    const known = new Set(Object.keys(runnerConfigSchema.shape));
    const chartOwn = /^(CAMELEER_KUBERNETES_|CAMELEER_EDGE_URL$|HTTPS?_PROXY$|NO_PROXY$|HOME$)/;
    const data = objectOf(rendered, 'ConfigMap').data as Record<string, string>;
    const env = podTemplate(rendered).spec.containers[0]?.env ?? [];
    const extra = new Set(['CAMELEER_TELEMETRY_SPOOL_BYTES']);
    for (const name of [...Object.keys(data), ...env.map((e) => e.name)]) {
      if (!chartOwn.test(name)) expect(known.has(name) || extra.has(name), name).toBe(true);
    }
  });

  it('takes the customised values: image digest, proxy, registry, ClickHouse, scheduling', async () => {
    const rendered = await chart.render({ files: ['custom-values.yaml'] });
    const pod = podTemplate(rendered).spec;
    expect(objectOf(rendered, 'Deployment').metadata.name).toBe('runner');
    expect(pod.containers[0]?.image).toBe(
      'registry.example.com/mirror/cameleer-runner@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    );
    expect(pod.imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toHaveLength(1);
    expect(pod.affinity).toBeDefined();
    const data = objectOf(rendered, 'ConfigMap').data as Record<string, string>;
    expect(data).toMatchObject({
      HTTPS_PROXY: 'http://proxy.corp.example:3128',
      CAMELEER_KUBERNETES_INGRESS_CLASS: 'traefik',
      CAMELEER_KUBERNETES_STORAGE_CLASS: 'fast-ssd',
      CAMELEER_KUBERNETES_REGISTRY: 'registry.example.com/cameleer',
      CAMELEER_KUBERNETES_REGISTRY_SECRET: 'runner-registry',
      CAMELEER_KUBERNETES_KANIKO_IMAGE: 'registry.example.com/mirror/kaniko-executor:v1.23.2',
      CAMELEER_KUBERNETES_BUILD_CACHE: 'registry.example.com/cameleer/cache',
      CAMELEER_CLICKHOUSE_URL: 'https://clickhouse.corp.example:8443',
      CAMELEER_KUBERNETES_INTAKE_URL: 'http://runner-intake.cameleer.svc:4318',
    });
    expect(data.NO_PROXY?.split(',')).toEqual(
      expect.arrayContaining(['.corp.example', '10.43.0.1', 'kubernetes.default.svc', '.svc']),
    );
    const register = pod.initContainers[0];
    expect(register?.env?.find((e) => e.name === 'CAMELEER_REGISTRATION_TOKEN')?.valueFrom).toEqual({
      secretKeyRef: { name: 'cameleer-registration', key: 'cmr-token' },
    });
    expect(
      rendered.objects.some((o) => o.kind === 'Secret' && o.metadata.name.endsWith('-registration')),
    ).toBe(false);
    expect(objectOf(rendered, 'PersistentVolumeClaim').spec).toMatchObject({
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '20Gi' } },
    });
    expect(objectOf(rendered, 'ServiceMonitor').metadata.labels).toMatchObject({ release: 'prometheus' });
  });

  it('stores registry credentials as a dockerconfigjson Secret for the registry host', async () => {
    const rendered = await chart.render({ files: ['custom-values.yaml'] });
    const secret = objectOf(rendered, 'Secret', 'runner-registry');
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const config = JSON.parse(
      Buffer.from((secret.data as Record<string, string>)['.dockerconfigjson'] ?? '', 'base64').toString(),
    );
    expect(config.auths['registry.example.com']).toEqual({
      username: 'cameleer-push',
      password: 's3cret-push',
      auth: Buffer.from('cameleer-push:s3cret-push').toString('base64'),
    });
  });

  it('names objects from nameOverride and fullnameOverride', async () => {
    const byName = await chart.render({ values: [minimal, { nameOverride: 'cr' }] });
    expect(objectOf(byName, 'Deployment').metadata.name).toBe('cameleer-cr');
    const byFullname = await chart.render({ values: [minimal, { fullnameOverride: 'runner' }] });
    expect(objectOf(byFullname, 'Deployment').metadata.name).toBe('runner');
  });

  it('restarts the runner when its configuration or Secret changes, and only then', async () => {
    const annotations = async (values: Record<string, unknown>) =>
      podTemplate(await chart.render({ values: [minimal, values] })).metadata.annotations;
    const before = await annotations({});
    const domain = await annotations({ apps: { domain: 'apps.other.example' } });
    const token = await annotations({ registration: { token: 'cmr_reg_other' } });
    expect(before['checksum/config']).toMatch(/^[a-f0-9]{64}$/);
    expect(domain['checksum/config']).not.toBe(before['checksum/config']);
    expect(domain['checksum/secret']).toBe(before['checksum/secret']);
    expect(token['checksum/secret']).not.toBe(before['checksum/secret']);
    expect(token['checksum/config']).toBe(before['checksum/config']);
    expect(await annotations({})).toEqual(before);
  });

  it('keeps state on an emptyDir only when persistence is off', async () => {
    const rendered = await chart.render({ files: ['namespaced-values.yaml'] });
    expect(rendered.objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(podTemplate(rendered).spec.volumes).toContainEqual({ name: 'state', emptyDir: {} });
  });
});

describe('required values', () => {
  it('refuses to render without the edge URL or a registration token, saying which', async () => {
    await expect(chart.render({ values: [{ registration: { token: 'cmr_reg_x1' } }] })).rejects.toThrow(
      /edge\.url .* is required/,
    );
    await expect(chart.render({ values: [{ edge: minimal.edge }] })).rejects.toThrow(
      /registration\.token .* or registration\.existingSecret is required/,
    );
    await expect(chart.render()).rejects.toBeInstanceOf(RenderError);
  });
});

describe('values.schema.json', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['a token that is not a registration token', { registration: { token: 'hunter2' } }],
    ['an edge URL without a scheme', { edge: { url: 'cameleer.example.com' } }],
    ['an unknown key (a typo)', { registery: { url: 'registry.example.com' } }],
    ['an unknown pull policy', { image: { pullPolicy: 'Sometimes' } }],
    ['a digest that is not sha256', { image: { digest: 'latest' } }],
    ['an apps domain with a scheme', { apps: { domain: 'https://apps.example.com' } }],
    ['a namespace that is not a DNS label', { rbac: { namespaced: ['Team_A'] } }],
    [
      'a wildcard verb in extra rules',
      { rbac: { extraRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] } },
    ],
    ['a port given as text', { intake: { port: '4318' } }],
    ['a privileged intake port', { intake: { port: 80 } }],
    ['a size that is not a quantity', { persistence: { size: 'lots' } }],
    ['a proxy without a scheme', { proxy: { httpsProxy: 'proxy:3128' } }],
  ];
  it.each(bad)('refuses %s', async (_, values) => {
    // The templates render it: the schema is what stops it, as `helm install` checks values before rendering.
    const rendered = await chart.render({ values: [minimal, values] });
    expect(validateValues(rendered.values)).toBe(false);
    const [key] = Object.keys(values);
    const paths = (validateValues.errors ?? []).map(
      (e) => `${e.instancePath} ${e.params.additionalProperty ?? ''}`,
    );
    expect(paths.some((p) => p.includes(key ?? '-'))).toBe(true);
  });

  it('accepts the defaults with only the edge and a token set', async () => {
    const rendered = await chart.render({ values: [minimal] });
    expect(validateValues(rendered.values), JSON.stringify(validateValues.errors)).toBe(true);
  });
});

describe('NOTES.txt', () => {
  it('tells the user how to check the runner and what to do next', async () => {
    const { notes } = await chart.render({ files: ['default-values.yaml'] });
    expect(notes).toContain('kubectl -n cameleer rollout status deployment/cameleer-cameleer-runner');
    expect(notes).toContain('cameleer-runner status');
    expect(notes).toContain('cameleer-runner logs');
    expect(notes).toContain('*.apps.example.com');
    expect(notes).toContain('No registry is set');
    expect(notes).toContain('registration.existingSecret');
    expect(notes).not.toContain('<no value>');
  });

  it('warns when the identity would not survive a restart and names the managed namespaces', async () => {
    const { notes } = await chart.render({ files: ['namespaced-values.yaml'] });
    expect(notes).toContain('WARNING: persistence.enabled is false');
    expect(notes).toContain('cameleer-acme-dev, cameleer-acme-prod');
    expect(notes).not.toContain('No registry is set');
  });
});
