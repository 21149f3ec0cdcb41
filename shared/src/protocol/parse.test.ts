import { describe, expect, it } from 'vitest';
import { parseRunnerFrame } from './parse.ts';

const item = {
  kind: 'app',
  name: 'acme/prod/orders',
  state: 'running',
  labels: { deploymentId: 'dep_1', version: 'v1', url: 'http://127.0.0.1:1234' },
};

describe('runner frames', () => {
  it('parses an inventory frame', () => {
    const parsed = parseRunnerFrame(JSON.stringify({ v: 1, id: 'f1', type: 'inventory', inventory: [item] }));
    expect(parsed).toEqual({ ok: true, frame: { v: 1, id: 'f1', type: 'inventory', inventory: [item] } });
  });

  it('parses an empty inventory: the runner runs nothing', () => {
    const parsed = parseRunnerFrame(JSON.stringify({ v: 1, id: 'f1', type: 'inventory', inventory: [] }));
    expect(parsed.ok).toBe(true);
  });

  it('refuses an inventory frame without its items or with unknown fields', () => {
    const missing = parseRunnerFrame(JSON.stringify({ v: 1, id: 'f1', type: 'inventory' }));
    expect(missing).toMatchObject({ ok: false, error: { code: 'invalid-frame' } });
    const extra = parseRunnerFrame(
      JSON.stringify({ v: 1, id: 'f1', type: 'inventory', inventory: [], partial: true }),
    );
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-frame' } });
  });

  it('refuses inventory items that are not items', () => {
    const parsed = parseRunnerFrame(
      JSON.stringify({ v: 1, id: 'f1', type: 'inventory', inventory: [{ ...item, state: 7 }] }),
    );
    expect(parsed).toMatchObject({ ok: false, error: { code: 'invalid-frame' } });
  });

  it('takes a hello that says its inventory could not be taken', () => {
    const hello = {
      v: 1,
      id: 'f1',
      type: 'hello',
      runnerVersion: '0.1.0',
      capabilities: ['docker'],
      transport: 'websocket',
      inventory: [],
      inventoryError: 'the Docker engine does not answer',
    };
    expect(parseRunnerFrame(JSON.stringify(hello))).toEqual({ ok: true, frame: hello });
    const { inventoryError: _, ...plain } = hello;
    expect(parseRunnerFrame(JSON.stringify(plain))).toEqual({ ok: true, frame: plain });
  });
});
