import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDocker, checkIdentity, checkKubernetes, clockSkew } from './doctor-checks.ts';

describe('doctor checks', () => {
  it('grades clock skew: fine, warn past 30 s, fail past 120 s', () => {
    const edge = new Date('2026-01-01T00:00:00Z');
    const at = (seconds: number) => edge.getTime() + 500 + seconds * 1000;
    expect(clockSkew(edge.toUTCString(), at(2)).status).toBe('ok');
    expect(clockSkew(edge.toUTCString(), at(-45))).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('45 s behind'),
    });
    expect(clockSkew(edge.toUTCString(), at(300))).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('NTP'),
    });
    expect(clockSkew(null, at(0)).status).toBe('warn');
  });

  it('says how to register when there is no identity', () => {
    const result = checkIdentity(mkdtempSync(join(tmpdir(), 'doctor-')));
    expect(result).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('cameleer-runner register'),
    });
  });

  it('warns, not fails, without Docker or Kubernetes; fails on a CAMELEER_KUBECONFIG that does not exist', async () => {
    expect((await checkDocker('/nonexistent/docker.sock')).status).toBe('warn');
    expect(checkKubernetes({}).status).toBe('warn');
    expect(checkKubernetes({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }).status).toBe('ok');
    expect(checkKubernetes({ CAMELEER_KUBECONFIG: '/nonexistent/kubeconfig' }).status).toBe('fail');
    expect(checkKubernetes({ KUBECONFIG: '/home/dev/.kube/config' }).status).toBe('warn');
  });
});
