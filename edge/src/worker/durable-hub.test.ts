import { describe, expect, it } from 'vitest';
import type { Db } from '../db/client.ts';
import { DurableHub, type HubNamespace } from './durable-hub.ts';

const heartbeatMs = 15_000;
const now = Date.parse('2026-12-07T10:00:00Z');
const unused = {} as HubNamespace;
const hub = new DurableHub(
  unused,
  {} as Db,
  () => {},
  heartbeatMs,
  () => now,
);
const ago = (ms: number) => new Date(now - ms);

describe("a runner's connection as the stateless worker judges it from the runner's row", () => {
  it('is live while the object has recorded it within two heartbeat intervals and one more', () => {
    const connectedAt = ago(600_000);
    expect(hub.connection('r1', { lastSeenAt: ago(44_000), connectedAt, transport: 'websocket' })).toEqual({
      transport: 'websocket',
      since: connectedAt,
    });
    expect(
      hub.connection('r1', { lastSeenAt: ago(1_000), connectedAt: null, transport: 'long-poll' }),
    ).toMatchObject({ transport: 'long-poll' });
  });

  it('is gone once the object stopped recording it, and unknown without a row', () => {
    expect(
      hub.connection('r1', { lastSeenAt: ago(46_000), connectedAt: ago(60_000), transport: 'websocket' }),
    ).toBeUndefined();
    expect(hub.connection('r1', { lastSeenAt: null, connectedAt: null, transport: null })).toBeUndefined();
    expect(hub.connection('r1')).toBeUndefined();
  });
});
