import { describe, expect, it } from 'vitest';
import { cpuMsOf, rssOf } from './process-usage.ts';

describe('reading /proc for the workerd bench', () => {
  it('takes utime + stime after a command name holding spaces and parentheses', () => {
    const stat = '4047 (work erd) (x) S 4030 4030 4030 0 -1 4194560 1 0 0 0 250 75 0 0 20 0 9 0';
    expect(cpuMsOf(stat)).toBe(3250);
  });

  it('reads VmRSS in bytes', () => {
    expect(rssOf('Name:\tworkerd\nVmRSS:\t  118740 kB\nVmSwap:\t0 kB\n')).toBe(118740 * 1024);
  });
});
