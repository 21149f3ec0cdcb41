import { describe, expect, it } from 'vitest';
import { journalDurability } from './replay-safe-kinds.ts';

describe('journal durability per command kind', () => {
  it('lets only reads skip the fsync', () => {
    for (const kind of ['noop', 'status', 'list', 'logs'] as const)
      expect(journalDurability(kind)).toBe('buffered');
  });

  it('keeps the fsynced journal for every kind with an effect', () => {
    for (const kind of ['build', 'deploy', 'stop', 'restart', 'remove', 'echo'] as const)
      expect(journalDurability(kind)).toBe('durable');
  });
});
