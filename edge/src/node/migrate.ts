import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { z } from 'zod';
import { migrationsFolder } from './database.ts';

/**
 * Applies the committed migrations to a PostgreSQL server, as the schema owner.
 * The Workers edge never migrates; run this before deploying it:
 *   DATABASE_URL=postgres://owner:…@host/db npx tsx edge/src/node/migrate.ts
 */
const MigrateConfig = z.object({
  /** The schema owner's connection URL (not the app's login). */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
});

async function main() {
  const parsed = MigrateConfig.safeParse(process.env);
  if (!parsed.success) throw new Error(`DATABASE_URL: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const pool = new pg.Pool({ connectionString: parsed.data.DATABASE_URL, max: 1 });
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder });
    process.stdout.write(`migrations applied from ${migrationsFolder}\n`);
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`migrate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
