import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..');
const sources = (dir: string): string[] =>
  readdirSync(join(src, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
const importsOf = (file: string) =>
  [...readFileSync(join(src, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');

describe('the tunnel knows nothing of deployments', () => {
  it('imports neither the deployments module nor reconciliation', () => {
    const crossing = sources('tunnel').flatMap((file) =>
      importsOf(file)
        .filter((spec) => /services\/(deployments|reconcile|runner-events)/.test(spec))
        .map((spec) => `${file} → ${spec}`),
    );
    expect(crossing).toEqual([]);
  });

  it('is told of new commands by the services that store them, never by a route', () => {
    const notifying = sources('routes').filter((file) =>
      /\.notify\(/.test(readFileSync(join(src, file), 'utf8')),
    );
    expect(notifying).toEqual([]);
  });
});
