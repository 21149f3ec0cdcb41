import type { JWK } from 'jose';

/**
 * The public keys of Cameleer's own licence authority, embedded so that an
 * air-gapped runner verifies licences with nothing but this package. Release
 * builds list the hosted edge's keys here (newest first, old ones kept so older
 * licences verify). Self-hosted edges sign with their own keys: pass
 * `--keys` with the JWKS from their `/.well-known/license-keys`.
 */
export const embeddedLicenceKeys: readonly JWK[] = [];
