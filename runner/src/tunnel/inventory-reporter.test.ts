import type { InventoryItem } from '@cameleer/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { InventoryReporter } from './inventory-reporter.ts';

const item = (state: string): InventoryItem => ({ kind: 'app', name: 'acme/dev/orders', state });
let reporters: InventoryReporter[] = [];

afterEach(() => {
  for (const r of reporters) r.stop();
  reporters = [];
});

function reporter(opts: {
  take: () => Promise<InventoryItem[]>;
  intervalMs?: number;
  settleMs?: number;
  connected?: () => boolean;
}) {
  const sent: InventoryItem[][] = [];
  const r = new InventoryReporter({
    take: opts.take,
    send: async (inventory) => {
      if (opts.connected && !opts.connected()) return false;
      sent.push(inventory);
      return true;
    },
    intervalMs: opts.intervalMs ?? 0,
    settleMs: opts.settleMs ?? 20,
    logger: silentLogger,
  });
  r.start();
  reporters.push(r);
  return { r, sent };
}

describe('InventoryReporter', () => {
  it('coalesces a burst of changes into one frame', async () => {
    let takes = 0;
    const { r, sent } = reporter({
      take: async () => {
        takes += 1;
        return [item('running')];
      },
    });
    for (let i = 0; i < 50; i++) r.changed();
    await r.settled();
    expect(sent).toEqual([[item('running')]]);
    expect(takes).toBe(1);
  });

  it('sends once more for changes during a send, never more', async () => {
    let release: () => void = () => {};
    const states = ['starting', 'running'];
    let calls = 0;
    const { r, sent } = reporter({
      take: async () => {
        const state = states[Math.min(calls++, 1)] ?? 'running';
        if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
        return [item(state)];
      },
      settleMs: 1,
    });
    r.changed();
    await new Promise((resolve) => setTimeout(resolve, 30));
    for (let i = 0; i < 10; i++) r.changed();
    release();
    await r.settled();
    // The first take saw a change while it ran: it is taken again before anything is sent.
    expect(sent.map((s) => s[0]?.state)).toEqual(['running', 'running']);
  });

  it('takes the inventory again when a command finished while it was taken', async () => {
    let first = true;
    const reporterRef: { r?: InventoryReporter } = {};
    const { r, sent } = reporter({
      take: async () => {
        if (first) {
          first = false;
          reporterRef.r?.changed();
          return [item('stale')];
        }
        return [item('running')];
      },
    });
    reporterRef.r = r;
    r.changed();
    await r.settled();
    expect(sent.flat().map((i) => i.state)).not.toContain('stale');
    expect(sent.at(-1)).toEqual([item('running')]);
  });

  it('sends nothing when the inventory cannot be taken (engine down), rather than an empty one', async () => {
    const { r, sent } = reporter({
      take: async () => {
        throw new Error('the Docker engine does not answer');
      },
    });
    r.changed();
    await r.settled();
    expect(sent).toEqual([]);
  });

  it('resends periodically, and stops when stopped', async () => {
    const { r, sent } = reporter({ take: async () => [item('running')], intervalMs: 40, settleMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sent.length).toBeGreaterThanOrEqual(2);
    r.stop();
    const count = sent.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent.length).toBe(count);
  });
});
