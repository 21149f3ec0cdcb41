import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNodeConfig } from '../config/node.ts';
import { nodeEnvironment } from './secret-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'cameleer-secret-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

describe('settings given as files (NAME_FILE)', () => {
  it('reads a secret from its file, without the trailing newline', () => {
    const config = parseNodeConfig(
      nodeEnvironment({
        DATABASE_URL_FILE: secretFile('database-url', 'postgres://cameleer:pw@postgres/cameleer\n'),
        CAMELEER_ADMIN_TOKEN_FILE: secretFile('admin-token', 'a-long-enough-admin-token'),
      }),
    );
    expect(config.DATABASE_URL).toBe('postgres://cameleer:pw@postgres/cameleer');
    expect(config.CAMELEER_ADMIN_TOKEN).toBe('a-long-enough-admin-token');
  });

  it('lets the variable itself win over its file', () => {
    const config = parseNodeConfig(
      nodeEnvironment({
        DATABASE_URL: 'postgres://direct@db/cameleer',
        DATABASE_URL_FILE: secretFile('ignored', 'postgres://file@db/cameleer'),
      }),
    );
    expect(config.DATABASE_URL).toBe('postgres://direct@db/cameleer');
  });

  it('names the variable, never a value, when the file cannot be read', () => {
    expect(() =>
      parseNodeConfig(nodeEnvironment({ CAMELEER_SECRETS_KEY_FILE: join(dir, 'missing') })),
    ).toThrow(/CAMELEER_SECRETS_KEY_FILE: cannot read .*missing \(ENOENT\)/);
  });

  it('validates the content like the variable: a bad key says what was expected', () => {
    expect(() =>
      parseNodeConfig(nodeEnvironment({ CAMELEER_SESSION_KEY_FILE: secretFile('bad-key', 'not json') })),
    ).toThrow(/CAMELEER_SESSION_KEY: must be JSON/);
  });
});
