import { Command } from 'commander';
import { runnerVersion } from '../version.ts';
import type { CliContext } from './cli-context.ts';
import { registerAppsCommands } from './commands/apps.ts';
import { registerBillingCommands } from './commands/billing.ts';
import { registerConfigCommands } from './commands/config.ts';
import { registerDeployCommands } from './commands/deploy.ts';
import { registerFailedExchangeCommands } from './commands/failed-exchanges.ts';
import { registerLicenseCommands } from './commands/license.ts';
import { registerLifecycleCommands } from './commands/lifecycle.ts';
import { registerLoginCommand } from './commands/login.ts';
import { registerRunnersCommands } from './commands/runners.ts';
import { registerTenantsCommands } from './commands/tenants.ts';
import { registerTopologyCommand } from './commands/topology.ts';
import { registerTracesCommands } from './commands/traces.ts';

/** The `cameleer` command tree; main parses process.argv with it. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command()
    .name('cameleer')
    .description('Work with a Cameleer edge from a terminal or CI: log in, manage runners, deploy apps.')
    .version(runnerVersion)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nEnvironment: CAMELEER_URL, CAMELEER_TOKEN and CAMELEER_TENANT override the stored login;\n' +
        'CAMELEER_CONFIG sets where the login is stored.',
    );
  registerLoginCommand(program, ctx);
  registerRunnersCommands(program, ctx);
  registerAppsCommands(program, ctx);
  registerConfigCommands(program, ctx);
  registerDeployCommands(program, ctx);
  registerLifecycleCommands(program, ctx);
  registerLicenseCommands(program, ctx);
  registerBillingCommands(program, ctx);
  registerTenantsCommands(program, ctx);
  registerTracesCommands(program, ctx);
  registerFailedExchangeCommands(program, ctx);
  registerTopologyCommand(program, ctx);
  return program;
}
