import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Runner, registerRunner, silentLogger } from '@cameleer/runner';
import type { EdgeApi } from './edge-api.ts';
import { percentile } from './load.ts';
import type { TunnelServerProcess } from './tunnel-server-process.ts';
import { WsEcho } from './ws-echo.ts';

export type LatencyPlan = {
  commands: number;
  warmup: number;
  rounds: number;
  /** The kind sent, `noop` unless told: a read journaled without fsync; `echo` is journaled like a deploy. */
  kind?: string;
  /** Stop the edge recording hops afterwards (default), or leave it on for a further run. */
  stopRecording?: boolean;
};

export type Latency = { samples: number; p50Ms: number; p99Ms: number };

export type CommandLatencyBench = {
  /** Raw `ws` round trip of a message the size of a command frame. */
  echo: Latency;
  echoBytes: number;
  /** The tunnel hop, on the edge's clock: command frame handed to the socket until the result frame arrives. */
  hop: Latency;
  /** POST until the runner has executed the no-op and sends its result. */
  result: Latency;
  /** POST until the API answers 202: the command is stored. */
  answer: Latency;
  /** POST until the runner starts the handler: the pickup latency. */
  pickup: Latency;
  /** The edge's own clock: command created until its result is stored (whole ms). */
  stored: Latency;
};

const resultTimeoutMs = 10_000;

/**
 * No-op commands (or `plan.kind`) through the API to a real runner in this process, sequentially, next to a plain
 * `ws` echo in alternating blocks so drift on a busy machine hits both alike.
 */
export async function benchCommandLatency(
  api: EdgeApi,
  edge: Pick<TunnelServerProcess, 'echoUrl' | 'tunnelHops' | 'stopRecordingHops'>,
  plan: LatencyPlan,
): Promise<CommandLatencyBench> {
  const stateDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-runner-'));
  const echo = await WsEcho.connect(edge.echoUrl);
  let runner: Runner | undefined;
  try {
    const token = await api.registrationToken();
    const identity = await registerRunner({ edgeUrl: api.url, token, stateDir, name: 'bench' });
    runner = new Runner({ stateDir, logger: silentLogger, capabilities: [] });
    const timeline = new CommandTimeline(runner);
    await runner.start();
    await runner.connected();

    const once = async () => {
      const sentAt = performance.now();
      const id = await api.sendCommand(identity.runnerId, plan.kind ?? 'noop');
      const answeredAt = performance.now();
      const { effectAt, resultAt } = await timeline.finished(id, resultTimeoutMs);
      return { id, answerMs: answeredAt - sentAt, pickupMs: effectAt - sentAt, resultMs: resultAt - sentAt };
    };
    for (let i = 0; i < plan.warmup; i++) {
      await echo.roundTrip();
      await once();
    }
    const echoes: number[] = [];
    const commands: Awaited<ReturnType<typeof once>>[] = [];
    const perRound = Math.ceil(plan.commands / plan.rounds);
    for (let r = 0; r < plan.rounds; r++) {
      for (let i = 0; i < perRound; i++) echoes.push(await echo.roundTrip());
      for (let i = 0; i < perRound; i++) commands.push(await once());
    }

    const measured = new Set(commands.map((c) => c.id));
    const rows = (await api.commands(identity.runnerId, 500)).filter((row) => measured.has(row.id));
    const unfinished = rows.filter((row) => row.state !== 'succeeded' || !row.finishedAt);
    if (rows.length !== measured.size || unfinished.length > 0)
      throw new Error(
        `${measured.size - rows.length + unfinished.length} commands did not succeed at the edge`,
      );
    const hops = await edge.tunnelHops();
    if (plan.stopRecording !== false) await edge.stopRecordingHops();
    const hopMs = commands.map((c) => hops[c.id]).filter((ms) => ms !== undefined);
    if (hopMs.length !== commands.length)
      throw new Error(`the edge recorded no tunnel hop for ${commands.length - hopMs.length} commands`);
    return {
      echo: latency(echoes),
      echoBytes: echo.messageBytes,
      hop: latency(hopMs),
      result: latency(commands.map((c) => c.resultMs)),
      answer: latency(commands.map((c) => c.answerMs)),
      pickup: latency(commands.map((c) => c.pickupMs)),
      stored: latency(rows.map((row) => Date.parse(row.finishedAt ?? '') - Date.parse(row.createdAt))),
    };
  } finally {
    echo.close();
    await runner?.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** When the runner started and finished each command, whether or not the POST has answered yet. */
export class CommandTimeline {
  private readonly effects = new Map<string, number>();
  private readonly results = new Map<string, { at: number; status: string }>();
  private readonly waiting = new Map<string, () => void>();

  constructor(runner: Runner) {
    runner.on('effect', ({ commandId }) => this.effects.set(commandId, performance.now()));
    runner.on('result', ({ commandId, outcome }) => {
      this.results.set(commandId, { at: performance.now(), status: outcome.status });
      this.waiting.get(commandId)?.();
    });
  }

  async finished(commandId: string, timeoutMs: number): Promise<{ effectAt: number; resultAt: number }> {
    if (!this.results.has(commandId)) {
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`no result for command ${commandId} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        this.waiting.set(commandId, () => {
          clearTimeout(timer);
          ok();
        });
      });
      this.waiting.delete(commandId);
    }
    const result = this.results.get(commandId);
    const effectAt = this.effects.get(commandId);
    if (!result || effectAt === undefined || result.status !== 'succeeded')
      throw new Error(`command ${commandId} did not succeed on the runner (${result?.status})`);
    return { effectAt, resultAt: result.at };
  }
}

function latency(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return { samples: sorted.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
}
