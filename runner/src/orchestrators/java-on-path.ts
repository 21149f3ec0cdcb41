import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where a `java` is looked for: the variables of the runner's configuration. */
export type JavaSearch = { JAVA_HOME?: string | undefined; PATH?: string | undefined };

/** Whether a `java` is at hand: `$JAVA_HOME/bin/java`, else one on PATH. */
export function hasJava(env: JavaSearch): boolean {
  if (env.JAVA_HOME && existsSync(join(env.JAVA_HOME, 'bin', 'java'))) return true;
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'java')));
}

/** Absolute, since the app's environment (which spawn searches) has no PATH of the runner's. */
export function findJava(env: JavaSearch): string {
  if (env.JAVA_HOME) return join(env.JAVA_HOME, 'bin', 'java');
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'java'))) return join(dir, 'java');
  }
  return 'java';
}
