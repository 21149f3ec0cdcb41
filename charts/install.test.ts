import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ChartRenderer, chartDir, chartRenderer } from './test/chart-fixture.ts';
import { validateObjects } from './test/validate-objects.ts';

const run = promisify(execFile);
const installer = join(import.meta.dirname, 'install.sh');
const token = 'cmr_reg_do-not-print-me';
const args = ['--role', 'hub', '--token', token, '--edge-url', 'https://cameleer.example.com'];

// Commands that would change the host: shims that only record being called.
const shims = mkdtempSync(join(tmpdir(), 'cameleer-install-'));
const calls = join(shims, 'calls.log');
for (const command of [
  'curl',
  'k3s',
  'kubectl',
  'install',
  'mv',
  'chmod',
  'mktemp',
  'systemctl',
  'apt-get',
]) {
  writeFileSync(join(shims, command), `#!/bin/sh\necho "${command} $*" >> "${calls}"\nexit 1\n`);
  chmodSync(join(shims, command), 0o755);
}
afterAll(() => rmSync(shims, { recursive: true, force: true }));

async function install(extra: string[], env: Record<string, string> = {}) {
  writeFileSync(calls, '');
  try {
    const { stdout, stderr } = await run('bash', [installer, ...extra], {
      env: { PATH: `${shims}:${process.env.PATH}`, HOME: shims, ...env },
    });
    return { code: 0, stdout, stderr, calls: readFileSync(calls, 'utf8') };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, calls: readFileSync(calls, 'utf8') };
  }
}

/** The manifest the dry run would write, without the `|   ` prefix it is printed with. */
function helmChartOf(stdout: string) {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.includes('/server/manifests/cameleer-runner.yaml'));
  const after = lines.slice(start + 1);
  const end = after.findIndex((l) => !l.startsWith('|'));
  const body = after.slice(0, end === -1 ? undefined : end);
  return parse(body.map((l) => l.replace(/^\| {3}/, '')).join('\n')) as {
    kind: string;
    spec: { chart: string; chartContent: string; targetNamespace: string; valuesContent: string };
  };
}

describe('install.sh', () => {
  it('passes shellcheck', async () => {
    await expect(run('shellcheck', ['--severity=style', installer])).resolves.toMatchObject({ stdout: '' });
  });

  it('prints every step of a dry run, in order, and changes nothing', async () => {
    const result = await install([...args, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.calls).toBe('');
    const steps = result.stdout.split('\n').filter((l) => l.startsWith('==> '));
    expect(steps.map((s) => s.replace(/^==> \[\d+\] /, '').split(' ')[0])).toEqual([
      'Check',
      'Install',
      'Wait',
      'Store',
      'Install',
      'Wait',
      'Install',
      'Done',
    ]);
    expect(result.stdout).toContain('https://raw.githubusercontent.com/k3s-io/k3s/v1.31.4+k3s1/install.sh');
    expect(result.stdout).toContain('INSTALL_K3S_VERSION=v1.31.4+k3s1');
    expect(result.stdout).toContain('k3s kubectl wait --for=condition=Ready node --all');
    expect(result.stdout).toContain('rollout status deployment/cameleer-runner');
    expect(result.stdout).toContain('exec -i deployment/cameleer-runner -c runner -- cameleer-runner "$@"');
    expect(result.stdout).toContain('sudo cameleer-runner status');
    expect(result.stdout).toContain('sudo cameleer-runner logs');
  });

  it('never prints the registration token', async () => {
    const result = await install([...args, '--dry-run']);
    expect(result.stdout + result.stderr).not.toContain('do-not-print-me');
    const fromEnv = await install(['--role', 'hub', '--edge-url', 'https://e.example.com', '--dry-run'], {
      CAMELEER_REGISTRATION_TOKEN: token,
    });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).not.toContain('do-not-print-me');
  });

  it.each([
    [['--role', 'agent'], /--role agent is not supported/],
    [['--role', 'hub', '--edge-url', 'https://e.example.com'], /--token must be a registration token/],
    [['--role', 'hub', '--token', 'secret', '--edge-url', 'https://e.example.com'], /--token must be/],
    [['--role', 'hub', '--token', token, '--edge-url', 'e.example.com'], /--edge-url must be/],
    [[...args, '--apps-domain', 'Apps_Example'], /--apps-domain must be a DNS name/],
    [[...args, '--image', 'registry:5000/runner'], /--image must be repository:tag/],
    [[...args, '--k3s-version', 'latest'], /--k3s-version must look like/],
    [[...args, '--frobnicate'], /unknown option/],
  ])('refuses %j', async (given, message) => {
    const result = await install([...given, '--dry-run']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toContain('==>');
  });

  describe('the HelmChart it writes', () => {
    let chart: ChartRenderer;
    beforeAll(async () => {
      chart = await chartRenderer();
    }, 300_000);
    afterAll(() => chart?.close());

    it('embeds the chart and gives it values the schema accepts and that render valid objects', async () => {
      const result = await install([
        ...args,
        '--dry-run',
        '--apps-domain',
        'apps.box.example',
        '--https-proxy',
        'http://proxy.corp:3128',
        '--image',
        'registry.example.com:5000/cameleer-runner:0.1.0',
      ]);
      const helmChart = helmChartOf(result.stdout);
      expect(helmChart).toMatchObject({
        kind: 'HelmChart',
        spec: { chart: 'cameleer-runner', chartContent: expect.any(String), targetNamespace: 'cameleer' },
      });
      const values = join(shims, 'appliance-values.yaml');
      writeFileSync(values, helmChart.spec.valuesContent);
      const rendered = await chart.render({ files: [values] });
      const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as object;
      const validate = new Ajv({ allowUnionTypes: true }).compile(schema);
      expect(validate(rendered.values), JSON.stringify(validate.errors)).toBe(true);
      expect(() => validateObjects(rendered.objects)).not.toThrow();
      expect(rendered.values).toMatchObject({
        apps: { domain: 'apps.box.example', ingressClassName: 'traefik', storageClassName: 'local-path' },
        image: { repository: 'registry.example.com:5000/cameleer-runner', tag: '0.1.0' },
        registration: { existingSecret: 'cameleer-registration' },
      });
    });
  });
});
