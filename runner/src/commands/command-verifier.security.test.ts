import {
  type CommandFrame,
  generateSigningKeyJwk,
  importSigningKey,
  protocolVersion,
  type SignedCommand,
  type SigningKey,
  signProductToken,
} from '@cameleer/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { CommandVerifier } from './command-verifier.ts';

const scope = { runnerId: 'run_1', tenantId: 'ten_1' };
const cmd: SignedCommand = {
  commandId: 'cmd_1',
  tenantId: 'ten_1',
  runnerId: 'run_1',
  seq: 7,
  kind: 'noop',
  payload: {},
};
let edgeKey: SigningKey;
let otherKey: SigningKey;

async function frame(
  claims: Partial<SignedCommand> = {},
  opts: { key?: SigningKey; now?: Date; ttl?: number; frame?: Partial<CommandFrame> } = {},
): Promise<CommandFrame> {
  const signed = { ...cmd, ...claims };
  const token = await signProductToken(
    'command',
    opts.key ?? edgeKey,
    { sub: signed.commandId, cmd: signed },
    {
      now: opts.now ?? new Date(),
      ttlSeconds: opts.ttl ?? 60,
    },
  );
  return {
    v: protocolVersion,
    id: 'f1',
    type: 'command',
    commandId: signed.commandId,
    seq: signed.seq,
    token,
    ...opts.frame,
  };
}

const verifier = () => new CommandVerifier([edgeKey], scope);

beforeAll(async () => {
  edgeKey = await importSigningKey(await generateSigningKeyJwk());
  otherKey = await importSigningKey(await generateSigningKeyJwk());
});

describe('CommandVerifier', () => {
  it('accepts a command signed by a trusted key for this runner', async () => {
    expect(await verifier().verify(await frame())).toEqual({ ok: true, command: cmd });
  });

  it('refuses a forged signature without trusting its command id', async () => {
    const forged = await importSigningKey(await generateSigningKeyJwk());
    const sameKid = { ...forged, kid: edgeKey.kid };
    for (const key of [forged, sameKid]) {
      const verdict = await verifier().verify(await frame({}, { key }));
      expect(verdict.ok).toBe(false);
      expect(verdict).not.toHaveProperty('trustedCommandId');
    }
  });

  it('refuses a token of another kind signed by the right key', async () => {
    const token = await signProductToken(
      'commandKeys',
      edgeKey,
      { sub: 'cmd_1', cmd },
      { now: new Date(), ttlSeconds: 60 },
    );
    const verdict = await verifier().verify({ ...(await frame()), token });
    expect(verdict.ok).toBe(false);
  });

  it('refuses commands for another tenant or another runner', async () => {
    const tenant = await verifier().verify(await frame({ tenantId: 'ten_2' }));
    const runner = await verifier().verify(await frame({ runnerId: 'run_2' }));
    expect(tenant).toEqual({ ok: false, reason: 'command is for another tenant' });
    expect(runner).toEqual({ ok: false, reason: 'command is for another runner' });
  });

  it('refuses a frame whose commandId or seq differ from the signed ones', async () => {
    const id = await verifier().verify(await frame({}, { frame: { commandId: 'cmd_other' } }));
    const seq = await verifier().verify(await frame({}, { frame: { seq: 8 } }));
    expect(id).toEqual({ ok: false, reason: 'frame commandId differs from the signed one' });
    expect(seq).toEqual({ ok: false, reason: 'frame seq differs from the signed one' });
  });

  it('refuses an expired command but trusts its id, so it can be failed on the record', async () => {
    const old = new Date(Date.now() - 10 * 60_000);
    const verdict = await verifier().verify(await frame({}, { now: old, ttl: 60 }));
    expect(verdict).toEqual({ ok: false, reason: 'command token expired', trustedCommandId: 'cmd_1' });
  });

  it('does not trust the id of an expired command signed by an unknown key', async () => {
    const old = new Date(Date.now() - 10 * 60_000);
    const verdict = await verifier().verify(await frame({}, { now: old, key: otherKey }));
    expect(verdict.ok).toBe(false);
    expect(verdict).not.toHaveProperty('trustedCommandId');
  });

  it('rotates to keys endorsed by a trusted key, then trusts only those', async () => {
    const v = verifier();
    const endorsement = await signProductToken(
      'commandKeys',
      edgeKey,
      { sub: 'run_1', keys: [otherKey.publicJwk] },
      { now: new Date(), ttlSeconds: 60 },
    );
    const rotated = await v.rotate(endorsement);
    expect(rotated.ok).toBe(true);
    expect(v.keyIds).toEqual([otherKey.kid]);
    expect((await v.verify(await frame({}, { key: otherKey }))).ok).toBe(true);
    expect((await v.verify(await frame())).ok).toBe(false);
  });

  it('keeps its keys when a rotation is not endorsed by a trusted key', async () => {
    const v = verifier();
    const selfSigned = await signProductToken(
      'commandKeys',
      otherKey,
      { sub: 'run_1', keys: [otherKey.publicJwk] },
      { now: new Date(), ttlSeconds: 60 },
    );
    const rotated = await v.rotate(selfSigned);
    expect(rotated.ok).toBe(false);
    expect(v.keyIds).toEqual([edgeKey.kid]);
    expect((await v.verify(await frame({}, { key: otherKey }))).ok).toBe(false);
  });

  it('keeps its keys when an endorsed rotation carries private or malformed keys', async () => {
    const v = verifier();
    for (const keys of [[], [{ kty: 'RSA', n: 'x', e: 'AQAB' }], [{ ...otherKey.publicJwk, d: 'secret' }]]) {
      const token = await signProductToken(
        'commandKeys',
        edgeKey,
        { sub: 'run_1', keys },
        { now: new Date(), ttlSeconds: 60 },
      );
      expect((await v.rotate(token)).ok).toBe(false);
      expect(v.keyIds).toEqual([edgeKey.kid]);
    }
  });
});
