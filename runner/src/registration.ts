import { generateSigningKeyJwk, importSigningKey, registrationTokenPrefix } from '@cameleer/shared';
import { z } from 'zod';
import { detectCapabilities } from './capabilities.ts';
import { edgeEndpoint } from './credentials.ts';
import { refreshLicenceKeys } from './licence/stored-keys.ts';
import { type HttpFetch, proxiedFetch, readProblem } from './proxy/http-client.ts';
import { hasIdentity, type RunnerIdentity, writeIdentity, writePrivateKey } from './state/identity.ts';
import { ensureStateDir } from './state/state-dir.ts';
import { runnerVersion } from './version.ts';

const Registered = z.object({
  runnerId: z.string().min(1),
  tenantId: z.string().min(1),
  tenantSlug: z.string(),
  environments: z.array(z.string()),
  commandKeys: z.object({
    keys: z.array(z.looseObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() })).min(1),
  }),
});

export class RegistrationError extends Error {
  override name = 'RegistrationError';
}

export type RegisterRunnerInput = {
  edgeUrl: string;
  token: string;
  stateDir: string;
  name?: string;
  /** Replace an identity already in the state directory. */
  force?: boolean;
  fetch?: HttpFetch;
};

/**
 * Registers this runner with the edge using a one-time token: generates its Ed25519 key pair, keeps
 * the private key in the state directory (0600) and sends only the public key. Also keeps the
 * edge's licence public keys, so licences verify offline.
 */
export async function registerRunner(input: RegisterRunnerInput): Promise<RunnerIdentity> {
  if (!input.token.startsWith(registrationTokenPrefix)) {
    throw new RegistrationError(
      `a registration token starts with ${registrationTokenPrefix}; create one in the console`,
    );
  }
  if (hasIdentity(input.stateDir) && !input.force) {
    throw new RegistrationError(
      `${input.stateDir} already holds a registered runner; pass --force to replace it`,
    );
  }
  const edgeUrl = new URL(input.edgeUrl).toString().replace(/\/+$/, '');
  const privateJwk = await generateSigningKeyJwk();
  const key = await importSigningKey(privateJwk);
  const name = input.name ?? (await import('node:os')).hostname();
  const doFetch = input.fetch ?? proxiedFetch;
  const url = edgeEndpoint(edgeUrl, '/api/runners/register');
  let res: Awaited<ReturnType<HttpFetch>>;
  try {
    res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        token: input.token,
        name,
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x },
        version: runnerVersion,
        capabilities: detectCapabilities(process.env),
      }),
    });
  } catch (err) {
    throw new RegistrationError(`cannot reach ${edgeUrl}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  if (res.status !== 201 && res.status !== 200) {
    const problem = await readProblem(res);
    const why = problem.detail ?? problem.title ?? `HTTP ${res.status}`;
    if (res.status === 401) {
      throw new RegistrationError(
        `the edge refused the registration token (${why}): create a new one, they are single use`,
      );
    }
    throw new RegistrationError(`registration failed: ${why}`);
  }
  const parsed = Registered.safeParse(await res.json());
  if (!parsed.success) throw new RegistrationError('the edge answered registration with an unexpected body');
  const files = ensureStateDir(input.stateDir);
  writePrivateKey(files, privateJwk);
  const identity: RunnerIdentity = {
    edgeUrl,
    runnerId: parsed.data.runnerId,
    tenantId: parsed.data.tenantId,
    tenantSlug: parsed.data.tenantSlug,
    environments: parsed.data.environments,
    name,
    registeredAt: new Date().toISOString(),
    commandKeys: parsed.data.commandKeys.keys,
  };
  writeIdentity(input.stateDir, identity);
  // Best effort: the runner fetches them again on every connect.
  await refreshLicenceKeys({ edgeUrl, stateDir: input.stateDir, fetch: doFetch }).catch(() => undefined);
  return identity;
}
