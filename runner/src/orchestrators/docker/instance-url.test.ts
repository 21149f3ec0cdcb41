import { describe, expect, it } from 'vitest';
import { instanceUrl } from './docker-orchestrator.ts';

const info = {
  Name: '/cameleer-acme-dev-orders-1a2b3c4d',
  NetworkSettings: { Ports: { '8080/tcp': [{ HostPort: '49153' }] } },
};

describe('where the runner reaches an instance', () => {
  it('is the published loopback port for a runner on the host', () => {
    expect(instanceUrl(info, undefined)).toBe('http://127.0.0.1:49153');
    expect(instanceUrl({ ...info, NetworkSettings: {} }, undefined)).toBeUndefined();
  });

  it('is the container by name on the app network for a runner in a container (Compose)', () => {
    expect(instanceUrl(info, 'cameleer-runner')).toBe('http://cameleer-acme-dev-orders-1a2b3c4d:8080');
  });
});
