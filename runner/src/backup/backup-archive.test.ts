import {
  chownSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunnerIdentity, writeIdentity } from '../state/identity.ts';
import { stateFiles } from '../state/state-dir.ts';
import { writeStatus } from '../state/status-file.ts';
import { createBackup } from './create-backup.ts';
import { restoreBackup } from './restore-backup.ts';

const root = mkdtempSync(join(tmpdir(), 'cameleer-backup-'));
const source = join(root, 'source');
const archive = join(root, 'out', 'backup.tar.gz');
const volume = join(source, 'apps', 'volumes', 'cameleer-acme-dev-shop-data');
const journalLines = '{"op":"start","commandId":"c1","seq":1,"kind":"deploy","at":1}\n';

function identityFor(runnerId: string): RunnerIdentity {
  return {
    edgeUrl: 'http://127.0.0.1:1',
    runnerId,
    tenantId: 't1',
    tenantSlug: 'acme',
    environments: ['dev'],
    name: 'r',
    registeredAt: '2026-12-01T00:00:00Z',
    commandKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }],
  };
}

/** Rewrites the archive through `change`, which may alter any entry's body. */
async function rewrite(
  from: string,
  to: string,
  change: (name: string, body: Buffer) => Buffer,
): Promise<void> {
  const out = pack();
  const written = pipeline(out, createGzip(), createWriteStream(to));
  const input = extract();
  const reading = pipeline(createReadStream(from), createGunzip(), input);
  for await (const entry of input) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const body = change(entry.header.name, Buffer.concat(chunks));
    out.entry({ ...entry.header, size: body.length }, body);
  }
  await reading;
  out.finalize();
  await written;
}

describe('the backup archive', () => {
  beforeAll(async () => {
    writeIdentity(source, identityFor('runner-1'));
    writeFileSync(stateFiles(source).privateKey, '{"kty":"OKP"}\n', { mode: 0o600 });
    // A line the runner is writing at this moment: not in the backup.
    writeFileSync(stateFiles(source).journal, `${journalLines}{"op":"fin`);
    mkdirSync(join(source, 'telemetry', 'spool'), { recursive: true });
    writeFileSync(join(source, 'telemetry', 'spool', '0000000000000001.3.jsonl.gz'), 'spooled');
    writeFileSync(join(source, 'telemetry', 'spool', '0000000000000002.3.jsonl.gz.ab12.tmp'), 'half');
    mkdirSync(volume, { recursive: true });
    writeFileSync(join(volume, 'orders.db'), 'the volume');
    await createBackup({ stateDir: source, to: archive });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('restores identity, key, the journal to its last whole line, the spool and the process volumes', async () => {
    const target = join(root, 'restored');
    const lines: string[] = [];
    const manifest = await restoreBackup({ file: archive, stateDir: target, progress: (l) => lines.push(l) });
    expect(manifest).toMatchObject({
      runnerId: 'runner-1',
      tenantSlug: 'acme',
      runnerVersion: expect.any(String),
    });
    expect(manifest.volumes).toEqual([
      {
        orchestrator: 'process',
        archived: false,
        name: 'cameleer-acme-dev-shop-data',
        entry: 'state/apps/volumes/cameleer-acme-dev-shop-data',
      },
    ]);
    expect(readFileSync(stateFiles(target).identity, 'utf8')).toBe(
      readFileSync(stateFiles(source).identity, 'utf8'),
    );
    expect(readFileSync(stateFiles(target).journal, 'utf8')).toBe(journalLines);
    expect(
      readFileSync(join(target, 'apps', 'volumes', 'cameleer-acme-dev-shop-data', 'orders.db'), 'utf8'),
    ).toBe('the volume');
    expect(readFileSync(join(target, 'telemetry', 'spool', '0000000000000001.3.jsonl.gz'), 'utf8')).toBe(
      'spooled',
    );
    expect(existsSync(join(target, 'telemetry', 'spool', '0000000000000002.3.jsonl.gz.ab12.tmp'))).toBe(
      false,
    );
    expect(lines.join('\n')).toMatch(/every checksum matches/);
  });

  it('refuses an existing identity without --force, and replaces it with', async () => {
    const target = join(root, 'other');
    writeIdentity(target, identityFor('runner-2'));
    writeFileSync(join(target, 'leftover'), 'x');
    await expect(restoreBackup({ file: archive, stateDir: target })).rejects.toThrow(
      /holds runner runner-2.*--force/,
    );
    expect(existsSync(join(target, 'leftover'))).toBe(true);
    await restoreBackup({ file: archive, stateDir: target, force: true });
    expect(JSON.parse(readFileSync(stateFiles(target).identity, 'utf8')).runnerId).toBe('runner-1');
    expect(existsSync(join(target, 'leftover'))).toBe(false);
  });

  it("gives the restored files to the state directory's owner when root restores a service's runner", async () => {
    const target = join(root, 'service');
    mkdirSync(target);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(target, 4321, 4321);
    await restoreBackup({ file: archive, stateDir: target });
    const owner = asRoot ? 4321 : process.getuid?.();
    expect(statSync(join(target, 'apps', 'volumes', 'cameleer-acme-dev-shop-data', 'orders.db')).uid).toBe(
      owner,
    );
    expect(statSync(stateFiles(target).privateKey).uid).toBe(owner);
  });

  it('refuses while a runner runs on the state directory', async () => {
    const target = join(root, 'running');
    const now = new Date().toISOString();
    mkdirSync(target);
    writeStatus(target, {
      pid: process.pid,
      running: true,
      connected: true,
      transport: 'websocket',
      edgeUrl: 'http://127.0.0.1:1',
      startedAt: now,
      since: now,
      lastHeartbeatAt: null,
      lastError: null,
      updatedAt: now,
    });
    await expect(restoreBackup({ file: archive, stateDir: target, force: true })).rejects.toThrow(
      /is running on/,
    );
  });

  it('refuses a file whose bytes do not match the manifest, before writing anything', async () => {
    const tampered = join(root, 'tampered.tar.gz');
    await rewrite(archive, tampered, (name, body) =>
      name.endsWith('orders.db') ? Buffer.from('the volumE') : body,
    );
    const target = join(root, 'not-written');
    await expect(restoreBackup({ file: tampered, stateDir: target })).rejects.toThrow(
      /does not match its checksum/,
    );
    expect(existsSync(stateFiles(target).identity)).toBe(false);
  });

  it('refuses a manifest that names a path outside the state directory', async () => {
    const escaping = join(root, 'escaping.tar.gz');
    await rewrite(archive, escaping, (name, body) =>
      name === 'manifest.json'
        ? Buffer.from(body.toString().replace('"state/runner-key.json"', '"state/../../evil"'))
        : body,
    );
    await expect(restoreBackup({ file: escaping, stateDir: join(root, 'escape') })).rejects.toThrow(
      /outside the state/,
    );
    await expect(
      restoreBackup({ file: stateFiles(source).identity, stateDir: join(root, 'junk') }),
    ).rejects.toThrow(/cannot be read as a runner backup/);
    const stray = join(root, 'stray.tar.gz');
    await rewrite(archive, stray, (name, body) =>
      name === 'manifest.json'
        ? Buffer.from(
            body.toString().replace('"entry": "state/apps/volumes/', '"entry": "state/apps/volume/'),
          )
        : body,
    );
    await expect(restoreBackup({ file: stray, stateDir: join(root, 'stray') })).rejects.toThrow(
      /names no entry/,
    );
  });
});
