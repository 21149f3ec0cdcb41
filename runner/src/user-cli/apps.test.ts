import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliEdge } from '../../test/cli-fixture.ts';

describe('cameleer apps', () => {
  let stack: Awaited<ReturnType<typeof startCliEdge>>;

  beforeAll(async () => {
    stack = await startCliEdge({ loginAs: 'developer' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const cli = (args: string[], env: Record<string, string> = {}) => stack.cli(args, env);

  it('says there are no apps yet', async () => {
    const run = await cli(['apps', 'list']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No apps yet. Create one with `cameleer apps create NAME`.\n');
  });

  it('creates apps, as JSON and as a sentence that says how to deploy', async () => {
    const json = await cli(['apps', 'create', 'orders', '--description', 'Order intake', '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: expect.stringMatching(/^app_/),
      name: 'orders',
      description: 'Order intake',
    });

    const text = await cli(['apps', 'create', 'billing']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Created app billing \(app_\w+\)\.\n/);
    expect(text.stdout).toContain('cameleer deploy app.jar --app billing --env dev --wait');
  });

  it('lists the apps as JSON and as a table', async () => {
    const json = await cli(['apps', 'list', '--json']);
    expect(json.code).toBe(0);
    const items = JSON.parse(json.stdout) as Array<{ name: string }>;
    expect(items.map((a) => a.name).sort()).toEqual(['billing', 'orders']);

    const table = await cli(['apps', 'list']);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['NAME', 'ID', 'CREATED', 'DESCRIPTION']);
    const cells = rows.map((r) => r.split(/\s{2,}/)).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(cells).toEqual([
      ['billing', expect.stringMatching(/^app_/), expect.stringMatching(/ago$/), '-'],
      ['orders', expect.stringMatching(/^app_/), expect.stringMatching(/ago$/), 'Order intake'],
    ]);
  });

  it('refuses a duplicate name and a viewer with the API detail', async () => {
    const duplicate = await cli(['apps', 'create', 'orders']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/^cameleer: .+ \[HTTP 409\]\n$/);

    const viewer = await cli(['apps', 'create', 'shipping'], { CAMELEER_TOKEN: stack.tenant.tokens.viewer });
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toMatch(/apps:write.* \[HTTP 403\]\n$/);
  });
});
