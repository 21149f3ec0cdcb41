import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandJournal, interruptedReason } from './journal.ts';

const journalPath = () => join(mkdtempSync(join(tmpdir(), 'journal-')), 'journal.jsonl');
const cmd = (n: number) => ({ commandId: `cmd_${n}`, seq: n, kind: 'noop' });

describe('CommandJournal', () => {
  it('remembers finished commands and their results across a reopen', () => {
    const path = journalPath();
    const journal = CommandJournal.open(path);
    journal.start(cmd(1));
    journal.finish('cmd_1', { status: 'succeeded', output: { a: 1 } });
    journal.close();
    const reopened = CommandJournal.open(path);
    expect(reopened.get('cmd_1')?.outcome).toEqual({ status: 'succeeded', output: { a: 1 } });
    expect(reopened.undelivered().map((e) => e.commandId)).toEqual(['cmd_1']);
  });

  it('reads back buffered lines (a read command that skipped the fsync) like durable ones', () => {
    const path = journalPath();
    const journal = CommandJournal.open(path);
    journal.start(cmd(1), 1, 'buffered');
    journal.finish('cmd_1', { status: 'succeeded' }, 2, 'buffered');
    journal.start({ ...cmd(2), kind: 'deploy' }, 3);
    journal.close();
    const reopened = CommandJournal.open(path);
    expect(reopened.get('cmd_1')?.outcome).toEqual({ status: 'succeeded' });
    expect(reopened.get('cmd_2')?.outcome?.error).toBe(interruptedReason);
  });

  it('reports a command cut off by a restart as failed, never as not started', () => {
    const path = journalPath();
    const journal = CommandJournal.open(path);
    journal.start(cmd(1));
    journal.close();
    const reopened = CommandJournal.open(path);
    expect(reopened.get('cmd_1')?.outcome).toEqual({ status: 'failed', error: interruptedReason });
    reopened.close();
    expect(CommandJournal.open(path).get('cmd_1')?.outcome?.error).toBe(interruptedReason);
  });

  it('forgets nothing that is not delivered, and stops listing delivered results', () => {
    const path = journalPath();
    const journal = CommandJournal.open(path);
    for (let i = 1; i <= 3; i++) {
      journal.start(cmd(i));
      journal.finish(`cmd_${i}`, { status: 'succeeded' }, i);
    }
    journal.markDelivered('cmd_2');
    journal.close();
    expect(
      CommandJournal.open(path)
        .undelivered()
        .map((e) => e.commandId),
    ).toEqual(['cmd_1', 'cmd_3']);
  });

  it('survives a line torn by a crash', () => {
    const path = journalPath();
    const journal = CommandJournal.open(path);
    journal.start(cmd(1));
    journal.finish('cmd_1', { status: 'succeeded' });
    journal.close();
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"op":"start","comm`);
    expect(CommandJournal.open(path).get('cmd_1')?.outcome?.status).toBe('succeeded');
  });

  it('compacts and drops the oldest delivered entries past its limit, with mode 0600', () => {
    const path = journalPath();
    const journal = CommandJournal.open(path, { maxEntries: 5 });
    for (let i = 1; i <= 10; i++) {
      journal.start(cmd(i), i);
      journal.finish(`cmd_${i}`, { status: 'succeeded' }, i);
      if (i !== 2) journal.markDelivered(`cmd_${i}`);
    }
    journal.close();
    const reopened = CommandJournal.open(path, { maxEntries: 5 });
    expect(reopened.size).toBe(5);
    expect(reopened.get('cmd_2')).toBeDefined();
    expect(reopened.get('cmd_10')).toBeDefined();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
