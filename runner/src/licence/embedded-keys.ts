import type { JWK } from 'jose';

/**
 * The public keys of Cameleer's own licence authority, embedded so that an
 * air-gapped runner verifies licences with nothing but this package. Release
 * builds list the hosted edge's keys here (newest first, old ones kept so older
 * licences verify). They are the last resort: a registered runner keeps its own
 * edge's keys in its state directory (`licence-keys.json`), and `--keys` overrides both.
 */
export const embeddedLicenceKeys: readonly JWK[] = [];
