import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CliError } from './cli-error.ts';

/** What `cameleer login` keeps between runs. */
export const StoredLogin = z.object({
  url: z.string().min(1),
  token: z.string().min(1),
  tenant: z.string().min(1).optional(),
});
export type StoredLogin = z.infer<typeof StoredLogin>;

/** `$CAMELEER_CONFIG`, else `${XDG_CONFIG_HOME:-~/.config}/cameleer/config.json`. */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.CAMELEER_CONFIG) return env.CAMELEER_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'cameleer', 'config.json');
}

export async function readStoredLogin(path: string): Promise<StoredLogin | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`Could not read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not valid JSON: run \`cameleer login\` again`);
  }
  const parsed = StoredLogin.safeParse(json);
  if (!parsed.success) throw new CliError(`${path} is not a Cameleer login: run \`cameleer login\` again`);
  return parsed.data;
}

/** Written to a temporary file and renamed, so a crash never leaves half a token; owner-only. */
export async function writeStoredLogin(path: string, login: StoredLogin): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFile is filtered by the umask; the token must stay owner-only regardless.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
