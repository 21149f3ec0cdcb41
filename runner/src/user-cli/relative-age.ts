const units = [
  { suffix: 'd', seconds: 86_400 },
  { suffix: 'h', seconds: 3_600 },
  { suffix: 'm', seconds: 60 },
] as const;

/** How long ago `then` was, in its largest whole unit: "3s ago", "5m ago", "2d ago". */
export function relativeAge(then: Date, now: Date): string {
  // A timestamp slightly in the future is clock skew between the edge and this machine, not news.
  const seconds = Math.max(0, Math.floor((now.getTime() - then.getTime()) / 1000));
  for (const unit of units) {
    if (seconds >= unit.seconds) return `${Math.floor(seconds / unit.seconds)}${unit.suffix} ago`;
  }
  return `${seconds}s ago`;
}
