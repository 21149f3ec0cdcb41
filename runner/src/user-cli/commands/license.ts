import type { Command } from 'commander';
import { z } from 'zod';
import { openApi } from '../api-client.ts';
import { type CliContext, printJson } from '../cli-context.ts';

const Licence = z.looseObject({
  id: z.string(),
  token: z.string(),
  claims: z.record(z.string(), z.unknown()),
  kid: z.string(),
  state: z.string(),
  revoked: z.boolean(),
  issuedAt: z.string(),
  expiresAt: z.string(),
  graceEndsAt: z.string(),
  tier: z.looseObject({
    name: z.string(),
    environments: z.array(z.string()),
    limits: z.record(z.string(), z.number()),
    features: z.array(z.string()),
  }),
});

export function registerLicenseCommands(program: Command, ctx: CliContext): void {
  const license = program.command('license').description("show the tenant's licence, tier and limits");
  license
    .command('show')
    .description(
      "print the tenant's licence token and its claims (save the token as a file for air-gapped runners)",
    )
    .option('--json', 'print the licence, its claims and state as JSON')
    .action((opts: { json?: boolean }) => showLicence(ctx, opts));
}

async function showLicence(ctx: CliContext, opts: { json?: boolean }) {
  const api = await openApi(ctx);
  const licence = await api.get(api.tenantPath('/licence'), Licence);
  if (opts.json) return printJson(ctx, licence);
  const { tier } = licence;
  const limits = Object.entries(tier.limits)
    .map(([name, value]) => `  ${name}: ${value}`)
    .join('\n');
  ctx.write(
    `Licence ${licence.id}: ${licence.state}${licence.revoked ? ' (revoked)' : ''}\n` +
      `Tier ${tier.name}: environments ${tier.environments.join(', ')}\n` +
      `Limits:\n${limits}\n` +
      `Features: ${tier.features.join(', ')}\n` +
      `Issued ${licence.issuedAt}, expires ${licence.expiresAt}, grace until ${licence.graceEndsAt}\n` +
      `Signed by key ${licence.kid}\n\n` +
      `Claims:\n${JSON.stringify(licence.claims, null, 2)}\n\n` +
      `Token (verify offline with \`cameleer-runner license verify FILE\`):\n${licence.token}\n`,
  );
}
