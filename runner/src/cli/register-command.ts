import { registerRunner } from '../registration.ts';

export async function registerCommand(opts: {
  url: string;
  token: string;
  name?: string;
  stateDir: string;
  force?: boolean;
}): Promise<void> {
  const identity = await registerRunner({
    edgeUrl: opts.url,
    token: opts.token,
    name: opts.name,
    stateDir: opts.stateDir,
    force: opts.force,
  });
  const envs = identity.environments.length > 0 ? identity.environments.join(', ') : 'none yet';
  process.stdout.write(
    [
      `✓ Registered runner ${identity.runnerId} (${identity.name}) for tenant ${identity.tenantSlug}.`,
      `  Environments: ${envs}. State: ${opts.stateDir}`,
      `  Start it with: cameleer-runner start --state-dir ${opts.stateDir}`,
      '',
    ].join('\n'),
  );
}
