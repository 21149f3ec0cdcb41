/**
 * Dates and times as the console shows them: local time, year first (2026-12-07 04:30:12).
 * Not toLocaleString(): a page's first use of Intl's date formatting loads its locale and time
 * zone data, a 40–200 ms task on a throttled phone that the overview paid on every first load.
 */
const pad = (n: number) => String(n).padStart(2, '0');

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDateTime(iso: string): string {
  return `${formatDate(iso)} ${formatTime(iso)}`;
}
