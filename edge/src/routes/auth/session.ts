import { signProductToken } from '@cameleer/shared';
import { type Context, Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { sha256Hex } from '../../auth/hash.ts';
import { consumeLoginTicket } from '../../db/queries/login-tickets.ts';
import type { HonoEnv } from '../../env.ts';
import { Unauthenticated } from '../../errors.ts';
import { sessionCookie } from '../../middleware/authenticate.ts';
import { appsDomainOf } from './host-tenant.ts';

/** The local identity: a one-time link becomes an HttpOnly cookie holding an Ed25519-signed session token. */
export const sessionRoutes = new Hono<HonoEnv>()
  .get('/auth/login', async (c) => {
    const { db, clock, sessionKeys, settings } = c.get('services');
    const ticket = c.req.query('ticket') ?? '';
    const used =
      ticket.length > 20 && ticket.length < 200
        ? await consumeLoginTicket(db, await sha256Hex(ticket), clock.now())
        : undefined;
    const key = sessionKeys[0];
    if (!used || !key)
      throw new Unauthenticated(
        'This sign-in link is unknown, used or expired; restart the server for a new one',
      );
    const token = await signProductToken(
      'session',
      key,
      { sub: used.userId },
      { now: clock.now(), ttlSeconds: settings.sessionTtlSeconds },
    );
    setCookie(c, sessionCookie, token, {
      httpOnly: true,
      secure: settings.publicUrl.startsWith('https:'),
      sameSite: 'Lax',
      path: '/',
      maxAge: settings.sessionTtlSeconds,
    });
    return c.redirect(safeRedirect(c.req.query('rd'), settings), 302);
  })
  .post('/auth/logout', (c) => {
    deleteCookie(c, sessionCookie, { path: '/' });
    return c.body(null, 204);
  })
  // Where the console sends a signed-in person back to the app ForwardAuth stopped them at: only our own hosts.
  .get('/auth/return', (c) => c.redirect(safeRedirect(c.req.query('rd'), c.get('services').settings), 302));

/** `/login` of an edge serving no console (not built, or the API alone): how to sign in, in words. */
export function signInHelpPage(c: Context<HonoEnv>): Response {
  return c.html(
    '<!doctype html><title>Sign in · Cameleer</title><main style="font-family:system-ui;max-width:36rem;margin:4rem auto">' +
      '<h1>Sign in to Cameleer</h1><p>Open the one-time sign-in link that <code>npm start</code> printed in its ' +
      'console. A new link is printed at every start.</p></main>',
  );
}

/** Only same-site paths or hosts under our own domains; anything else goes to the console root. */
export function safeRedirect(
  rd: string | undefined,
  settings: { publicUrl: string; appsDomain?: string },
): string {
  if (!rd) return '/';
  if (rd.startsWith('/') && !rd.startsWith('//')) return rd;
  try {
    const url = new URL(rd);
    const own = new URL(settings.publicUrl).hostname;
    if (url.hostname === own || url.hostname.endsWith(`.${appsDomainOf(settings)}`)) return url.toString();
  } catch {}
  return '/';
}
