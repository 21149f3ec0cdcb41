import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Capability,
  type EdgeFrame,
  type Hello,
  type InventoryItem,
  protocolVersion,
  type SignedCommand,
  type Transport,
  type Welcome,
} from '@cameleer/shared';
import { detectCapabilities } from './capabilities.ts';
import { CommandExecutor } from './commands/command-executor.ts';
import { CommandVerifier } from './commands/command-verifier.ts';
import { type CommandHandlers, defaultHandlers, type RunnerInfo } from './commands/handlers.ts';
import { parseRunnerConfig, type RunnerConfig } from './config/schema.ts';
import { edgeEndpoint, type RunnerCredentials, runnerBearer } from './credentials.ts';
import { type Deployments, openDeployments } from './deploy/choose-orchestrator.ts';
import { watchInventoryChanges } from './deploy/inventory-changes.ts';
import { refreshLicenceKeys } from './licence/stored-keys.ts';
import { createFileLogger, type Logger } from './logger.ts';
import type { Instance, Orchestrator } from './orchestrators/orchestrator.ts';
import { type HttpFetch, proxiedFetch } from './proxy/http-client.ts';
import { describeProxy } from './proxy/proxy-for-url.ts';
import { parseRunnerTiming, type RunnerTiming, type RunnerTimingInput } from './runner-config.ts';
import { type RunnerIdentity, readIdentity, readPrivateKey, updateCommandKeys } from './state/identity.ts';
import { CommandJournal, type CommandOutcome, type JournalEntry } from './state/journal.ts';
import { ensureStateDir } from './state/state-dir.ts';
import { StatusReporter } from './state/status-reporter.ts';
import { replayHandler } from './telemetry/failed-exchanges/replay-handler.ts';
import { TelemetryScopes } from './telemetry/scopes.ts';
import type { RunnerTelemetryConfig } from './telemetry/telemetry-config.ts';
import { type RunnerTelemetry, startRunnerTelemetry } from './telemetry/telemetry-service.ts';
import { Backoff } from './tunnel/backoff.ts';
import { InventoryReporter } from './tunnel/inventory-reporter.ts';
import { LongPollSession } from './tunnel/long-poll-session.ts';
import { TransportPolicy } from './tunnel/transport-policy.ts';
import { newFrameId, type SessionEnd, type TransportSession } from './tunnel/transport-session.ts';
import { TunnelSession } from './tunnel/tunnel-session.ts';
import { TypedEmitter } from './typed-emitter.ts';
import { runnerVersion } from './version.ts';

export type RunnerOptions = {
  stateDir: string;
  /** The configuration parsed at start (`parseRunnerConfig`); parsed from `process.env` when not given. */
  config?: RunnerConfig;
  /** Handlers by command kind, over the built-in ones (noop, echo, status, list). */
  handlers?: CommandHandlers;
  logger?: Logger;
  /** Also print log lines to stderr (the CLI's foreground mode). */
  echoLogs?: boolean;
  capabilities?: Capability[];
  inventory?: () => Promise<InventoryItem[]>;
  timing?: RunnerTimingInput;
  fetch?: HttpFetch;
  /** Deploy apps: pick Docker or processes at start, add the deploy handlers, report what runs as inventory. */
  deployments?: boolean;
  /** The inventory is sent again this often even when nothing changed (default 60 s; 0: only on changes). */
  inventoryIntervalMs?: number;
  /** Changes closer together than this are reported in one inventory frame (default 500 ms). */
  inventorySettleMs?: number;
  /** With `deployments`: collect the apps' logs, traces and metrics into this ClickHouse. */
  telemetry?: RunnerTelemetryConfig;
};

/** Commands whose effect changes what runs: the inventory follows each of them. */
const changesWhatRuns = new Set<SignedCommand['kind']>(['deploy', 'stop', 'restart', 'remove']);

type HelloInventory = Pick<Hello, 'inventory' | 'inventoryError'>;

export type RunnerEvents = {
  /** The edge welcomed the runner: commands flow. */
  connected: { transport: Transport; runnerId: string; edgeUrl: string };
  disconnected: { transport: Transport; reason: string };
  /** The transport changed (fallback to long-poll, or back to WebSocket). */
  transport: { transport: Transport; reason: string };
  /** A handler is about to run: `count` is how often it ran for this command in this process (1 unless broken). */
  effect: { commandId: string; kind: SignedCommand['kind']; count: number };
  result: { commandId: string; outcome: CommandOutcome };
  'keys-rotated': { kids: string[] };
  /** The edge revoked this runner; it stopped for good. */
  revoked: { reason: string };
  stopped: { reason: string };
};

/**
 * One runner process: keeps one tunnel to the edge up over whatever transport works, executes
 * commands exactly once in effect, and leaves everything it runs alone while the edge is away.
 */
export class Runner extends TypedEmitter<RunnerEvents> {
  private readonly timing: RunnerTiming;
  private readonly config: RunnerConfig;
  private readonly logger: Logger;
  private handlers: CommandHandlers;
  private deployments: Deployments | undefined;
  private readonly effects = new Map<string, number>();
  private identity: RunnerIdentity | undefined;
  private licenceKeysRefresh: Promise<unknown> | undefined;
  private credentials: RunnerCredentials | undefined;
  private journal: CommandJournal | undefined;
  private verifier: CommandVerifier | undefined;
  private executor: CommandExecutor | undefined;
  private status: StatusReporter | undefined;
  private session: TransportSession | undefined;
  private connectedTransport: Transport | null = null;
  private running = false;
  private readonly startedAt = Date.now();
  private readonly stopSignal = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private reporter: InventoryReporter | undefined;
  private telemetry: RunnerTelemetry | undefined;
  private unwatchInventory: () => void = () => {};

  constructor(private readonly opts: RunnerOptions) {
    super();
    this.timing = parseRunnerTiming(opts.timing);
    this.config = opts.config ?? parseRunnerConfig(process.env);
    this.handlers = { ...defaultHandlers, ...opts.handlers };
    this.logger = opts.logger ?? createFileLogger(ensureStateDir(opts.stateDir).log, { echo: opts.echoLogs });
  }

  get runnerId(): string | undefined {
    return this.identity?.runnerId;
  }

  get transport(): Transport | null {
    return this.connectedTransport;
  }

  /** How many times a handler ran for `commandId` in this process. */
  effectCount(commandId: string): number {
    return this.effects.get(commandId) ?? 0;
  }

  /** Loads the identity, key and journal, then keeps the tunnel up in the background until `stop()`. */
  async start(): Promise<void> {
    if (this.running) return;
    const files = ensureStateDir(this.opts.stateDir);
    const identity = readIdentity(this.opts.stateDir);
    const key = await readPrivateKey(this.opts.stateDir);
    this.identity = identity;
    this.credentials = { runnerId: identity.runnerId, tenantId: identity.tenantId, key };
    this.journal = CommandJournal.open(files.journal);
    const scopes =
      this.opts.deployments && this.opts.telemetry
        ? await TelemetryScopes.open(this.opts.stateDir)
        : undefined;
    if (this.opts.deployments) {
      this.deployments = await openDeployments({
        stateDir: this.opts.stateDir,
        config: this.config,
        logger: this.logger,
        fetch: this.opts.fetch,
        ...(scopes
          ? { telemetry: { scopes, intakeUrl: (o) => this.telemetry?.intakeUrl(o.runnerAddress) } }
          : {}),
      });
      this.handlers = {
        ...defaultHandlers,
        ...this.deployments?.handlers,
        ...(scopes ? { replay: replayHandler(() => this.telemetry?.replayEndpoints) } : {}),
        ...this.opts.handlers,
      };
    }
    const reporter = new InventoryReporter({
      take: () => this.takeInventory(),
      send: async (inventory) => this.sendInventory(inventory),
      intervalMs: this.opts.inventoryIntervalMs ?? 60_000,
      settleMs: this.opts.inventorySettleMs ?? 500,
      logger: this.logger,
    });
    this.reporter = reporter;
    if (this.deployments)
      this.unwatchInventory = watchInventoryChanges(this.deployments.orchestrator, () => reporter.changed());
    const verifier = await CommandVerifier.fromJwks(identity.commandKeys, identity);
    this.verifier = verifier;
    if (scopes && this.opts.telemetry)
      await this.startTelemetry(identity, scopes, this.opts.telemetry, verifier);
    this.status = new StatusReporter(this.opts.stateDir, identity.edgeUrl);
    const telemetry = this.telemetry;
    if (telemetry) this.status.followTelemetry(() => telemetry.status());
    this.executor = new CommandExecutor({
      journal: this.journal,
      verifier: () => verifier,
      handlers: this.handlers,
      runner: this.info(identity),
      logger: this.logger,
      send: (frame) => void this.session?.send(frame).catch(() => {}),
      sendResult: (entry) => this.sendResult(entry),
      onRun: (command) => {
        const count = this.effectCount(command.commandId) + 1;
        this.effects.set(command.commandId, count);
        this.emit('effect', { commandId: command.commandId, kind: command.kind, count });
      },
      onFinished: (command, outcome) => {
        // Before the result is sent: an inventory taken while the command ran is taken again.
        if (changesWhatRuns.has(command.kind)) reporter.changed();
        this.emit('result', { commandId: command.commandId, outcome });
      },
    });
    this.running = true;
    reporter.start();
    this.logger.info('runner started', {
      runnerId: identity.runnerId,
      edgeUrl: identity.edgeUrl,
      version: runnerVersion,
      network: describeProxy(identity.edgeUrl),
    });
    this.loop = this.keepConnected(identity);
  }

  /** Telemetry is an addition: when it cannot start, apps still deploy, without telemetry variables. */
  private async startTelemetry(
    identity: RunnerIdentity,
    scopes: TelemetryScopes,
    config: RunnerTelemetryConfig,
    verifier: CommandVerifier,
  ): Promise<void> {
    try {
      this.telemetry = await startRunnerTelemetry({
        stateDir: this.opts.stateDir,
        edgeUrl: identity.edgeUrl,
        config,
        scopes,
        keys: () => verifier.jwks,
        ...(this.deployments ? { orchestrator: this.deployments.orchestrator } : {}),
        ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}),
        logger: this.logger,
      });
    } catch (err) {
      this.logger.error('telemetry did not start: apps run without it', { error: String(err) });
    }
  }

  /** The intake apps export to, when telemetry runs. */
  get telemetryIntakeUrl(): string | undefined {
    return this.telemetry?.intake.url;
  }

  /** Where this runner runs apps and where they answer, once started with `deployments`. */
  appsHost(): { orchestrator: string; urlPattern?: string } | undefined {
    if (!this.deployments) return undefined;
    const { orchestrator, front } = this.deployments;
    const urlPattern = front?.urlFor({ tenant: '{tenant}', environment: '{env}', app: '{app}' });
    return { orchestrator: orchestrator.kind, ...(urlPattern ? { urlPattern } : {}) };
  }

  /** What this runner's apps run as and which run now (for `npm start`'s goodbye); rejects when they cannot be listed. */
  async runningApps(): Promise<{ orchestrator: Orchestrator['kind']; instances: Instance[] } | undefined> {
    if (!this.deployments) return undefined;
    const { orchestrator } = this.deployments;
    return { orchestrator: orchestrator.kind, instances: await orchestrator.list() };
  }

  /** Closes the tunnel, waits for the running command to finish and writes the final status. */
  async stop(reason = 'stopped'): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopSignal.abort();
    this.reporter?.stop();
    this.unwatchInventory();
    this.session?.stop();
    await this.loop;
    this.executor?.interrupt();
    await this.executor?.idle();
    this.journal?.close();
    await this.telemetry?.close();
    await this.deployments?.close();
    this.status?.stopped();
    this.logger.info('runner stopped', { reason });
    this.emit('stopped', { reason });
  }

  /** Resolves once the edge has welcomed the runner (rejects after `timeoutMs`). */
  connected(timeoutMs = 30_000): Promise<RunnerEvents['connected']> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the runner did not connect in time')), timeoutMs);
      this.once('connected', (e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
  }

  private async keepConnected(identity: RunnerIdentity): Promise<void> {
    const backoff = new Backoff({ baseMs: this.timing.backoffBaseMs, capMs: this.timing.backoffCapMs });
    const policy = new TransportPolicy(this.timing.fallbackAfterFailures);
    while (this.running) {
      const began = Date.now();
      const inventory = await this.helloInventory();
      const end = await this.runSession(identity, policy, inventory);
      if (!this.running) return;
      if (end.kind === 'revoked') {
        this.logger.error('this runner was revoked by the edge; register it again to reconnect', {
          reason: end.reason,
        });
        this.status?.failed(`revoked: ${end.reason}`);
        this.emit('revoked', { reason: end.reason });
        void this.stop('revoked');
        return;
      }
      if (policy.mode === 'long-poll' && end.kind === 'stopped') {
        policy.retryWebSocket();
        this.logger.info('trying the WebSocket again');
        continue;
      }
      if (policy.shouldFallBack(end)) {
        if (await this.edgeAnswersHttp(identity)) {
          policy.fallBack();
          this.logger.warn('WebSocket upgrades are blocked on this network; switching to HTTPS long-poll', {
            reason: 'reason' in end ? end.reason : end.kind,
          });
          this.emit('transport', { transport: 'long-poll', reason: 'WebSocket upgrades are blocked' });
          continue;
        }
      }
      if ('welcomed' in end && end.welcomed && Date.now() - began >= this.timing.stableAfterMs)
        backoff.reset();
      const delay = backoff.next();
      this.logger.info('reconnecting', { inMs: delay, attempt: backoff.attempts });
      try {
        await sleep(delay, undefined, { signal: this.stopSignal.signal });
      } catch {
        return;
      }
    }
  }

  /** Runs one session to its end. */
  private runSession(
    identity: RunnerIdentity,
    policy: TransportPolicy,
    inventory: HelloInventory,
  ): Promise<SessionEnd> {
    const session = this.createSession(identity, policy.mode, inventory);
    this.session = session;
    let inbound: Promise<void> = Promise.resolve();
    let retryTimer: NodeJS.Timeout | undefined;
    if (policy.mode === 'long-poll') {
      retryTimer = setTimeout(() => session.stop(), this.timing.websocketRetryMs);
      retryTimer.unref();
    }
    return new Promise((resolve) => {
      session.on('frame', (frame) => {
        inbound = inbound
          .then(() => this.onFrame(session, frame, policy))
          .catch((err) => this.logger.error('frame handling failed', { error: (err as Error).message }));
      });
      session.on('end', (end) => {
        clearTimeout(retryTimer);
        const was = this.connectedTransport;
        this.connectedTransport = null;
        this.session = undefined;
        const reason = end.kind === 'stopped' ? 'closed by the runner' : end.reason;
        if (was) {
          this.logger.warn('disconnected from the edge', { transport: was, reason });
          this.emit('disconnected', { transport: was, reason });
        } else if (end.kind !== 'stopped') {
          this.logger.warn('could not connect to the edge', { transport: session.transport, reason });
        }
        if (end.kind !== 'stopped') this.status?.disconnected(reason);
        resolve(end);
      });
      session.start();
    });
  }

  private createSession(
    identity: RunnerIdentity,
    transport: Transport,
    inventory: HelloInventory,
  ): TransportSession {
    const common = {
      edgeUrl: identity.edgeUrl,
      authorization: () => this.bearer(),
      hello: () => ({ runnerVersion, capabilities: this.capabilities(), ...inventory }),
      logger: this.logger,
      maxSilenceMs: this.timing.maxSilenceMs,
    };
    if (transport === 'websocket') {
      return new TunnelSession({
        ...common,
        url: edgeEndpoint(identity.edgeUrl, '/tunnel', 'ws'),
        handshakeTimeoutMs: this.timing.handshakeTimeoutMs,
      });
    }
    return new LongPollSession({
      ...common,
      url: edgeEndpoint(identity.edgeUrl, '/tunnel/poll'),
      pollWaitSeconds: this.timing.pollWaitSeconds,
      fetch: this.opts.fetch,
    });
  }

  private async onFrame(session: TransportSession, frame: EdgeFrame, policy: TransportPolicy): Promise<void> {
    if (frame.type === 'welcome') return this.onWelcome(session, frame, policy);
    if (frame.type === 'heartbeat') {
      this.status?.heartbeat();
      return;
    }
    if (frame.type === 'command') {
      if (!this.connectedTransport) {
        this.logger.warn('command before welcome ignored', { commandId: frame.commandId });
        return;
      }
      await this.executor?.receive(frame);
    }
  }

  private async onWelcome(
    session: TransportSession,
    welcome: Welcome,
    policy: TransportPolicy,
  ): Promise<void> {
    const identity = this.identity;
    const verifier = this.verifier;
    if (!identity || !verifier) return;
    if (welcome.runnerId !== identity.runnerId || welcome.tenantId !== identity.tenantId) {
      this.logger.error('the edge welcomed another runner; closing', { runnerId: welcome.runnerId });
      session.stop();
      return;
    }
    const before = verifier.keyIds.join(',');
    const rotated = await verifier.rotate(welcome.commandKeys);
    if (!rotated.ok) {
      this.logger.warn('keeping the trusted command keys', { reason: rotated.reason });
    } else if (verifier.keyIds.join(',') !== before) {
      updateCommandKeys(this.opts.stateDir, rotated.keys);
      this.logger.info('command keys rotated', { kids: verifier.keyIds });
      this.emit('keys-rotated', { kids: verifier.keyIds });
    }
    policy.connected();
    this.connectedTransport = session.transport;
    this.status?.connected(session.transport);
    const skewMs = welcome.serverTime - Date.now();
    this.logger.info('connected to the edge', {
      transport: session.transport,
      edgeUrl: identity.edgeUrl,
      skewMs,
    });
    this.emit('connected', {
      transport: session.transport,
      runnerId: identity.runnerId,
      edgeUrl: identity.edgeUrl,
    });
    for (const entry of this.journal?.undelivered() ?? []) this.sendResult(entry);
    this.refreshLicenceKeys(identity);
  }

  /** Best effort, off the tunnel's path: `license verify` then trusts the edge's current keys offline. */
  private refreshLicenceKeys(identity: RunnerIdentity): void {
    if (this.licenceKeysRefresh) return;
    this.licenceKeysRefresh = refreshLicenceKeys({
      edgeUrl: identity.edgeUrl,
      stateDir: this.opts.stateDir,
      fetch: this.opts.fetch,
    })
      .catch((err: Error) => this.logger.warn('cannot refresh the licence keys', { error: err.message }))
      .finally(() => {
        this.licenceKeysRefresh = undefined;
      });
  }

  private sendResult(entry: JournalEntry): void {
    const session = this.session;
    const outcome = entry.outcome;
    if (!session || !this.connectedTransport || !outcome) return;
    session
      .send({ v: protocolVersion, id: newFrameId(), type: 'result', commandId: entry.commandId, ...outcome })
      .then(() => this.journal?.markDelivered(entry.commandId))
      .catch(() => {
        // replayed after the next welcome
      });
  }

  private async edgeAnswersHttp(identity: RunnerIdentity): Promise<boolean> {
    try {
      const res = await (this.opts.fetch ?? proxiedFetch)(edgeEndpoint(identity.edgeUrl, '/healthz'), {
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }

  private bearer(): Promise<string> {
    if (!this.credentials) throw new Error('runner not started');
    return runnerBearer(this.credentials);
  }

  private capabilities(): Capability[] {
    return this.opts.capabilities ?? this.deployments?.capabilities ?? detectCapabilities(this.config);
  }

  private info(identity: RunnerIdentity): RunnerInfo {
    return {
      runnerId: identity.runnerId,
      version: runnerVersion,
      capabilities: this.capabilities(),
      uptimeSeconds: () => Math.round((Date.now() - this.startedAt) / 1000),
      transport: () => this.connectedTransport,
      inventory: () => this.inventory(),
    };
  }

  private async inventory(): Promise<InventoryItem[]> {
    try {
      return await this.takeInventory();
    } catch (err) {
      this.logger.warn('inventory failed', { error: (err as Error).message });
      return [];
    }
  }

  private async takeInventory(): Promise<InventoryItem[]> {
    const inventory = this.opts.inventory ?? this.deployments?.inventory;
    return (await inventory?.()) ?? [];
  }

  /** An inventory that could not be taken says so, lest the edge read "nothing runs here". */
  private async helloInventory(): Promise<HelloInventory> {
    try {
      return { inventory: await this.takeInventory() };
    } catch (err) {
      const error = (err as Error).message;
      this.logger.warn('inventory failed', { error });
      return { inventory: [], inventoryError: error || 'the inventory could not be taken' };
    }
  }

  /** Fire and forget: frames keep their order on the tunnel, so it lands after any result sent before it. */
  private sendInventory(inventory: InventoryItem[]): boolean {
    const session = this.session;
    if (!session || !this.connectedTransport) return false;
    session.send({ v: protocolVersion, id: newFrameId(), type: 'inventory', inventory }).catch(() => {
      // the next hello carries it
    });
    return true;
  }
}
