import { type CommandFrame, importVerifyingKey, SignedCommand, type VerifyingKey } from '@cameleer/shared';
import { errors, type JWK } from 'jose';
import { verifyProductTokenSync } from './product-token-sync.ts';

export type VerifiedCommand = { ok: true; command: SignedCommand };
/**
 * A refused command. `trustedCommandId` is set only when the edge provably signed this command for
 * this runner (so reporting a failed result for it cannot be abused); otherwise only an error frame goes back.
 */
export type RefusedCommand = { ok: false; reason: string; trustedCommandId?: string };

export type RunnerScope = { runnerId: string; tenantId: string };

/** Checks a command frame against the trusted command keys and this runner's identity. */
export class CommandVerifier {
  /** The trusted keys as public JWKs; empty when built from imported keys (then nothing verifies against it). */
  #jwks: JWK[] = [];

  constructor(
    private keys: VerifyingKey[],
    private readonly scope: RunnerScope,
    private readonly now: () => Date = () => new Date(),
  ) {}

  static async fromJwks(jwks: JWK[], scope: RunnerScope, now?: () => Date): Promise<CommandVerifier> {
    const verifier = new CommandVerifier(await importKeys(jwks), scope, now);
    verifier.#jwks = jwks;
    return verifier;
  }

  get keyIds(): string[] {
    return this.keys.map((k) => k.kid);
  }

  /** The command keys trusted now, as public JWKs: the edge signs agent tokens with them too. */
  get jwks(): JWK[] {
    return this.#jwks;
  }

  async verify(frame: CommandFrame): Promise<VerifiedCommand | RefusedCommand> {
    let claims: unknown;
    let expired = false;
    try {
      claims = verifyProductTokenSync('command', this.keys, frame.token, { now: this.now() });
    } catch (err) {
      // The signature, typ, issuer and audience are checked before expiry: an expired token is still the edge's.
      if (!(err instanceof errors.JWTExpired))
        return { ok: false, reason: `command signature refused: ${describe(err)}` };
      claims = err.payload;
      expired = true;
    }
    const parsed = SignedCommand.safeParse((claims as { cmd?: unknown }).cmd);
    if (!parsed.success) return { ok: false, reason: 'command token carries no valid signed command' };
    const cmd = parsed.data;
    if (cmd.tenantId !== this.scope.tenantId) return { ok: false, reason: 'command is for another tenant' };
    if (cmd.runnerId !== this.scope.runnerId) return { ok: false, reason: 'command is for another runner' };
    if (cmd.commandId !== frame.commandId)
      return { ok: false, reason: 'frame commandId differs from the signed one' };
    if (cmd.seq !== frame.seq) return { ok: false, reason: 'frame seq differs from the signed one' };
    if (expired) return { ok: false, reason: 'command token expired', trustedCommandId: cmd.commandId };
    return { ok: true, command: cmd };
  }

  /**
   * Applies a `commandKeys` token from the edge: the new key set replaces the trusted one only when
   * a key trusted now endorses it. Returns the new JWKs, or why they were not accepted.
   */
  async rotate(token: string): Promise<{ ok: true; keys: JWK[] } | { ok: false; reason: string }> {
    let claims: Record<string, unknown>;
    try {
      claims = verifyProductTokenSync('commandKeys', this.keys, token, { now: this.now() });
    } catch (err) {
      return { ok: false, reason: `command keys not endorsed by a trusted key: ${describe(err)}` };
    }
    if (!Array.isArray(claims.keys) || claims.keys.length === 0) {
      return { ok: false, reason: 'command keys token carries no keys' };
    }
    const jwks = claims.keys as JWK[];
    try {
      this.keys = await importKeys(jwks);
      this.#jwks = jwks;
    } catch (err) {
      return { ok: false, reason: `command keys are not valid Ed25519 public keys: ${describe(err)}` };
    }
    return { ok: true, keys: jwks };
  }
}

async function importKeys(jwks: JWK[]): Promise<VerifyingKey[]> {
  return Promise.all(jwks.map((jwk) => importVerifyingKey(jwk)));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}
