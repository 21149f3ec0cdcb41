import { neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { appRole, type Db } from '../db/client.ts';
import * as schema from '../db/schema/index.ts';
import type { Logger } from '../logger.ts';

export type RequestDatabase = { db: Db; close(): Promise<void> };

/**
 * PostgreSQL through Neon's WebSocket driver. Workers cannot share sockets
 * between requests, so each request gets its own small pool, ended after the
 * response. Every connection acts as the non-owner `cameleer_app` from its
 * first statement on: the role is a startup parameter, as on Node, so a login
 * role that may not assume it fails to connect rather than running as itself.
 */
export function openNeonDatabase(
  opts: { url: string; wsProxy?: string; maxConnections?: number },
  log: Logger,
): RequestDatabase {
  if (opts.wsProxy) {
    // A local relay speaks plain WebSocket to plain TCP: no TLS on either leg.
    const relay = opts.wsProxy;
    neonConfig.wsProxy = (host, port) => `${relay}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 3,
    options: `-c role=${appRole}`,
  });
  pool.on('error', (err: Error) => log.error('idle database connection failed', { error: String(err) }));
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  return { db, close: () => pool.end() };
}
