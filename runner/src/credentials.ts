import { randomUUID } from 'node:crypto';
import { type SigningKey, signProductToken } from '@cameleer/shared';

export type RunnerCredentials = { runnerId: string; tenantId: string; key: SigningKey };

/** A fresh one-minute bearer token for one connection or one poll; the edge refuses a reused `jti`. */
export async function runnerBearer(creds: RunnerCredentials, now = new Date()): Promise<string> {
  const token = await signProductToken(
    'runner',
    { ...creds.key, kid: creds.runnerId },
    { sub: creds.runnerId, tid: creds.tenantId, jti: randomUUID() },
    { now, ttlSeconds: 60 },
  );
  return `Bearer ${token}`;
}

/** `https://edge/base` + `/tunnel` → `wss://edge/base/tunnel`. */
export function edgeEndpoint(edgeUrl: string, path: string, protocol?: 'ws'): string {
  const url = new URL(edgeUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  if (protocol === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
