import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReplayEndpoints } from './replay-endpoints.ts';

describe('replay endpoints', () => {
  const dirs: string[] = [];
  const stateDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'replay-endpoints-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('survives a runner restart, kept private on disk', async () => {
    const dir = await stateDir();
    const first = await ReplayEndpoints.open(dir);
    await first.learn('dep_1', '::ffff:127.0.0.1', 41001, 'agent-token-1');
    await first.learn('dep_2', '::1', 41002, 'agent-token-2');

    const restarted = await ReplayEndpoints.open(dir);
    expect(restarted.get('dep_1')).toEqual({ url: 'http://127.0.0.1:41001', agentToken: 'agent-token-1' });
    expect(restarted.get('dep_2')).toEqual({ url: 'http://[::1]:41002', agentToken: 'agent-token-2' });
    const file = join(dir, 'telemetry', 'replay-endpoints.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('forgets deployments that no longer run here, and reads a damaged file as empty', async () => {
    const dir = await stateDir();
    const live = new Set(['dep_1', 'dep_2']);
    const endpoints = await ReplayEndpoints.open(dir, (id) => live.has(id));
    await endpoints.learn('dep_1', '127.0.0.1', 41001, 't1');
    live.delete('dep_1');
    await endpoints.learn('dep_2', '127.0.0.1', 41002, 't2');
    expect(endpoints.get('dep_1')).toBeUndefined();
    const file = join(dir, 'telemetry', 'replay-endpoints.json');
    expect(await readFile(file, 'utf8')).not.toContain('dep_1');

    await writeFile(file, '{"v":1,"deployments":{"dep_3":{"url":"not a url","agentToken":""}}}');
    expect((await ReplayEndpoints.open(dir)).get('dep_3')).toBeUndefined();
    await writeFile(file, 'not json');
    expect((await ReplayEndpoints.open(dir)).get('dep_2')).toBeUndefined();
  });
});
