/**
 * Streams an app's new log lines as command progress for a bounded time: the
 * edge relays them to whoever follows the log. Lines are batched (a quarter
 * second, or a size cap under the progress frame limit) so a chatty app costs
 * a few messages a second, not one per line.
 */
import type { AppRef, Orchestrator, Progress } from '../orchestrators/orchestrator.ts';

const flushMs = 250;
const maxBatchChars = 48 * 1024;

export async function followLogs(
  orchestrator: Orchestrator,
  ref: AppRef,
  opts: { tail: number; seconds: number; signal?: AbortSignal },
  progress: Progress,
): Promise<{ lines: number }> {
  let batch: string[] = [];
  let chars = 0;
  let lines = 0;
  const flush = () => {
    if (batch.length) progress(batch.join('\n'));
    batch = [];
    chars = 0;
  };
  const timer = setInterval(flush, flushMs);
  try {
    const timeout = AbortSignal.timeout(opts.seconds * 1000);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    for await (const line of orchestrator.logs(ref, { tail: opts.tail, follow: true, signal })) {
      const cut = line.slice(0, maxBatchChars);
      if (chars + cut.length > maxBatchChars) flush();
      batch.push(cut);
      chars += cut.length + 1;
      lines++;
    }
  } finally {
    clearInterval(timer);
    flush();
  }
  return { lines };
}
