import { describe, expect, it } from 'vitest';
import { benchConsoleFirstLoad, consoleReport, firstLoadBudgetKiB } from './console.ts';

describe('console bench', () => {
  it('measures the first load of each page from the build manifest, within the JavaScript budget', async () => {
    const loads = await benchConsoleFirstLoad({ rebuild: false });
    expect(loads.map((l) => l.page)).toEqual(['overview', 'app']);
    for (const load of loads) {
      expect(load.files).toBeGreaterThan(1);
      expect(load.gzipKiB).toBeLessThanOrEqual(firstLoadBudgetKiB);
    }
    expect(consoleReport(loads)).toMatch(/overview +first load \d+\.\d KiB/);
  }, 60_000);
});
