import { describe, expect, it } from 'vitest';
import { commandContracts, parseCommandPayload, parseCommandResult } from './commands.ts';
import { CommandKind } from './frames.ts';

const ref = { tenant: 'acme', environment: 'dev', app: 'orders' };
const deploy = {
  deploymentId: 'dep_1',
  ref,
  version: { id: 'ver_1', label: 'v1', sha256: 'a'.repeat(64), artifactUrl: 'https://edge.example/a' },
  env: { APP_VERSION: 'v1' },
  resources: { memoryMb: 512, cpus: 1, pids: 256 },
  writeableVolumes: ['/data'],
  healthCheck: { httpPath: '/health', timeoutSeconds: 90 },
  private: false,
};
const instance = { ref, deploymentId: 'dep_1', version: 'ver_1', state: 'running', id: 'c1' };

describe('the command contracts', () => {
  it('has a payload and a result schema for every command kind', () => {
    expect(Object.keys(commandContracts).sort()).toEqual([...CommandKind.options].sort());
  });

  it('takes a deploy as the edge stores it and as it signs it', () => {
    expect(parseCommandPayload('deploy', { ...deploy, sealedEnv: 'v1.x.y', retentionDays: 7 }).ok).toBe(true);
    const telemetry = { bootstrapToken: 'b', agentToken: 'a', tenantId: 'ten_1', retentionDays: 7 };
    expect(parseCommandPayload('deploy', { ...deploy, telemetry }).ok).toBe(true);
  });

  it('names every field of a payload that is wrong', () => {
    const bad = parseCommandPayload('deploy', { ...deploy, version: { ...deploy.version, sha256: 'x' } });
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/^version\.sha256: /) });
    expect(parseCommandPayload('stop', { ref: { ...ref, app: '../etc' } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ref\.app: must be a slug/),
    });
    expect(parseCommandPayload('logs', {})).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^ref: /),
    });
  });

  it('fills in what a payload may leave out, for the receiver', () => {
    expect(parseCommandPayload('logs', { ref })).toEqual({
      ok: true,
      data: { ref, tail: 100, follow: false, seconds: 300 },
    });
  });

  it('parses the results runners answer, and refuses what is not one', () => {
    expect(
      parseCommandResult('deploy', { state: 'RUNNING', instance: { ...instance, url: 'http://a' } }),
    ).toMatchObject({
      ok: true,
      data: { instance: { url: 'http://a' } },
    });
    expect(parseCommandResult('deploy', {})).toMatchObject({
      ok: false,
      error: expect.stringMatching(/instance/),
    });
    expect(parseCommandResult('stop', { state: 'STOPPED', instance: null }).ok).toBe(true);
    expect(parseCommandResult('remove', { state: 'REMOVED' }).ok).toBe(true);
    expect(parseCommandResult('logs', { lines: ['a', 'b'] }).ok).toBe(true);
    expect(parseCommandResult('logs', { lines: 'a' }).ok).toBe(false);
    expect(
      parseCommandResult('list', { items: [{ kind: 'app', name: 'acme/dev/orders', state: 'running' }] }).ok,
    ).toBe(true);
  });

  it("answers a status of the runner itself or of an app's instance", () => {
    const runner = {
      runnerId: 'run_1',
      version: '1',
      capabilities: ['docker'],
      uptimeSeconds: 3,
      transport: null,
    };
    expect(parseCommandResult('status', runner).ok).toBe(true);
    expect(parseCommandResult('status', { instance }).ok).toBe(true);
    expect(parseCommandResult('status', { instance: null }).ok).toBe(true);
    expect(parseCommandResult('status', { nothing: true }).ok).toBe(false);
  });

  it('keeps fields a newer runner adds to a result', () => {
    const parsed = parseCommandResult('remove', { state: 'REMOVED', volumes: 2 });
    expect(parsed).toEqual({ ok: true, data: { state: 'REMOVED', volumes: 2 } });
  });
});
