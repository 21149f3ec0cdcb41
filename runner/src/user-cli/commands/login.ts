import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';
import { type Me, Me as MeSchema, type Tenant, TenantList } from '../api-schemas.ts';
import { chooseTenant } from '../choose-tenant.ts';
import type { CliContext } from '../cli-context.ts';
import { configPath, writeStoredLogin } from '../config-file.ts';
import { normalizeUrl } from '../session.ts';

type LoginOptions = { url: string; token: string; tenant?: string };

export function registerLoginCommand(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('check an API token against the edge and remember it (and the tenant) for later commands')
    .requiredOption('--url <url>', "the edge's URL, e.g. https://cameleer.example.com")
    .requiredOption('--token <token>', 'an API token created in the console')
    .option('--tenant <slug>', 'the tenant to work in (default: the only one the token belongs to)')
    .addHelpText(
      'after',
      '\nThe login is stored in $CAMELEER_CONFIG or ~/.config/cameleer/config.json (owner-only).\n' +
        'In CI, set CAMELEER_URL, CAMELEER_TOKEN and CAMELEER_TENANT instead: they override the file.',
    )
    .action((opts: LoginOptions) => login(ctx, opts));
}

async function login(ctx: CliContext, opts: LoginOptions): Promise<void> {
  const url = normalizeUrl(opts.url);
  const api = new ApiClient({ url, token: opts.token, tenant: undefined }, ctx.fetch);
  const me = await api.get('/api/me', MeSchema);
  const { items: tenants } = await api.get('/api/tenants', TenantList);
  const tenant = chooseTenant(me, tenants, opts.tenant);
  const path = configPath(ctx.env);
  await writeStoredLogin(path, { url, token: opts.token, tenant: tenant.slug });
  ctx.write(
    `Logged in to ${url} as ${me.actor.name} (${me.actor.type}), tenant ${tenant.slug} (${roleIn(me, tenant)}).\n`,
  );
  ctx.write(`Saved to ${path}\n`);
}

function roleIn(me: Me, tenant: Tenant): string {
  const membership = me.memberships.find((m) => m.tenantId === tenant.id);
  if (membership) return membership.role;
  return me.platformAdmin ? 'platform administrator' : 'no role';
}
