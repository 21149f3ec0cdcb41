import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';

describe('Backoff', () => {
  it('draws each delay from [0, min(cap, base·2^attempt)) with full jitter', () => {
    const backoff = new Backoff({ baseMs: 500, capMs: 30_000, random: () => 0.999999 });
    const delays = Array.from({ length: 10 }, () => backoff.next());
    expect(delays).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999, 29_999]);
  });

  it('can return zero (full jitter, not equal jitter)', () => {
    const backoff = new Backoff({ baseMs: 500, capMs: 30_000, random: () => 0 });
    for (let i = 0; i < 5; i++) expect(backoff.next()).toBe(0);
  });

  it('stays within bounds with the real random source', () => {
    const backoff = new Backoff({ baseMs: 500, capMs: 30_000 });
    for (let attempt = 0; attempt < 50; attempt++) {
      const ceiling = backoff.ceilingMs();
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceiling);
      expect(ceiling).toBeLessThanOrEqual(30_000);
    }
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({ baseMs: 500, capMs: 30_000, random: () => 0.5 });
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(250);
  });
});
