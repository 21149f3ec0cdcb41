import { CliError } from './cli-error.ts';
import { configPath, readStoredLogin } from './config-file.ts';

/** Where and as whom the CLI talks to the API, and in which tenant. */
export type Session = { url: string; token: string; tenant: string | undefined };

/** The stored login, with `CAMELEER_URL`, `CAMELEER_TOKEN` and `CAMELEER_TENANT` taking precedence (for CI). */
export async function resolveSession(env: NodeJS.ProcessEnv): Promise<Session> {
  const stored = await readStoredLogin(configPath(env));
  const url = env.CAMELEER_URL || stored?.url;
  const token = env.CAMELEER_TOKEN || stored?.token;
  const tenant = env.CAMELEER_TENANT || stored?.tenant;
  if (!url || !token) {
    throw new CliError(
      'Not logged in: run `cameleer login --url URL --token TOKEN`, or set CAMELEER_URL and CAMELEER_TOKEN',
    );
  }
  return { url: normalizeUrl(url), token, tenant };
}

/** An http(s) URL without a trailing slash, so paths can be appended. */
export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`Not a URL: ${raw} (expected e.g. https://cameleer.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`Not an http(s) URL: ${raw}`);
  }
  return url.toString().replace(/\/+$/, '');
}
