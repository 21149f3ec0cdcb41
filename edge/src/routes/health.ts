import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { HonoEnv } from '../env.ts';

export const healthRoutes = new Hono<HonoEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/readyz', async (c) => {
    try {
      await c.get('services').db.execute(sql`select 1`);
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ status: 'unavailable', reason: 'database unreachable' }, 503);
    }
  });
