import { resolve } from 'node:path';
import { runnerConfigSchema } from '../config/schema.ts';
import { hasIdentity } from './identity.ts';
import { defaultStateDir } from './state-dir.ts';

/** Which state directory a command uses, and why: printed, so nobody reads the wrong runner unaware. */
export type StateDirChoice = {
  dir: string;
  from: 'option' | 'env' | 'default' | 'npm start';
  /** Where the lookup looked, when it found no runner: for the error message. */
  searched: string[];
};

const because: Record<StateDirChoice['from'], string> = {
  option: '--state-dir',
  env: 'CAMELEER_STATE_DIR',
  default: 'the default',
  'npm start': 'the local runner of `npm start`',
};

/** `/abs/dir (why)`, as status and doctor print it. */
export function describeStateDir(choice: StateDirChoice): string {
  return `${choice.dir} (${because[choice.from]})`;
}

/**
 * Where `npm start` keeps its local runner's state: `<CAMELEER_DATA_DIR>/runner`, `./.cameleer/runner`
 * by default (see edge/src/node/local-runner.ts).
 */
export function npmStartStateDir(env: NodeJS.ProcessEnv): string {
  return resolve(
    runnerConfigSchema.shape.CAMELEER_DATA_DIR.parse(env.CAMELEER_DATA_DIR) ?? './.cameleer',
    'runner',
  );
}

/**
 * The state directory of a command: `--state-dir`, else CAMELEER_STATE_DIR, else the default.
 * Commands that read a runner (`lookForNpmStart`: status, logs, doctor) take the local runner of
 * `npm start` instead when the default holds none and `./.cameleer/runner` does; `register` and
 * `start` never do, lest they take over or replace that runner.
 */
export function chooseStateDir(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
  opts: { lookForNpmStart: boolean },
): StateDirChoice {
  if (option?.trim()) return { dir: resolve(option), from: 'option', searched: [] };
  // Only the state dir is read here: a command that merely reads a runner must not fail on its other settings.
  const fromEnv = runnerConfigSchema.shape.CAMELEER_STATE_DIR.parse(env.CAMELEER_STATE_DIR)?.trim();
  if (fromEnv) return { dir: resolve(fromEnv), from: 'env', searched: [] };
  const dir = resolve(defaultStateDir);
  if (!opts.lookForNpmStart || hasIdentity(dir)) return { dir, from: 'default', searched: [] };
  const npmStart = npmStartStateDir(env);
  if (hasIdentity(npmStart)) return { dir: npmStart, from: 'npm start', searched: [] };
  return { dir, from: 'default', searched: [dir, npmStart] };
}
