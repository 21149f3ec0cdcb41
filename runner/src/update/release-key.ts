/**
 * The public half of Cameleer's release signing key (Ed25519, the base64url `x` of its JWK).
 * `cameleer-runner update` swaps in only a build whose signature this key verifies. The private
 * half is never in the repository: the release build reads it from a file (docs/runners.md).
 * Tests build with a throwaway pair (`--public-key`) or set CAMELEER_RELEASE_PUBLIC_KEY.
 */
export const releasePublicKeyX = 'V2m5qPBX8pLOe34LYSEeozM4Zhhq6FjZCB1jt_6BRQM';
