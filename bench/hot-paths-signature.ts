import { performance } from 'node:perf_hooks';
import { generateSigningKeyJwk, importSigningKey, signProductToken } from '@cameleer/shared';
import { verifyProductTokenSync } from '../runner/src/commands/product-token-sync.ts';
import { percentile } from './load.ts';

/**
 * The runner's signature check of one command token (Ed25519 through `node:crypto`, as the runner
 * verifies every command), p50 in ms: the part of a tunnel hop no ws echo has and no change may drop.
 */
export async function benchSignatureCheck(checks = 500): Promise<number> {
  const key = await importSigningKey(await generateSigningKeyJwk());
  const keys = [{ kid: key.kid, publicKey: key.publicKey }];
  const now = new Date();
  const cmd = { commandId: 'cmd_bench', seq: 1, kind: 'noop', payload: {} };
  const token = await signProductToken('command', key, { sub: 'rnr_bench', cmd }, { now, ttlSeconds: 60 });
  const times: number[] = [];
  for (let i = 0; i < checks; i++) {
    const started = performance.now();
    verifyProductTokenSync('command', keys, token, { now });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return percentile(times, 0.5);
}
