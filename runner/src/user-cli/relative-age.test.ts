import { describe, expect, it } from 'vitest';
import { relativeAge } from './relative-age.ts';

describe('relativeAge', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  const ago = (ms: number) => relativeAge(new Date(now.getTime() - ms), now);

  it('uses the largest whole unit', () => {
    expect(ago(3_400)).toBe('3s ago');
    expect(ago(59_999)).toBe('59s ago');
    expect(ago(60_000)).toBe('1m ago');
    expect(ago(2 * 3_600_000 + 5)).toBe('2h ago');
    expect(ago(3 * 86_400_000)).toBe('3d ago');
  });

  it('treats a time in the future as now (clock skew)', () => {
    expect(ago(-5_000)).toBe('0s ago');
  });
});
