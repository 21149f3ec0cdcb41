/**
 * Deploy bench: upload → RUNNING through Cameleer against a plain `docker build` + `docker run` +
 * first 200 of the same Dockerfile and JARs, and the image build of an app's second version
 * against its first. See bench/README.md for what each figure includes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAgentJar } from '../runner/src/deploy/agent.ts';
import { ensureJreImage } from '../runner/test/docker-fixtures.ts';
import { buildSampleJar } from '../runner/test/java-fixtures.ts';
import { type BaselineRun, baselineDeploy } from './deploy-baseline.ts';
import { type CameleerRun, startCameleer } from './deploy-cameleer.ts';
import { ensureDockerEngine } from './docker-engine.ts';
import { jarVariants } from './jar-variants.ts';

export type DeployPlan = { rounds: number };

export type DeployBench = {
  rounds: number;
  baseline: BaselineRun[];
  /** A new app on a runner whose base and agent layers are cached: compared with the baseline. */
  cameleer: CameleerRun[];
  /** An app's first version on a runner that has only the base image. */
  first: CameleerRun[];
  /** The same app's next version, right after. */
  rebuild: CameleerRun[];
};

export async function benchDeploy(plan: DeployPlan, log: (line: string) => void): Promise<DeployBench> {
  const docker = await ensureDockerEngine(log);
  const work = await mkdtemp(join(tmpdir(), 'cameleer-bench-deploy-'));
  try {
    const baseImage = await ensureJreImage(docker);
    // Compiled now, so its bytes (and its image layer) are this run's alone.
    const agentJar = await ensureAgentJar(work, {});
    const names = [
      'warmup',
      ...Array.from({ length: plan.rounds }, (_, i) => ['a', 'b', 'c', 'd'].map((x) => `${x}${i}`)).flat(),
    ];
    const jars = await jarVariants(await buildSampleJar({ version: 'bench' }), work, names);
    const jar = (name: string) => jars.get(name) ?? '';
    const bytes = async (name: string) => new Uint8Array(await readFile(jar(name)));

    const cameleer = await startCameleer({ docker, agentJar });
    const result: DeployBench = { rounds: plan.rounds, baseline: [], cameleer: [], first: [], rebuild: [] };
    try {
      // Throwaway: loads the code paths of both sides and the base image's files into the page cache.
      await cameleer.createApp('warmup');
      await cameleer.deploy('warmup', await bytes('warmup'), 'v1');
      await baselineDeploy({ tag: 'cameleer-bench/warmup:1', appJar: jar('warmup'), agentJar, baseImage });
      await cameleer.removeApp('warmup');
      for (let i = 0; i < plan.rounds; i++) {
        if (i > 0)
          await Promise.all([cameleer.removeApp(`first${i - 1}`), cameleer.removeApp(`fresh${i - 1}`)]);
        // Nothing above the base image is cached now.
        await cameleer.createApp(`first${i}`);
        const first = await cameleer.deploy(`first${i}`, await bytes(`a${i}`), 'v1');
        const rebuild = await cameleer.deploy(`first${i}`, await bytes(`b${i}`), 'v2');
        result.first.push(first);
        result.rebuild.push(rebuild);
        log(
          `  round ${i + 1}: build of the first version ${ms(first.buildMs)}, of the next ${ms(rebuild.buildMs)}`,
        );

        // Base and agent layers are warm now; alternate which side goes first.
        await cameleer.createApp(`fresh${i}`);
        const baseline = () =>
          baselineDeploy({ tag: `cameleer-bench/baseline:${i}`, appJar: jar(`c${i}`), agentJar, baseImage });
        const ours = async () => cameleer.deploy(`fresh${i}`, await bytes(`d${i}`), 'v1');
        let b: BaselineRun;
        let c: CameleerRun;
        if (i % 2 === 0) {
          b = await baseline();
          c = await ours();
        } else {
          c = await ours();
          b = await baseline();
        }
        result.baseline.push(b);
        result.cameleer.push(c);
        log(
          `  round ${i + 1}: baseline ${ms(b.totalMs)} (${phases(b)}), cameleer ${ms(c.totalMs)} (${phases(c)})`,
        );
      }
    } finally {
      await cameleer.close();
    }
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const ms = (n: number) => `${Math.round(n)} ms`;
const phases = (run: BaselineRun | CameleerRun) =>
  Object.entries(run)
    .filter(([k]) => k !== 'totalMs')
    .map(([k, v]) => `${k.replace(/Ms$/, '')} ${Math.round(v)}`)
    .join(', ');
