import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-fixture.ts';

describe('cameleer --help', () => {
  it.each([
    [[], ['login', 'runners', 'CAMELEER_TOKEN']],
    [['login'], ['--url <url>', '--token <token>', '--tenant <slug>', 'CAMELEER_CONFIG']],
    [['runners'], ['token', 'list', 'revoke']],
    [
      ['runners', 'token'],
      ['--env <names...>', '--ttl <minutes>', '--json'],
    ],
    [['runners', 'list'], ['--json']],
    [['runners', 'revoke'], ['<id>']],
  ])('cameleer %j --help describes its options', async (command, expected) => {
    const run = await runCli([...command, '--help']);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Usage: cameleer ${command.join(' ')}`.trimEnd());
    for (const text of expected) expect(run.stdout).toContain(text);
  });

  it('exits non-zero on an unknown command', async () => {
    const run = await runCli(['deploy-everything']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unknown command 'deploy-everything'");
  });
});
