import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer, goEnv, RenderError, renderChart } from './render-chart.ts';

// A chart using each Helm function the renderer stands in for, with what `helm template` prints.
const fixture = join(import.meta.dirname, 'fixtures', 'helm-functions');

let renderer: string;
beforeAll(async () => {
  renderer = await buildRenderer();
}, 300_000);

describe('the chart renderer', () => {
  it('renders Helm functions, objects and value merging as helm template does', async () => {
    const rendered = await renderChart(renderer, {
      chartDir: fixture,
      valueFiles: [join(fixture, 'override.yaml')],
      release: 'rel',
      namespace: 'ns',
    });
    expect(rendered.manifests.get('helm-functions/templates/out.yaml')).toBe(
      [
        'include: rel-overridden',
        'tpl: rel-tpl-overridden',
        'toYaml:',
        '  a:',
        '  - x',
        // go-yaml v2 under sigs.k8s.io/yaml quotes YAML 1.1 booleans (y, n, on, off) as Helm prints them.
        '  - "y"',
        '  b: 1',
        'fromYaml: 2',
        'toJson: {"a":["x","y"],"b":1}',
        'lookup: {}',
        'missing: ""',
        'nested: {"keep":"kept"}',
        'hasDropped: false',
        'chart: helm-functions-1.2.3-4.5.6',
        'release: rel/ns/Helm/true',
        'template: helm-functions/templates/out.yaml',
        'kube: 1.30',
        'hasApps: true',
        'hasDeployment: true',
        'hasMonitoring: false',
        'file: hello from a file',
        'sprig: 1,2,3 ba7816bf true',
        '',
      ].join('\n'),
    );
    expect(rendered.notes).toBe('Installed rel-overridden.\n');
    expect(rendered.values).toEqual({
      name: 'overridden',
      map: { a: ['x', 'y'], b: 1 },
      nested: { keep: 'kept' },
    });
    expect([...rendered.manifests.keys()]).not.toContain('helm-functions/templates/_names.tpl');
  });

  it('fails with the message of required, as Helm does', async () => {
    const valueFile = join(fixture, 'needs-value.yaml');
    await expect(renderChart(renderer, { chartDir: fixture, valueFiles: [valueFile] })).rejects.toThrow(
      /needsValue\.value is required/,
    );
    await expect(renderChart(renderer, { chartDir: join(fixture, 'absent') })).rejects.toBeInstanceOf(
      RenderError,
    );
  });

  it('is gofmt-formatted and passes go vet, the Go side of the lint', async () => {
    const run = promisify(execFile);
    const cwd = join(import.meta.dirname, 'render');
    await expect(run('gofmt', ['-l', '.'], { cwd })).resolves.toMatchObject({ stdout: '' });
    await expect(run('go', ['vet', '.'], { cwd, env: goEnv })).resolves.toBeDefined();
  }, 120_000);
});
