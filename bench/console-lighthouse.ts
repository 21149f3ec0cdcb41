/**
 * Lighthouse (performance and accessibility) on the console's overview and an app's page, served by
 * the edge exactly as `npm start` serves it, in Debian's Chromium. Signed in with the one-time link.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { startEdgeProcess } from '../edge/test/edge-process.ts';
import { ensureConsoleBuilt } from '../scripts/console-build.ts';

export const lighthouseTargets = { performance: 90, accessibility: 95 };
export type LighthouseScores = { page: string; performance: number; accessibility: number };

const adminToken = 'cam_bench-lighthouse-admin-token-0123456789';

export async function benchConsoleLighthouse(): Promise<LighthouseScores[]> {
  await ensureConsoleBuilt({ quiet: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'cameleer-lighthouse-'));
  const edge = await startEdgeProcess(dataDir, {
    CAMELEER_LOCAL_RUNNER: 'false',
    CAMELEER_ADMIN_TOKEN: adminToken,
  });
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  });
  try {
    const signIn = await fetch(edge.loginUrl, { redirect: 'manual' });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    await fetch(`${edge.url}/api/tenants/default/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'orders' }),
    });
    const pages = { overview: '/t/default', app: '/t/default/apps/orders' };
    const scores: LighthouseScores[] = [];
    for (const [page, path] of Object.entries(pages)) {
      const result = await lighthouse(
        `${edge.url}${path}`,
        {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility'],
        },
        { extends: 'lighthouse:default', settings: { extraHeaders: { Cookie: cookie } } },
      );
      const categories = result?.lhr.categories;
      scores.push({
        page,
        performance: Math.round((categories?.performance?.score ?? 0) * 100),
        accessibility: Math.round((categories?.accessibility?.score ?? 0) * 100),
      });
    }
    return scores;
  } finally {
    chrome.kill();
    await edge.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function lighthouseReport(scores: LighthouseScores[]): string {
  const verdict = (score: number, target: number) =>
    `${score} (target ≥ ${target}: ${score >= target ? 'met' : 'NOT met'})`;
  return scores
    .map(
      (s) =>
        `  ${s.page.padEnd(9)} Lighthouse performance ${verdict(s.performance, lighthouseTargets.performance)}, ` +
        `accessibility ${verdict(s.accessibility, lighthouseTargets.accessibility)}`,
    )
    .join('\n');
}
