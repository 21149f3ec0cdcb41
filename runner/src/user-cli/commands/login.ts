import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';
import { type Me, Me as MeSchema, type Tenant, TenantList } from '../api-schemas.ts';
import type { CliContext } from '../cli-context.ts';
import { CliError } from '../cli-error.ts';
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

function chooseTenant(me: Me, tenants: Tenant[], wanted: string | undefined): Tenant {
  if (wanted) {
    const found = tenants.find((t) => t.slug === wanted);
    if (!found) {
      const known = tenants.map((t) => t.slug).join(', ') || 'none';
      throw new CliError(`This token has no access to tenant "${wanted}" (its tenants: ${known})`);
    }
    return found;
  }
  const only = me.memberships.length === 1 ? me.memberships[0] : undefined;
  const tenant = only && tenants.find((t) => t.id === only.tenantId);
  if (tenant) return tenant;
  if (me.memberships.length === 0) {
    throw new CliError('This token is a member of no tenant: pass --tenant SLUG');
  }
  const slugs = me.memberships.map((m) => tenants.find((t) => t.id === m.tenantId)?.slug ?? m.tenantId);
  throw new CliError(`This token is a member of several tenants (${slugs.join(', ')}): pass --tenant SLUG`);
}

function roleIn(me: Me, tenant: Tenant): string {
  const membership = me.memberships.find((m) => m.tenantId === tenant.id);
  if (membership) return membership.role;
  return me.platformAdmin ? 'platform administrator' : 'no role';
}
