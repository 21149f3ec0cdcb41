import { apiTokenPrefix } from '@cameleer/shared';
import { randomBase64Url, sha256Hex } from './hash.ts';

export type ApiTokenSecret = { secret: string; hash: string; hint: string };

export async function newApiTokenSecret(): Promise<ApiTokenSecret> {
  return describeApiTokenSecret(`${apiTokenPrefix}${randomBase64Url(32)}`);
}

/** Hash and display hint of a given secret (also used for an operator-chosen CAMELEER_ADMIN_TOKEN). */
export async function describeApiTokenSecret(secret: string): Promise<ApiTokenSecret> {
  return { secret, hash: await sha256Hex(secret), hint: `${secret.slice(0, 8)}…` };
}
