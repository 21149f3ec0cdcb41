import { and, asc, eq, isNull, or, type SQL } from 'drizzle-orm';
import { type ConfigEntryRow, configEntries } from '../db/schema/index.ts';
import { AppError, Conflict, InvalidRequest, NotFound } from '../errors.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { getApp } from './apps.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';
import { getEnvironment } from './environments.ts';
import { assertFeature } from './limits.ts';
import { samplingKey, samplingRatio, samplingValueMessage } from './trace-sampling.ts';

/** Where a value lives; the more specific layer wins: global ← environment ← app ← app in an environment. */
export type ConfigLayer = 'global' | 'environment' | 'app' | 'app-environment';
const precedence: ConfigLayer[] = ['global', 'environment', 'app', 'app-environment'];

/** A layer as the caller names it: environment and app by id or name, both optional. */
export type LayerRef = { environment?: string; app?: string };
type LayerIds = { environmentId: string | null; appId: string | null };

export const configKeyPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const maxConfigKeyLength = 128;
export const maxConfigValueBytes = 32 * 1024;

/** The agent's settings that are the tenant's to choose (docs/observability.md), although CAMELEER_-named. */
const agentSettings = ['CAMELEER_REDACT_PATTERNS'];

/** Set by the platform at every deploy (or by the runner, as the instance's port); a user value would be ignored or break the app. */
export function reservedConfigKey(key: string): boolean {
  if (key === samplingKey || agentSettings.includes(key)) return false;
  return ['PORT', 'SERVER_PORT', 'APP_VERSION'].includes(key) || key.startsWith('CAMELEER_');
}

export const layerOf = (row: Pick<ConfigEntryRow, 'environmentId' | 'appId'>): ConfigLayer =>
  row.appId ? (row.environmentId ? 'app-environment' : 'app') : row.environmentId ? 'environment' : 'global';

/** The additional data of a stored secret: the value opens only in its own tenant, layer and key. */
const secretContext = (tenantId: string, ids: LayerIds, key: string) =>
  `config\n${tenantId}\n${ids.environmentId ?? ''}\n${ids.appId ?? ''}\n${key}`;

async function layerIds(ctx: TenantContext, ref: LayerRef): Promise<LayerIds> {
  const environment = ref.environment
    ? await getEnvironment({ ctx, input: { environment: ref.environment } })
    : null;
  const app = ref.app ? await getApp({ ctx, input: { app: ref.app } }) : null;
  return { environmentId: environment?.id ?? null, appId: app?.id ?? null };
}

const inLayer = (ids: LayerIds): SQL | undefined =>
  and(
    ids.environmentId
      ? eq(configEntries.environmentId, ids.environmentId)
      : isNull(configEntries.environmentId),
    ids.appId ? eq(configEntries.appId, ids.appId) : isNull(configEntries.appId),
  );

function validate(key: string, value: string, secret: boolean) {
  const errors = [];
  if (key === samplingKey && samplingRatio(value) === undefined)
    errors.push({ path: 'value', message: samplingValueMessage });
  if (key === samplingKey && secret)
    errors.push({ path: 'secret', message: `${samplingKey} is a setting, not a secret` });
  if (key.length > maxConfigKeyLength || !configKeyPattern.test(key))
    errors.push({
      path: 'key',
      message: `must be an environment variable name (${configKeyPattern.source}, at most ${maxConfigKeyLength} characters)`,
    });
  else if (reservedConfigKey(key))
    errors.push({
      path: 'key',
      message: `is set by the platform (PORT, SERVER_PORT, APP_VERSION, CAMELEER_* but ${samplingKey})`,
    });
  if (new TextEncoder().encode(value).byteLength > maxConfigValueBytes)
    errors.push({ path: 'value', message: `must be at most ${maxConfigValueBytes} bytes` });
  if (value.includes('\0')) errors.push({ path: 'value', message: 'must not contain NUL characters' });
  if (errors.length)
    throw new InvalidRequest(`The configuration entry ${key.slice(0, 128)} is not valid`, errors);
}

/** What listings show: a secret's value never leaves the edge. */
export const configView = (row: ConfigEntryRow) => ({
  key: row.key,
  value: row.secret ? null : row.value,
  secret: row.secret,
  layer: layerOf(row),
  updatedAt: row.updatedAt,
  updatedBy: row.updatedBy,
});

export async function listConfig({ ctx, input }: { ctx: TenantContext; input: LayerRef }) {
  const ids = await layerIds(ctx, input);
  return ctx.db
    .select()
    .from(configEntries)
    .where(and(eq(configEntries.tenantId, ctx.tenantId), inLayer(ids)))
    .orderBy(asc(configEntries.key));
}

/** Creates or replaces one key in one layer; a secret is stored sealed. The audit entry names the key, never the value. */
export async function setConfig({
  ctx,
  secretBox,
  input,
}: {
  ctx: TenantContext;
  secretBox: SecretBox | undefined;
  input: LayerRef & { key: string; value: string; secret?: boolean };
}) {
  const secret = input.secret ?? false;
  validate(input.key, input.value, secret);
  if (secret) await assertFeature(ctx, 'secrets');
  if (secret && !secretBox)
    throw new AppError(
      'unavailable',
      'This edge has no secrets key (SECRETS_KEY), so it cannot store secrets',
    );
  const ids = await layerIds(ctx, input);
  const values = {
    value: secret ? null : input.value,
    valueEncrypted:
      secret && secretBox
        ? await secretBox.seal(input.value, secretContext(ctx.tenantId, ids, input.key))
        : null,
    secret,
    updatedAt: ctx.clock.now(),
    updatedBy: ctx.actor.id,
  };
  const where = and(eq(configEntries.tenantId, ctx.tenantId), inLayer(ids), eq(configEntries.key, input.key));
  const [updated] = await ctx.db.update(configEntries).set(values).where(where).returning();
  const [row] = updated
    ? [updated]
    : await ctx.db
        .insert(configEntries)
        .values({ tenantId: ctx.tenantId, ...ids, key: input.key, ...values })
        .returning();
  if (!row) throw new Error('insert returned nothing');
  await recordAudit(ctx, {
    action: 'config.set',
    targetType: 'config',
    targetId: row.id,
    status: updated ? 200 : 201,
    detail: { key: row.key, layer: layerOf(row), ...ids, secret },
  });
  return { row, created: !updated };
}

export async function unsetConfig({ ctx, input }: { ctx: TenantContext; input: LayerRef & { key: string } }) {
  const ids = await layerIds(ctx, input);
  const [row] = await ctx.db
    .delete(configEntries)
    .where(and(eq(configEntries.tenantId, ctx.tenantId), inLayer(ids), eq(configEntries.key, input.key)))
    .returning();
  if (!row) throw new NotFound(`Configuration key ${input.key} in this layer`);
  await recordAudit(ctx, {
    action: 'config.unset',
    targetType: 'config',
    targetId: row.id,
    status: 204,
    detail: { key: row.key, layer: layerOf(row), ...ids },
  });
}

/** The effective entries of an app in an environment, each from its most specific layer, by key. */
export async function resolveConfig(
  ctx: TenantContext,
  target: { appId: string; environmentId: string },
): Promise<ConfigEntryRow[]> {
  const rows = await ctx.db
    .select()
    .from(configEntries)
    .where(
      and(
        eq(configEntries.tenantId, ctx.tenantId),
        or(isNull(configEntries.environmentId), eq(configEntries.environmentId, target.environmentId)),
        or(isNull(configEntries.appId), eq(configEntries.appId, target.appId)),
      ),
    );
  const rank = (r: ConfigEntryRow) => precedence.indexOf(layerOf(r));
  const winners = new Map<string, ConfigEntryRow>();
  for (const row of rows.sort((a, b) => rank(a) - rank(b))) winners.set(row.key, row);
  return [...winners.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** The resolved entries as environment variables: plain values, and secrets opened for the deploy command only. */
export async function configEnv(
  ctx: TenantContext,
  secretBox: SecretBox | undefined,
  entries: ConfigEntryRow[],
): Promise<{ plain: Record<string, string>; secrets: Record<string, string> }> {
  const plain: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const row of entries) {
    if (!row.secret) {
      plain[row.key] = row.value ?? '';
      continue;
    }
    if (!secretBox || !row.valueEncrypted)
      throw new AppError(
        'unavailable',
        `This edge has no secrets key (SECRETS_KEY) to open the secret ${row.key}`,
      );
    try {
      secrets[row.key] = await secretBox.open(row.valueEncrypted, secretContext(ctx.tenantId, row, row.key));
    } catch {
      throw new Conflict(
        `The secret ${row.key} (${layerOf(row)} layer) does not open with this edge's secrets key; set it again`,
      );
    }
  }
  return { plain, secrets };
}
