import { readFileSync } from 'node:fs';
import { nodeConfigNames } from '../config/node.ts';

/**
 * Docker and Kubernetes hand secrets over as files: `NAME_FILE=/path` gives NAME the file's content
 * (one trailing newline dropped) when NAME itself is unset, as the official database images do. A
 * file that cannot be read stops the start with the variable's name, never a value.
 */
export function withSecretFiles(
  env: Record<string, string | undefined>,
  names: Iterable<string>,
): Record<string, string | undefined> {
  const resolved = { ...env };
  for (const name of names) {
    const path = env[`${name}_FILE`]?.trim();
    if (!path || env[name]?.trim()) continue;
    try {
      resolved[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new Error(`invalid configuration:\n  ${name}_FILE: cannot read ${path} (${code})`);
    }
  }
  return resolved;
}

/** The environment with each edge variable given as `NAME_FILE` read in: what the Node entry points parse. */
export function nodeEnvironment(
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  return withSecretFiles(env, nodeConfigNames);
}
