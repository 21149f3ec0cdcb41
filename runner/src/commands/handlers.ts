import type {
  Capability,
  InventoryItem,
  ListResult,
  RunnerStatusResult,
  SignedCommand,
  Transport,
} from '@cameleer/shared';

/** What a handler may know about the runner that executes it. */
export type RunnerInfo = {
  runnerId: string;
  version: string;
  capabilities: Capability[];
  uptimeSeconds(): number;
  transport(): Transport | null;
  inventory(): Promise<InventoryItem[]>;
};

export type CommandContext = {
  command: SignedCommand;
  runner: RunnerInfo;
  /** Streams a progress line to the edge (best effort: progress is not replayed after a disconnect). */
  progress(message: string): void;
  /** Aborted when the runner stops: long handlers (a log follow) end early. */
  signal: AbortSignal;
};

/** Runs one command; what it returns is the result's `output`, what it throws makes the command fail. */
export type CommandHandler = (ctx: CommandContext) => unknown;
export type CommandHandlers = Partial<Record<SignedCommand['kind'], CommandHandler>>;

/** A failure meant for the user: its message becomes the result's `error`. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
}

export const notSupportedYet = 'not supported by this runner yet';

export const defaultHandlers: CommandHandlers = {
  noop: () => ({}),
  echo: ({ command }) => command.payload,
  status: ({ runner }): RunnerStatusResult => ({
    runnerId: runner.runnerId,
    version: runner.version,
    capabilities: runner.capabilities,
    uptimeSeconds: runner.uptimeSeconds(),
    transport: runner.transport(),
  }),
  list: async ({ runner }): Promise<ListResult> => ({ items: await runner.inventory() }),
};
