import type { PublishedRelease } from './edge-releases.ts';
import { releasePlatform, releaseSignatureValid, sha256OfFile } from './release-signature.ts';

/** A download that is not the build the release key signed: nothing is replaced. */
export class BuildRefused extends Error {
  constructor(reason: string) {
    super(`refused the downloaded runner: ${reason}; nothing was replaced`);
    this.name = 'BuildRefused';
  }
}

/** Checks the downloaded file against the digest the edge announced and the release key's signature over it. */
export async function verifyBuild(
  path: string,
  release: PublishedRelease,
  publicKeyX: string,
): Promise<string> {
  if (release.platform !== releasePlatform)
    throw new BuildRefused(`it is built for ${release.platform}, this runner runs on ${releasePlatform}`);
  const sha256 = await sha256OfFile(path);
  if (sha256 !== release.sha256.toLowerCase())
    throw new BuildRefused(`its SHA-256 is ${sha256}, the edge announced ${release.sha256}`);
  const facts = { version: release.version, platform: release.platform, sha256 };
  if (!releaseSignatureValid(publicKeyX, facts, release.signature))
    throw new BuildRefused(
      `the release signature does not verify with the release key ${publicKeyX.slice(0, 12)}…`,
    );
  return sha256;
}
