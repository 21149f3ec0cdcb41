import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCompressed, writeCompressed } from './console-compressed.ts';

describe('the console compressed at build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cameleer-console-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const body = Buffer.from('console.log("the console");'.repeat(50));

  it('reads what the build wrote, and compresses a file the build did not', () => {
    writeCompressed(dir, '/assets/app.js', body);
    // What is on disk is served, even when it no longer matches the body: the build owns it.
    writeFileSync(join(dir, '.compressed', 'assets', 'app.js.gz'), Buffer.from('written at build'));
    expect(readCompressed(dir, '/assets/app.js', body, 'gzip').toString()).toBe('written at build');
    expect(brotliDecompressSync(readCompressed(dir, '/assets/app.js', body, 'br'))).toEqual(body);
    expect(gunzipSync(readCompressed(dir, '/index.html', body, 'gzip'))).toEqual(body);
  });
});
