import { Hono } from 'hono';
import type { HonoEnv } from '../../env.ts';

/**
 * The public keys that verify licences, as a JWKS, every key the edge holds
 * (newest first), so licences signed by an older key keep verifying after a rotation.
 */
export const licenceKeyRoutes = new Hono<HonoEnv>().get('/.well-known/license-keys', (c) => {
  const keys = c.get('services').licenceKeys ?? [];
  c.header('cache-control', 'public, max-age=300');
  return c.json({ keys: keys.map((k) => k.publicJwk) });
});
