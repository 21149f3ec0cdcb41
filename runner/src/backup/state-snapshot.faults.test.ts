import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunnerIdentity, writeIdentity } from '../state/identity.ts';
import { stateFiles } from '../state/state-dir.ts';
import { createBackup } from './create-backup.ts';
import { restoreBackup } from './restore-backup.ts';

const root = mkdtempSync(join(tmpdir(), 'cameleer-backup-torn-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Writes as the runner does, as fast as it can, in another process: journal lines appended in
 * place, and status.json replaced whole (temporary file, rename), until `lines` lines are written
 * or it is stopped.
 */
const writer = `
const fs = require('node:fs');
const [dir, lines] = process.argv.slice(1);
const fd = fs.openSync(dir + '/journal.jsonl', 'a');
const note = 'x'.repeat(400);
let i = 0;
(function burst() {
  for (let n = 0; n < 200 && i < Number(lines); n++, i++) {
    const line = JSON.stringify({ op: 'start', commandId: 'c' + i, seq: i, kind: 'deploy', at: i, note }) + '\\n';
    // In two writes, as a line is that the disk takes in parts: a backup may come in between.
    fs.writeSync(fd, line.slice(0, 200));
    fs.fsyncSync(fd);
    fs.writeSync(fd, line.slice(200));
    if (i % 20 === 0) {
      const tmp = dir + '/status.json.' + i + '.tmp';
      fs.writeFileSync(tmp, JSON.stringify({ i, note: note.repeat(20) }));
      fs.renameSync(tmp, dir + '/status.json');
    }
  }
  if (i < Number(lines)) setImmediate(burst);
})();
`;

describe('a backup taken while the runner writes', () => {
  it('holds whole files only: every journal line parses, status.json is one version', async () => {
    const stateDir = join(root, 'state');
    const identity: RunnerIdentity = {
      edgeUrl: 'http://127.0.0.1:1',
      runnerId: 'busy',
      tenantId: 't',
      tenantSlug: 'acme',
      environments: [],
      name: 'busy',
      registeredAt: '2026-12-01T00:00:00Z',
      commandKeys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }],
    };
    writeIdentity(stateDir, identity);
    const child = spawn(process.execPath, ['-e', writer, stateDir, '20000'], { stdio: 'ignore' });
    const done = new Promise((resolve) => child.once('exit', resolve));
    const counts: number[] = [];
    try {
      const deadline = Date.now() + 10_000;
      while (!existsSync(stateFiles(stateDir).status) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 5));
      for (let n = 0; n < 8; n++) {
        const file = join(root, `b${n}.tar.gz`);
        await createBackup({ stateDir, to: file });
        const restored = join(root, `r${n}`);
        await restoreBackup({ file, stateDir: restored });
        const journal = readFileSync(stateFiles(restored).journal, 'utf8');
        expect(journal === '' || journal.endsWith('\n')).toBe(true);
        const lines = journal.split('\n').filter(Boolean);
        for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
        counts.push(lines.length);
        expect(() => JSON.parse(readFileSync(stateFiles(restored).status, 'utf8'))).not.toThrow();
        rmSync(restored, { recursive: true, force: true });
      }
    } finally {
      child.kill();
      await done;
    }
    // Backups were taken while lines were being added, not only before or after.
    expect(new Set(counts).size).toBeGreaterThan(1);
  }, 60_000);
});
