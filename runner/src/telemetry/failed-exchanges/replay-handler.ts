import { ReplayPayload, ReplayResult } from '@cameleer/shared';
import { CommandFailed, type CommandHandler } from '../../commands/handlers.ts';
import { parsePayload } from '../../commands/parse-payload.ts';
import type { ReplayEndpoints } from './replay-endpoints.ts';

const agentTimeoutMs = 60_000;

/**
 * `replay`: asks the deployment's agent to re-inject a failed exchange at its route's start. The
 * command id goes along as the idempotency key, so an agent asked twice (a command delivered again
 * after the runner lost its journal entry) replays once and answers the first outcome again.
 */
export function replayHandler(endpoints: () => ReplayEndpoints | undefined): CommandHandler {
  return async ({ command, progress, signal }) => {
    const payload = parsePayload(ReplayPayload, command.payload);
    const endpoint = endpoints()?.get(payload.deploymentId);
    if (!endpoint) {
      throw new CommandFailed(
        `the agent of ${payload.ref.app} in ${payload.ref.environment} has not told this runner where it ` +
          'serves replays (it does with every failed-exchange report); is the deployment still running?',
      );
    }
    progress(`asking the agent of ${payload.ref.app} to replay exchange ${payload.exchangeId}`);
    let response: Response;
    try {
      response = await fetch(`${endpoint.url}/replay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${endpoint.agentToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ exchangeId: payload.exchangeId, idempotencyKey: command.commandId }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(agentTimeoutMs)]),
      });
    } catch (error) {
      throw new CommandFailed(`the app's agent could not be reached at ${endpoint.url}: ${String(error)}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new CommandFailed(
        `the app's agent refused the replay (${response.status}): ${text.slice(0, 500)}`,
      );
    }
    let parsed: ReturnType<typeof ReplayResult.safeParse>;
    try {
      parsed = ReplayResult.safeParse(JSON.parse(text));
    } catch {
      throw new CommandFailed(`the app's agent answered something else than JSON: ${text.slice(0, 200)}`);
    }
    if (!parsed.success)
      throw new CommandFailed(`the app's agent answered an unknown outcome: ${text.slice(0, 200)}`);
    progress(
      `replay ${parsed.data.outcome}${parsed.data.exceptionType ? `: ${parsed.data.exceptionType}` : ''}`,
    );
    return parsed.data;
  };
}
