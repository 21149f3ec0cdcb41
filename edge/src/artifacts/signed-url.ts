/**
 * Short-lived download links for runners: an HMAC-SHA256 (WebCrypto) over the
 * tenant, the version and the expiry. The link is the credential, so it names
 * exactly one artifact and stops working at `expires`.
 */

export const defaultArtifactUrlTtlSeconds = 600;

export type ArtifactGrant = { tenantId: string; versionId: string; expires: number };

export async function importArtifactUrlKey(secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (secret.byteLength < 32) throw new Error('the artifact URL key needs at least 32 bytes');
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** The key from its configured text (base64url), without Node's Buffer: Workers read it from a secret. */
export function importArtifactUrlKeyText(text: string): Promise<CryptoKey> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return importArtifactUrlKey(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

const message = (g: ArtifactGrant) =>
  new TextEncoder().encode(`cameleer-artifact-v1\n${g.tenantId}\n${g.versionId}\n${g.expires}`);

export async function signArtifactGrant(key: CryptoKey, grant: ArtifactGrant): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, message(grant))));
}

/** True when `sig` is ours for this grant and `expires` (unix seconds) is still ahead of `nowMs`. */
export async function verifyArtifactGrant(
  key: CryptoKey,
  grant: ArtifactGrant,
  sig: string,
  nowMs: number,
): Promise<boolean> {
  if (!Number.isSafeInteger(grant.expires) || grant.expires * 1000 <= nowMs) return false;
  const bytes = fromBase64url(sig);
  if (bytes?.byteLength !== 32) return false;
  return crypto.subtle.verify('HMAC', key, bytes, message(grant));
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
