import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatTime } from './dates.ts';

describe('dates', () => {
  it('shows local date and time, year first, zero-padded', () => {
    const at = new Date(2026, 0, 5, 7, 8, 9).toISOString();
    expect(formatDate(at)).toBe('2026-01-05');
    expect(formatTime(at)).toBe('07:08:09');
    expect(formatDateTime(at)).toBe('2026-01-05 07:08:09');
  });
});
