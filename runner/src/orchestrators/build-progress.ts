/**
 * An image build's output lines as command progress. Lines that arrive together go out as one
 * progress message: each message is a frame and a stored event at the edge, and cached steps (or a
 * joined build's log so far) arrive by the dozen at once. The last lines are kept for the reason
 * of a failed build.
 */
import type { Progress } from './orchestrator.ts';

export type BuildProgress = {
  line(line: string): void;
  /** Sends what is pending now (at the build's end). */
  flush(): void;
  lastLines(count?: number): string[];
};

const keptLines = 30;

export function buildProgress(progress: Progress): BuildProgress {
  const kept: string[] = [];
  const pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    if (pending.length) progress(pending.splice(0).join('\n'));
  };
  return {
    line(line) {
      if (!line.trim()) return;
      kept.push(line);
      if (kept.length > keptLines) kept.shift();
      pending.push(line);
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        flush();
      });
    },
    flush,
    lastLines: (count = keptLines) => kept.slice(-count),
  };
}
