/**
 * The lifecycle every orchestrator passes, whatever runs the apps: deploy, replace, a broken version
 * that keeps the old one, promote, rollback, stop, restart, remove, and finding its apps again after
 * a runner restart. Each orchestrator's test file calls it with a harness that opens the orchestrator
 * and makes deploy specs (a broken version is whatever fails there: a JAR that exits, a pod that
 * crash-loops).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AppRef,
  DeployFailed,
  type DeploySpec,
  type Orchestrator,
} from '../src/orchestrators/orchestrator.ts';

export type LifecycleHarness = {
  /** The app the suite deploys: `lifecycleRef` unless the harness shares its engine with other tests. */
  ref?: AppRef;
  /** A new orchestrator on the same state (engine, state dir, cluster): a runner (re)starting. */
  open(): Promise<Orchestrator>;
  spec(version: string, opts?: { broken?: boolean; ref?: AppRef }): Promise<DeploySpec>;
  /** Removes what the test left and closes what it opened. */
  close(): Promise<void>;
};

export const lifecycleRef: AppRef = { tenant: 'acme', environment: 'dev', app: 'orders' };
const noProgress = () => {};

export function orchestratorLifecycle(
  name: string,
  makeHarness: () => Promise<LifecycleHarness>,
  timeout = 60_000,
) {
  describe(`${name}: the orchestrator lifecycle`, { timeout }, () => {
    let harness: LifecycleHarness;
    let orchestrator: Orchestrator;
    let ref: AppRef;
    beforeEach(async () => {
      harness = await makeHarness();
      ref = harness.ref ?? lifecycleRef;
      orchestrator = await harness.open();
    });
    afterEach(() => harness.close());

    const deploy = async (version: string, opts: { broken?: boolean; ref?: AppRef } = {}) =>
      orchestrator.deploy(await harness.spec(version, { ...opts, ref: opts.ref ?? ref }), noProgress);

    it('deploys, replaces, and keeps the running version when the new one is broken', async () => {
      expect(await deploy('1')).toMatchObject({ ref, version: '1', state: 'running' });
      expect(await deploy('2')).toMatchObject({ version: '2', state: 'running' });
      await expect(deploy('3', { broken: true })).rejects.toBeInstanceOf(DeployFailed);
      await expect.poll(() => orchestrator.status(ref)).toMatchObject({ version: '2', state: 'running' });
    });

    it('promotes a version to another environment and rolls back to an earlier one', async () => {
      await deploy('1');
      const prod = { ...ref, environment: 'prod' };
      expect(await deploy('1', { ref: prod })).toMatchObject({ ref: prod, state: 'running' });
      const environments = (await orchestrator.list()).map((i) => i.ref.environment).sort();
      expect(environments).toEqual(['dev', 'prod']);
      await deploy('2');
      expect(await deploy('1')).toMatchObject({ version: '1', state: 'running' });
    });

    it('stops, restarts and removes', async () => {
      await deploy('1');
      await orchestrator.stop(ref);
      await expect.poll(async () => (await orchestrator.status(ref))?.state).toBe('stopped');
      expect(await orchestrator.restart(ref)).toMatchObject({ version: '1', state: 'running' });
      await orchestrator.remove(ref);
      expect(await orchestrator.status(ref)).toBeUndefined();
      expect(await orchestrator.list()).toEqual([]);
    });

    it('finds its apps again after a runner restart', async () => {
      const deployed = await deploy('1');
      await orchestrator.close();
      orchestrator = await harness.open();
      const found = await orchestrator.list();
      expect(found).toEqual([expect.objectContaining({ ref, id: deployed.id, state: 'running' })]);
    });
  });
}
