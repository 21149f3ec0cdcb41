import { registerRunner } from './registration.ts';
import { Runner, type RunnerOptions } from './runner.ts';
import { hasIdentity, readIdentity } from './state/identity.ts';

export type EmbeddedRunnerOptions = Omit<RunnerOptions, 'stateDir'> & {
  edgeUrl: string;
  stateDir: string;
  name?: string;
  /** Called only when the state directory holds no identity for `edgeUrl` yet: a fresh `cmr_reg_…` token. */
  registrationToken(): Promise<string>;
};

/**
 * Registers (once) and starts a runner in this process: what the edge's `npm start` uses for its
 * local runner over loopback. Resolves once the runner has started, not once it is connected.
 */
export async function startEmbeddedRunner(opts: EmbeddedRunnerOptions): Promise<Runner> {
  const { edgeUrl, stateDir, name, registrationToken, ...runnerOptions } = opts;
  const registered =
    hasIdentity(stateDir) &&
    readIdentity(stateDir).edgeUrl === new URL(edgeUrl).toString().replace(/\/+$/, '');
  if (!registered) {
    await registerRunner({
      edgeUrl,
      stateDir,
      name,
      token: await registrationToken(),
      force: true,
      fetch: runnerOptions.fetch,
    });
  }
  const runner = new Runner({ stateDir, deployments: true, ...runnerOptions });
  await runner.start();
  return runner;
}
