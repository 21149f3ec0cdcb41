import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { importSigningKey } from '@cameleer/shared';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNodeConfig } from '../../edge/src/config/node.ts';
import { nodeEnvironment } from '../../edge/src/node/secret-files.ts';
import { parseRunnerConfig } from '../../runner/src/config/schema.ts';
import { composeFile, resolvedCompose } from '../compose-file.ts';

const run = promisify(execFile);
const script = new URL('generate-secrets.sh', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'cameleer-compose-init-'));
const secretsDir = join(root, 'secrets');
const edgeDataDir = join(root, 'edge-data');
const uid = String(process.getuid?.() ?? 0);

async function generate(): Promise<string> {
  const { stdout } = await run('sh', [script], {
    env: {
      PATH: process.env.PATH,
      SECRETS_DIR: secretsDir,
      EDGE_DATA_DIR: edgeDataDir,
      // This machine's user for every reader: chown to other users needs root, which CI is and a laptop is not.
      EDGE_UID: uid,
      POSTGRES_UID: uid,
      LOGTO_UID: uid,
      CLICKHOUSE_UID: uid,
      RUNNER_UID: uid,
    },
    timeout: 30_000,
  });
  return stdout;
}

/** Every file under `dir`, path → content. */
function contents(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(
    files.map((e) => {
      const path = join(e.parentPath, e.name);
      return [path, readFileSync(path, 'utf8')];
    }),
  );
}

let first: Record<string, string>;
beforeAll(async () => {
  expect(await generate()).toMatch(/^init: 14 secret\(s\) made, 0 kept/);
  first = { ...contents(secretsDir), ...contents(edgeDataDir) };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the init step (compose/init/generate-secrets.sh), run for real', () => {
  it('writes each secret readable by its owner alone, in folders closed to others', () => {
    expect(Object.keys(first)).toHaveLength(14);
    for (const path of Object.keys(first)) {
      expect((statSync(path).mode & 0o777).toString(8), path).toBe('600');
    }
    for (const dir of ['postgres', 'edge', 'logto', 'clickhouse', 'runner']) {
      expect((statSync(join(secretsDir, dir)).mode & 0o777).toString(8), dir).toBe('700');
    }
    expect((statSync(join(edgeDataDir, 'keys')).mode & 0o777).toString(8)).toBe('700');
  });

  it("makes keys the edge takes, and settings the edge's configuration accepts as files", async () => {
    const keys = join(edgeDataDir, 'keys');
    const jwks = readdirSync(keys).filter((f) => f.endsWith('.jwk'));
    expect(jwks.map((f) => f.replace(/\d{4}-\d{2}-\d{2}/, 'DATE')).sort()).toEqual([
      'command-DATE.jwk',
      'licence-DATE.jwk',
      'session.jwk',
    ]);
    for (const file of jwks) {
      await expect(
        importSigningKey(JSON.parse(readFileSync(join(keys, file), 'utf8')) as JWK),
      ).resolves.toMatchObject({
        kid: expect.any(String),
      });
    }
    const config = parseNodeConfig(
      nodeEnvironment({
        DATABASE_URL_FILE: join(secretsDir, 'edge/database-url'),
        CAMELEER_ADMIN_TOKEN_FILE: join(secretsDir, 'edge/admin-token'),
        CAMELEER_CLICKHOUSE_PASSWORD_FILE: join(secretsDir, 'edge/clickhouse-password'),
        CAMELEER_SECRETS_KEY_FILE: join(keys, 'secrets.key'),
      }),
    );
    const pgPassword = readFileSync(join(secretsDir, 'postgres/cameleer-password'), 'utf8').trim();
    expect(config.DATABASE_URL).toBe(`postgres://cameleer:${pgPassword}@postgres:5432/cameleer`);
    expect(config.CAMELEER_CLICKHOUSE_PASSWORD).toBe(
      readFileSync(join(secretsDir, 'clickhouse/password'), 'utf8').trim(),
    );
    expect(config.CAMELEER_ADMIN_TOKEN).toMatch(/^cmr_admin_[A-Za-z0-9_-]{43}$/);
  });

  it('makes every file the stack reads from the secrets volume', () => {
    const read = new Set(readFileSync(composeFile, 'utf8').match(/\/secrets\/[a-z]+\/[a-z-]+/g));
    expect(read.size).toBeGreaterThan(5);
    for (const path of read)
      expect(first, path).toHaveProperty(join(secretsDir, path.replace('/secrets/', '')));
  });

  it('gives the edge and the runner settings they accept, as compose.yaml passes them', async () => {
    const stack = await resolvedCompose();
    const inHere = (env: Record<string, string | null> = {}) =>
      Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, v?.replace(/^\/secrets\//, `${secretsDir}/`) ?? undefined]),
      );
    const edge = parseNodeConfig(nodeEnvironment(inHere(stack.services.edge?.environment)));
    expect(edge.DATABASE_URL).toMatch(/^postgres:\/\/cameleer:[A-Za-z0-9_-]{43}@postgres:5432\/cameleer$/);
    expect(edge.CAMELEER_CLICKHOUSE_PASSWORD).toBe(first[join(secretsDir, 'clickhouse/password')]?.trim());
    expect(edge.CAMELEER_OIDC_ISSUER).toBeUndefined();
    const runner = parseRunnerConfig(inHere(stack.services.runner?.environment));
    expect(runner).toMatchObject({
      CAMELEER_ORCHESTRATOR: 'docker',
      CAMELEER_TRAEFIK_CONTAINER: 'cameleer-traefik',
    });
  });

  it('makes different secrets each time it starts from nothing', () => {
    const values = Object.entries(first)
      .filter(([path]) => !/(database-url|clickhouse-password)$/.test(path) || path.includes('clickhouse/'))
      .map(([, v]) => v);
    expect(new Set(values).size).toBe(values.length);
  });

  it('keeps every secret when run again, and makes only what went missing', async () => {
    expect(await generate()).toMatch(/^init: 0 secret\(s\) made, 14 kept/);
    expect({ ...contents(secretsDir), ...contents(edgeDataDir) }).toEqual(first);

    const lost = join(secretsDir, 'runner/clickhouse-password');
    unlinkSync(lost);
    expect(await generate()).toMatch(/^init: 1 secret\(s\) made, 13 kept/);
    // Remade from the password ClickHouse has, not a new one.
    expect(readFileSync(lost, 'utf8')).toBe(first[lost]);
  });
});
