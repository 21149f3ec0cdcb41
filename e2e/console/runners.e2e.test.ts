import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRunnerCli } from '../../runner/test/runner-cli.ts';
import { launchChromium, openFlow, signInWithLink } from '../fixtures/browser.ts';
import { type ConsoleStack, startConsoleStack } from '../fixtures/console-stack.ts';

const runnerBin = fileURLToPath(new URL('../../runner/bin/cameleer-runner.js', import.meta.url));

/** The copied npm command's two halves, as a person would paste them, with a state directory of the test's own. */
function npmCommandArgs(copied: string): { register: string[] } {
  const match = /^npx cameleer-runner (register --url \S+ --token \S+) && npx cameleer-runner start$/.exec(
    copied,
  );
  if (!match?.[1]) throw new Error(`not the npm install command: ${copied}`);
  return { register: match[1].split(' ') };
}

describe('console: runners', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let stateDir: string;
  let runner: ChildProcess | undefined;
  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'cameleer-e2e-runner-'));
    // The local runner (0.1.0) is below this edge's minimum: the list says it needs an update.
    [stack, browser] = await Promise.all([
      startConsoleStack({ CAMELEER_RUNNER_MIN_VERSION: '99.0.0' }),
      launchChromium(),
    ]);
  }, 120_000);
  afterAll(async () => {
    if (runner && runner.exitCode === null) runner.kill('SIGTERM');
    await browser?.close();
    await stack?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('creates a runner token, registers a runner with the copied command, sees it online and revokes it', async () => {
    const flow = await openFlow(browser, 'runners');
    const { page } = flow;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    await signInWithLink(page, stack.loginUrl);
    await page.goto(`${stack.url}/t/default/runners`);
    await expect.poll(() => page.getByRole('heading', { name: 'Runners' }).isVisible()).toBe(true);
    // The quick start's local runner.
    await expect.poll(() => page.getByRole('cell', { name: 'online' }).first().isVisible()).toBe(true);
    expect(await page.getByRole('columnheader', { name: 'Commands in flight' }).isVisible()).toBe(true);
    expect(await page.getByText('update required').first().isVisible()).toBe(true);
    expect(await page.getByText('cameleer-runner update').first().isVisible()).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('runners');

    await page.getByRole('button', { name: 'Add a runner' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a runner' });
    await expect.poll(() => dialog.getByText('Shown once').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: /^Copy: Register and start/ }).click();
    await expect.poll(() => dialog.getByRole('button', { name: /: copied$/ }).isVisible()).toBe(true);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const { register } = npmCommandArgs(copied);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('add-runner-npm');

    await dialog.getByRole('tab', { name: 'Docker' }).click();
    expect(await dialog.getByText(/docker run -d --name cameleer-runner/).isVisible()).toBe(true);
    await flow.shot('add-runner-docker');
    await dialog.getByRole('tab', { name: 'Helm' }).click();
    const helm = dialog.getByText(/helm install cameleer-runner \.\/charts\/cameleer-runner/);
    expect(await helm.isVisible()).toBe(true);
    expect(await helm.textContent()).toContain(
      `--set registration.token=${register[register.indexOf('--token') + 1]}`,
    );
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('add-runner-helm');
    await dialog.getByRole('button', { name: 'Done' }).click();

    const registered = await runRunnerCli([...register, '--name', 'e2e-runner', '--state-dir', stateDir]);
    expect(registered.code, registered.stderr).toBe(0);
    const started = spawn(process.execPath, [runnerBin, 'start', '--state-dir', stateDir, '--quiet'], {
      env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CAMELEER_'))),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    runner = started;
    let stderr = '';
    started.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));

    const row = page.getByRole('row').filter({ hasText: 'e2e-runner' });
    // The list refreshes every 15 s on its own.
    await expect
      .poll(() => row.getByText('online').isVisible(), { timeout: 45_000, interval: 1_000 })
      .toBe(true);
    expect(await row.getByRole('cell', { name: 'WebSocket' }).isVisible()).toBe(true);
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[3]).toMatch(/^\d+\.\d+\.\d+/);
    expect(cells[4]).toMatch(/process|docker|kubernetes/);
    expect(cells[5]).toBe('0');
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('runner-online');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke' }).getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.getByText('revoked').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    await flow.shot('runner-revoked');
    // The edge refuses it: the runner stops and says why.
    expect(await exited).toBe(2);
    expect(stderr).toMatch(/revoked/);
    await flow.close();
  }, 180_000);
});
