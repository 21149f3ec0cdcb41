import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { ApiClient } from './api-client.ts';
import { CliError } from './cli-error.ts';

/** One follow request lasts this long; the CLI then asks again, so `logs -f` runs until interrupted. */
const streamSeconds = 300;

/**
 * `cameleer logs -f`: prints the app's log as its runner streams it (server-sent
 * events relayed by the edge), reconnecting when a stream ends, until `signal`
 * aborts (Ctrl-C) or, with `once`, after the first stream.
 */
export async function followLogs(
  api: ApiClient,
  appPath: string,
  opts: { env: string; lines: number; signal?: AbortSignal; once?: boolean; seconds?: number },
  write: (text: string) => void,
): Promise<void> {
  let tail = opts.lines;
  for (;;) {
    const seconds = opts.seconds ?? streamSeconds;
    const query = new URLSearchParams({
      environment: opts.env,
      tail: String(tail),
      seconds: String(seconds),
    });
    const res = await api.stream(`${appPath}/logs/stream?${query}`, seconds);
    const ended = await relay(res, write, opts.signal);
    if (ended.failure) throw new CliError(`Could not follow the log: ${ended.failure}`);
    if (opts.once || opts.signal?.aborted) return;
    // The next stream starts with new lines only.
    tail = 0;
  }
}

async function relay(
  res: Response,
  write: (text: string) => void,
  signal?: AbortSignal,
): Promise<{ failure?: string }> {
  if (!res.body) return {};
  const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  const reader = events.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return {};
      if (value.event === 'line') write(`${value.data}\n`);
      if (value.event === 'end') return value.data === 'done' ? {} : { failure: value.data };
    }
  } catch (err) {
    if (signal?.aborted) return {};
    throw new CliError(`The log stream broke off: ${(err as Error).message}`);
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
