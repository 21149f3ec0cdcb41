import { z } from 'zod';

const optional = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

/** Where telemetry is stored, from the environment (edge and runner alike). Without a URL: none named. */
export const ClickHouseEnv = z.object({
  /** A ClickHouse server's HTTP interface (http://host:8123). */
  CAMELEER_CLICKHOUSE_URL: optional.pipe(z.url().optional()),
  CAMELEER_CLICKHOUSE_USER: optional,
  /** Never logged. */
  CAMELEER_CLICKHOUSE_PASSWORD: optional,
  CAMELEER_CLICKHOUSE_DATABASE: optional,
});
export type ClickHouseEnv = z.infer<typeof ClickHouseEnv>;

/** How to reach a ClickHouse: what `@clickhouse/client` takes. */
export type ClickHouseConnection = { url: string; username?: string; password?: string; database?: string };

/** The connection the variables name; `undefined` without CAMELEER_CLICKHOUSE_URL. */
export function clickhouseConnectionOf(env: Partial<ClickHouseEnv>): ClickHouseConnection | undefined {
  if (!env.CAMELEER_CLICKHOUSE_URL) return undefined;
  return {
    url: env.CAMELEER_CLICKHOUSE_URL,
    ...(env.CAMELEER_CLICKHOUSE_USER ? { username: env.CAMELEER_CLICKHOUSE_USER } : {}),
    ...(env.CAMELEER_CLICKHOUSE_PASSWORD ? { password: env.CAMELEER_CLICKHOUSE_PASSWORD } : {}),
    ...(env.CAMELEER_CLICKHOUSE_DATABASE ? { database: env.CAMELEER_CLICKHOUSE_DATABASE } : {}),
  };
}
