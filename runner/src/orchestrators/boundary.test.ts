import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { orchestratorBoundaryViolations } from '../../test/orchestrator-boundary.ts';
import { orchestratorRegistry } from './registry.ts';

const srcDir = fileURLToPath(new URL('..', import.meta.url));

describe('the orchestrator boundary', () => {
  it('keeps code outside orchestrators/ from asking which orchestrator it has', () => {
    const kinds = orchestratorRegistry.map((entry) => entry.kind);
    expect(orchestratorBoundaryViolations(srcDir, kinds)).toEqual([]);
  });
});
