/**
 * Lighthouse (performance and accessibility) on the console's overview and an app's page, served by
 * the edge exactly as `npm start` serves it, in Debian's Chromium. Signed in with the one-time link.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { startEdgeProcess } from '../edge/test/edge-process.ts';
import { ensureConsoleBuilt } from '../scripts/console-build.ts';

export const lighthouseTargets = { performance: 90, accessibility: 95 };
export type LighthouseScores = {
  page: string;
  /** Lighthouse's default (a mid-range phone on slow 4G) or its desktop preset. */
  preset: 'mobile' | 'desktop';
  performance: number;
  accessibility: number;
  /** First and largest contentful paint, total blocking time (ms). */
  metrics: { fcp: number; lcp: number; tbt: number };
  /** Every run's performance score, when there were several; the fields above are the median run's. */
  runs?: number[];
};

export type LighthousePlan = {
  /** Runs per page and preset; the report gives the run with the median performance score. */
  runs: number;
  presets: LighthouseScores['preset'][];
  /** When set, each run's full Lighthouse JSON is written there (which audits lose points). */
  reportDir?: string;
};

const adminToken = 'cam_bench-lighthouse-admin-token-0123456789';

export async function benchConsoleLighthouse(
  plan: LighthousePlan = { runs: 1, presets: ['mobile', 'desktop'] },
): Promise<LighthouseScores[]> {
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
    const presets = { mobile: { extends: 'lighthouse:default' }, desktop: desktopConfig } as const;
    if (plan.reportDir) mkdirSync(plan.reportDir, { recursive: true });
    for (const preset of plan.presets)
      for (const [page, path] of Object.entries(pages)) {
        const config: typeof desktopConfig = presets[preset];
        const runs: LighthouseScores[] = [];
        for (let run = 1; run <= plan.runs; run++) {
          const result = await lighthouse(
            `${edge.url}${path}`,
            {
              port: chrome.port,
              output: 'json',
              logLevel: 'error',
              onlyCategories: ['performance', 'accessibility'],
            },
            { ...config, settings: { ...config.settings, extraHeaders: { Cookie: cookie } } },
          );
          const lhr = result?.lhr;
          if (plan.reportDir && lhr)
            writeFileSync(join(plan.reportDir, `${page}-${preset}-${run}.json`), JSON.stringify(lhr));
          const ms = (audit: string) => Math.round(lhr?.audits[audit]?.numericValue ?? 0);
          runs.push({
            page,
            preset,
            performance: Math.round((lhr?.categories.performance?.score ?? 0) * 100),
            accessibility: Math.round((lhr?.categories.accessibility?.score ?? 0) * 100),
            metrics: {
              fcp: ms('first-contentful-paint'),
              lcp: ms('largest-contentful-paint'),
              tbt: ms('total-blocking-time'),
            },
          });
        }
        const median = runs.sort((a, b) => a.performance - b.performance)[Math.floor(runs.length / 2)];
        if (median) scores.push({ ...median, runs: runs.map((r) => r.performance) });
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
        `  ${s.page.padEnd(9)} Lighthouse ${s.preset.padEnd(7)} performance ${verdict(s.performance, lighthouseTargets.performance)}, ` +
        `accessibility ${verdict(s.accessibility, lighthouseTargets.accessibility)}; ` +
        `FCP ${s.metrics.fcp} ms, LCP ${s.metrics.lcp} ms, TBT ${s.metrics.tbt} ms` +
        (s.runs && s.runs.length > 1 ? ` (median of runs scoring ${s.runs.join(', ')})` : ''),
    )
    .join('\n');
}
