import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientTypesPath, generateClientTypes } from './api-client.ts';

describe('the console API client', () => {
  it('is generated from the current OpenAPI document (run npx tsx scripts/api-client.ts when this fails)', async () => {
    expect(readFileSync(clientTypesPath, 'utf8')).toBe(await generateClientTypes());
  }, 60_000);
});
