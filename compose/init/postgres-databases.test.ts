import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../edge/src/node/database.ts';

/**
 * The postgres image's first-start script, run for real against a throw-away cluster of the
 * machine's PostgreSQL (the image cannot be pulled here), then the edge migrating and running
 * with the login it made: what `postgres` and `edge` do on a stack's first `up`.
 */
const run = promisify(execFile);
const here = new URL('.', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'cameleer-compose-pg-'));
const data = join(root, 'data');
const secrets = join(root, 'secrets');
const bin = join('/usr/lib/postgresql', newestPostgres(), 'bin');
let port = 0;

function newestPostgres(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return versions.at(-1) ?? '15';
}

/** As the postgres user, as the server refuses to run as root. */
function asPostgres(command: string, args: string[]) {
  const [runner, ...prefix] =
    process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : ['sudo', '-u', 'postgres'];
  return run(runner ?? 'runuser', [...prefix, command, ...args], { timeout: 60_000 });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

const secret = (path: string) => readFileSync(join(secrets, path), 'utf8').trim();
const tcpUrl = (url: string) => url.replace('@postgres:5432/', `@127.0.0.1:${port}/`);

beforeAll(async () => {
  mkdirSync(data);
  const { stdout } = await run('id', ['-u', 'postgres']);
  const postgresUid = stdout.trim();
  chownSync(root, Number(postgresUid), -1);
  chownSync(data, Number(postgresUid), -1);
  await run('sh', [join(here, 'generate-secrets.sh')], {
    env: {
      PATH: process.env.PATH,
      SECRETS_DIR: secrets,
      EDGE_DATA_DIR: join(root, 'edge-data'),
      POSTGRES_UID: postgresUid,
    },
  });
  port = await freePort();
  // Passwords count over TCP, as between the stack's containers.
  await asPostgres(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--no-sync',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
  ]);
  await asPostgres(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-w',
    '-l',
    join(root, 'server.log'),
    '-o',
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  await run('sh', [join(here, 'postgres-databases.sh')], {
    env: {
      PATH: process.env.PATH,
      PGHOST: root,
      PGPORT: String(port),
      CAMELEER_SECRETS_DIR: join(secrets, 'postgres'),
    },
  });
}, 120_000);

afterAll(async () => {
  await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

describe("the stack's databases (compose/init/postgres-databases.sh), on a throw-away PostgreSQL", () => {
  it('lets the edge migrate as cameleer and then run as cameleer_app, no superuser', async () => {
    const database = await openPostgres(tcpUrl(secret('edge/database-url')));
    try {
      // node-postgres answers with a result whose rows the shared Db type does not spell out.
      const result = (await database.db.execute(sql`select current_user`)) as unknown as pg.QueryResult;
      expect(result.rows[0]).toEqual({ current_user: 'cameleer_app' });
    } finally {
      await database.close();
    }
  });

  it("gives Logto its own database with the password from the secrets, and no one else's", async () => {
    const logto = new pg.Client({ connectionString: tcpUrl(secret('logto/database-url')) });
    await logto.connect();
    try {
      const { rows } = await logto.query<{ owner: string; createrole: boolean; superuser: boolean }>(
        `select pg_get_userbyid(datdba) as owner, r.rolcreaterole as createrole, r.rolsuper as superuser
           from pg_database, pg_roles r where datname = current_database() and r.rolname = current_user`,
      );
      expect(rows[0]).toEqual({ owner: 'logto', createrole: true, superuser: false });
    } finally {
      await logto.end();
    }
    const wrong = new pg.Client({
      connectionString: tcpUrl(secret('logto/database-url')).replace(/\/logto$/, '/cameleer'),
    });
    await expect(wrong.connect()).rejects.toThrow(/permission denied for database "cameleer"/);
    await wrong.end().catch(() => undefined);
  });
});
