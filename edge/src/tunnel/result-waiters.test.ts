import { describe, expect, it } from 'vitest';
import { ResultWaiters } from './result-waiters.ts';

describe('waiting for a command result', () => {
  it('hands a recorded result to every waiter of that command, and to no other', async () => {
    const waiters = new ResultWaiters();
    const a = waiters.wait('cmd_1', { timeoutMs: 5000 });
    const b = waiters.wait('cmd_1', {});
    const other = waiters.wait('cmd_2', { timeoutMs: 50 });
    waiters.settle({ commandId: 'cmd_1', status: 'succeeded', output: { lines: [] } });
    expect(await a).toEqual({ commandId: 'cmd_1', status: 'succeeded', output: { lines: [] } });
    expect(await b).toMatchObject({ status: 'succeeded' });
    expect(await other).toBeUndefined();
    expect(waiters.size).toBe(0);
  });

  it('ends without a result on timeout, on abort, and when the hub stops', async () => {
    const waiters = new ResultWaiters();
    const started = Date.now();
    expect(await waiters.wait('cmd_1', { timeoutMs: 30 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);

    const abort = new AbortController();
    const aborted = waiters.wait('cmd_1', { signal: abort.signal });
    abort.abort();
    expect(await aborted).toBeUndefined();
    expect(await waiters.wait('cmd_1', { signal: abort.signal })).toBeUndefined();

    const cleared = waiters.wait('cmd_1', {});
    waiters.clear();
    expect(await cleared).toBeUndefined();
    expect(waiters.size).toBe(0);
  });
});
