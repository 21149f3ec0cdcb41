import { mkdir, readFile } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../state/atomic-file.ts';

/** Where a deployment's agent serves `POST /replay`, and the agent token it answers to. */
export type ReplayEndpoint = { url: string; agentToken: string };

const EndpointsFile = z.object({
  v: z.literal(1),
  deployments: z.record(z.string(), z.object({ url: z.string().url(), agentToken: z.string().min(1) })),
});

/**
 * What the intake learnt of each deployment's replay endpoint: the port the agent announced, at the
 * address its report came from (loopback for a process, the container's or pod's address otherwise),
 * so the runner never trusts an address an agent names. The newest report wins (a restarted app).
 * Opened from the state directory, it is kept on disk (0600, like the scopes), so a runner restart
 * does not leave replays waiting for the app's next failure to announce its endpoint again.
 */
export class ReplayEndpoints {
  readonly #byDeployment = new Map<string, ReplayEndpoint>();
  #writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly path?: string,
    /** Deployments that no longer run here are dropped when the next endpoint is learnt. */
    private readonly isLive: (deploymentId: string) => boolean = () => true,
  ) {}

  /** `<stateDir>/telemetry/replay-endpoints.json`; a missing or unreadable file is an empty map. */
  static async open(stateDir: string, isLive?: (deploymentId: string) => boolean): Promise<ReplayEndpoints> {
    const endpoints = new ReplayEndpoints(join(stateDir, 'telemetry', 'replay-endpoints.json'), isLive);
    const text = await readFile(endpoints.path ?? '', 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    const file = text === undefined ? undefined : EndpointsFile.safeParse(safeJson(text));
    for (const [id, endpoint] of Object.entries(file?.data?.deployments ?? {}))
      endpoints.#byDeployment.set(id, endpoint);
    return endpoints;
  }

  /**
   * Records the endpoint; resolves once it is on disk, never rejects: an endpoint that could not be
   * written is still known until the runner restarts, and the agent's next report writes it again.
   */
  learn(deploymentId: string, remoteAddress: string, port: number, agentToken: string): Promise<void> {
    const address = remoteAddress.replace(/^::ffff:/, '');
    const host = isIPv6(address) ? `[${address}]` : address;
    const endpoint = { url: `http://${host}:${port}`, agentToken };
    const known = this.#byDeployment.get(deploymentId);
    let changed = known?.url !== endpoint.url || known.agentToken !== agentToken;
    this.#byDeployment.set(deploymentId, endpoint);
    for (const id of this.#byDeployment.keys())
      if (id !== deploymentId && !this.isLive(id)) changed = this.#byDeployment.delete(id) || changed;
    return changed ? this.#save() : this.#writes;
  }

  get(deploymentId: string): ReplayEndpoint | undefined {
    return this.#byDeployment.get(deploymentId);
  }

  #save(): Promise<void> {
    const path = this.path;
    if (!path) return Promise.resolve();
    const snapshot = JSON.stringify({ v: 1, deployments: Object.fromEntries(this.#byDeployment) });
    const write = this.#writes.then(async () => {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, snapshot);
    });
    this.#writes = write.catch(() => {});
    return this.#writes;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
