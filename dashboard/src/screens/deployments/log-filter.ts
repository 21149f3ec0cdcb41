export const logLevels = ['ERROR', 'WARN', 'INFO', 'DEBUG'] as const;
export type LogLevel = (typeof logLevels)[number];

const levelPattern = /\b(ERROR|WARN|INFO|DEBUG)\b/;

/** The level a line names, if it names one (Camel and most Java loggers print it as a word). */
export function levelOf(line: string): LogLevel | undefined {
  return levelPattern.exec(line)?.[1] as LogLevel | undefined;
}

/** A line as the panel keeps it: its place in the stream is its identity. */
export type LogLine = { seq: number; text: string };

/** The lines that contain the text (case-insensitive) and, when levels are picked, carry one of them. */
export function filterLines<T extends { text: string }>(lines: T[], text: string, levels: LogLevel[]): T[] {
  const needle = text.trim().toLowerCase();
  return lines.filter(({ text: line }) => {
    if (needle && !line.toLowerCase().includes(needle)) return false;
    if (levels.length === 0) return true;
    const level = levelOf(line);
    return level !== undefined && levels.includes(level);
  });
}
