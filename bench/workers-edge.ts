import { randomBytes } from 'node:crypto';
import { generateSigningKeyJwk } from '@cameleer/shared';
import { bootstrap } from '../edge/src/bootstrap.ts';
import { systemClock } from '../edge/src/clock.ts';
import { openTestDatabase } from '../edge/test/fixtures.ts';
import { databaseUrl, startRelay, startWrangler } from '../edge/test/wrangler-dev.ts';
import { findInGroup } from './process-usage.ts';

export type WorkersEdge = { url: string; adminToken: string; workerdPid: number; stop(): Promise<void> };

/**
 * The edge in workerd as the Workers tests run it: `wrangler dev` on a throw-away PostgreSQL database
 * reached through the Neon driver and a WebSocket-to-TCP relay, with the bench-only bare route on.
 */
export async function startWorkersEdge(appsDomain: string): Promise<WorkersEdge> {
  const adminToken = `cam_${randomBytes(32).toString('base64url')}`;
  const database = await openTestDatabase('postgres');
  const relay = await startRelay();
  const closeRest = async () => {
    await relay.close();
    await database.close();
  };
  try {
    await bootstrap(database.db, systemClock, { adminToken, publicUrl: 'http://console.test' });
    const wrangler = await startWrangler({
      DATABASE_URL: await databaseUrl(database),
      CAMELEER_SESSION_KEY: JSON.stringify(await generateSigningKeyJwk()),
      CAMELEER_COMMAND_KEYS: JSON.stringify(await generateSigningKeyJwk()),
      CAMELEER_PUBLIC_URL: '{url}',
      CAMELEER_APPS_DOMAIN: appsDomain,
      CAMELEER_BENCH_BARE_ROUTE: '1',
      NEON_WS_PROXY: `127.0.0.1:${relay.port}`,
      CAMELEER_ARTIFACT_URL_KEY: randomBytes(32).toString('base64url'),
    });
    const workerdPid = await findInGroup(wrangler.pid, 'workerd').catch(async (err: unknown) => {
      await wrangler.stop();
      throw err;
    });
    return {
      url: wrangler.url,
      adminToken,
      workerdPid,
      stop: async () => {
        await wrangler.stop();
        await closeRest();
      },
    };
  } catch (err) {
    await closeRest();
    throw err;
  }
}
