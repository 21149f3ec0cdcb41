import type { Command } from 'commander';
import { z } from 'zod';
import { openApi } from '../api-client.ts';
import { type CliContext, printJson } from '../cli-context.ts';
import { CliError } from '../cli-error.ts';

const Tenant = z.looseObject({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  tier: z.string(),
  oidcOrganizationId: z.string().nullable(),
});
type Tenant = z.infer<typeof Tenant>;

type TenantOpts = { tenant?: string };
const tenantOption = [
  '--tenant <slug>',
  'the tenant (default: the one logged in to, or CAMELEER_TENANT)',
] as const;

/** `cameleer tenants`: the tenant itself, and the identity-provider organization mapped onto it. */
export function registerTenantsCommands(program: Command, ctx: CliContext): void {
  const tenants = program.command('tenants').description('the tenant and its identity-provider organization');
  tenants
    .command('show')
    .description('print the tenant: slug, id, name, tier and the OIDC organization mapped onto it')
    .option(...tenantOption)
    .option('--json', 'print it as JSON')
    .action(async (opts: TenantOpts & { json?: boolean }) => {
      const api = await openApi(ctx);
      const tenant = await api.get(api.tenantPath('', opts.tenant), Tenant);
      if (opts.json) return printJson(ctx, tenant);
      ctx.write(describe(tenant));
    });
  tenants
    .command('set-oidc-org')
    .description(
      "map an OIDC organization onto the tenant: the IdP's access tokens whose organization claim names it " +
        'act in this tenant (needs tenant:update)',
    )
    .argument('[organization-id]', "the organization's id at the identity provider (Logto: organization_id)")
    .option('--clear', 'unmap the organization the tenant has')
    .option(...tenantOption)
    .action(async (organization: string | undefined, opts: TenantOpts & { clear?: boolean }) => {
      if (organization && opts.clear) throw new CliError('Give an organization id or --clear, not both');
      if (!organization && !opts.clear)
        throw new CliError('Give the organization id to map, or --clear to unmap it');
      const api = await openApi(ctx);
      const tenant = await api.patch(
        api.tenantPath('', opts.tenant),
        { oidcOrganizationId: organization ?? null },
        Tenant,
      );
      ctx.write(
        tenant.oidcOrganizationId
          ? `Tenant ${tenant.slug} now maps the OIDC organization ${tenant.oidcOrganizationId}\n`
          : `Tenant ${tenant.slug} maps no OIDC organization now\n`,
      );
    });
}

function describe(tenant: Tenant): string {
  const organization = tenant.oidcOrganizationId ?? 'none (only the member list grants roles)';
  return (
    `Tenant ${tenant.slug} (${tenant.id})\nName: ${tenant.name}\nTier: ${tenant.tier}\n` +
    `OIDC organization: ${organization}\n`
  );
}
