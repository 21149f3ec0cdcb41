import { isIPv6 } from 'node:net';

/** Where a deployment's agent serves `POST /replay`, and the agent token it answers to. */
export type ReplayEndpoint = { url: string; agentToken: string };

/**
 * What the intake learnt of each deployment's replay endpoint: the port the agent announced, at the
 * address its report came from (loopback for a process, the container's or pod's address otherwise),
 * so the runner never trusts an address an agent names. The newest report wins (a restarted app).
 */
export class ReplayEndpoints {
  readonly #byDeployment = new Map<string, ReplayEndpoint>();

  learn(deploymentId: string, remoteAddress: string, port: number, agentToken: string): void {
    const address = remoteAddress.replace(/^::ffff:/, '');
    const host = isIPv6(address) ? `[${address}]` : address;
    this.#byDeployment.set(deploymentId, { url: `http://${host}:${port}`, agentToken });
  }

  get(deploymentId: string): ReplayEndpoint | undefined {
    return this.#byDeployment.get(deploymentId);
  }
}
