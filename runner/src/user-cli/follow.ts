import { InvalidArgumentError } from 'commander';
import type { ApiClient } from './api-client.ts';
import { CommandDetail, DeploymentDetail } from './api-schemas.ts';
import { type ProgressFilter, verboseProgress } from './build-output.ts';
import { CliError } from './cli-error.ts';

// Following what the edge carries out asynchronously: a deployment's timeline, a runner command.

const pollIntervalMs = 500;
const finalDeploymentStates = new Set(['RUNNING', 'FAILED', 'STOPPED']);
const finalCommandStates = new Set(['succeeded', 'failed']);

/**
 * Polls the deployment, printing each new transition and, indented below, what the runner reports
 * while it works (image build steps, container start, health checks), until it is final or the
 * time is up. `showProgress` picks which of the runner's lines to print (all, by default).
 */
export async function followDeployment(
  api: ApiClient,
  id: string,
  timeoutSeconds: number,
  say: (text: string) => void,
  showProgress: ProgressFilter = verboseProgress,
): Promise<DeploymentDetail> {
  const path = api.tenantPath(`/deployments/${encodeURIComponent(id)}`);
  let printed = 0;
  let printedProgress = 0;
  return pollUntil({
    timeoutSeconds,
    read: async () => {
      const detail = await api.get(path, DeploymentDetail);
      const progress = detail.commandId
        ? (await api.get(api.tenantPath(`/commands/${encodeURIComponent(detail.commandId)}`), CommandDetail))
            .events
        : [];
      const lines = [
        ...detail.events.slice(printed).map((e) => ({
          at: e.at,
          text: `  ${clockTime(e.at)}  ${e.state.padEnd(8)}  ${e.reason}\n`,
        })),
        ...progress.slice(printedProgress).flatMap((e) =>
          e.message
            .split('\n')
            .filter((line) => line.trim() && !line.startsWith('stage:'))
            .flatMap(showProgress)
            .map((line) => ({ at: e.at, text: `                      │ ${line.trimEnd()}\n` })),
        ),
      ];
      for (const line of lines.sort((a, b) => a.at.localeCompare(b.at))) say(line.text);
      printed = Math.max(printed, detail.events.length);
      printedProgress = Math.max(printedProgress, progress.length);
      return detail;
    },
    isFinal: (detail) => finalDeploymentStates.has(detail.state),
    stillOpen: (detail) =>
      `deployment ${id} is still ${detail.state} (${detail.reason}). ` +
      'It carries on; check it with `cameleer status`.',
  });
}

/** Polls a runner command, printing its progress messages, until it succeeded or failed or the time is up. */
export async function followCommand(
  api: ApiClient,
  id: string,
  timeoutSeconds: number,
  say: (text: string) => void,
): Promise<CommandDetail> {
  const path = api.tenantPath(`/commands/${encodeURIComponent(id)}`);
  let printed = 0;
  return pollUntil({
    timeoutSeconds,
    read: async () => {
      const detail = await api.get(path, CommandDetail);
      for (const event of detail.events.slice(printed)) say(`  ${clockTime(event.at)}  ${event.message}\n`);
      printed = Math.max(printed, detail.events.length);
      return detail;
    },
    isFinal: (detail) => finalCommandStates.has(detail.state),
    stillOpen: (detail) =>
      `command ${id} is still ${detail.state}. The runner carries it out once it gets it.`,
  });
}

async function pollUntil<T>(poll: {
  timeoutSeconds: number;
  read: () => Promise<T>;
  isFinal: (value: T) => boolean;
  stillOpen: (value: T) => string;
}): Promise<T> {
  const deadline = Date.now() + poll.timeoutSeconds * 1000;
  for (;;) {
    const value = await poll.read();
    if (poll.isFinal(value)) return value;
    const left = deadline - Date.now();
    if (left <= 0) throw new CliError(`Timed out after ${poll.timeoutSeconds} s: ${poll.stillOpen(value)}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollIntervalMs, left)));
  }
}

function clockTime(iso: string): string {
  return new Date(iso).toTimeString().slice(0, 8);
}

/** Parses `--timeout <seconds>`. */
export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new InvalidArgumentError('expected whole seconds, at least 1');
  return seconds;
}
