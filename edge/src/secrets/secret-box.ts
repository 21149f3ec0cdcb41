import { base64url } from 'jose';

/**
 * Secrets at rest: AES-256-GCM (WebCrypto) with a random 96-bit IV, as
 * `v1.<iv>.<ciphertext>` (base64url). The caller's context is the additional
 * data, so a value copied to another row, layer or tenant does not open.
 */
export type SecretBox = {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
};

/** A sealed value that does not open: tampered, moved to another context, or sealed under another key. */
export class SealedValueError extends Error {
  constructor() {
    super('the sealed value does not open with this key and context');
    this.name = 'SealedValueError';
  }
}

const format = 'v1';
const encoder = new TextEncoder();

/** The box over a key of at least 32 random bytes; HKDF turns it into the AES key, whatever its length. */
export async function createSecretBox(secret: Uint8Array<ArrayBuffer>): Promise<SecretBox> {
  if (secret.byteLength < 32) throw new Error('the secrets key needs at least 32 bytes');
  const material = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode('cameleer-secrets-v1') },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const params = (iv: Uint8Array<ArrayBuffer>, context: string): AesGcmParams => ({
    name: 'AES-GCM',
    iv,
    additionalData: encoder.encode(`${format}\n${context}`),
  });
  return {
    async seal(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt(params(iv, context), key, encoder.encode(plaintext));
      return `${format}.${base64url.encode(iv)}.${base64url.encode(new Uint8Array(sealed))}`;
    },
    async open(sealed, context) {
      const [v, iv, data, ...rest] = sealed.split('.');
      if (v !== format || !iv || !data || rest.length) throw new SealedValueError();
      try {
        const ivBytes = new Uint8Array(base64url.decode(iv));
        if (ivBytes.byteLength !== 12) throw new SealedValueError();
        const plain = await crypto.subtle.decrypt(
          params(ivBytes, context),
          key,
          new Uint8Array(base64url.decode(data)),
        );
        return new TextDecoder('utf-8', { fatal: true }).decode(plain);
      } catch {
        throw new SealedValueError();
      }
    },
  };
}

/** Reads a base64url key from configuration; too short or not base64url is refused. */
export function decodeSecretsKey(value: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new Error('the secrets key must be base64url');
  const bytes = new Uint8Array(base64url.decode(value));
  if (bytes.byteLength < 32) throw new Error('the secrets key needs at least 32 bytes');
  return bytes;
}
