import { Capability, CommandKind, Transport } from '@cameleer/shared';
import { z } from '@hono/zod-openapi';
import type { CommandRow, RunnerRow } from '../../db/schema/index.ts';
import { TenantParam } from '../../openapi.ts';
import { type RunnerVersionSettings, updateRequired } from '../../runner-releases/runner-versions.ts';
import type { TunnelHub } from '../../tunnel/hub.ts';
import { iso, isoOrNull } from '../context.ts';

export const RunnerView = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(['online', 'offline', 'revoked']),
    transport: Transport.nullable(),
    environments: z.array(z.string()),
    version: z.string(),
    updateRequired: z.boolean().openapi({
      description:
        "The runner is older than the edge's minimum runner version: run `cameleer-runner update` on its host",
    }),
    minimumVersion: z
      .string()
      .nullable()
      .openapi({ description: 'The oldest runner version this edge supports; null: any' }),
    capabilities: z.array(z.string()),
    inventory: z.array(z.unknown()),
    commandsInFlight: z
      .number()
      .int()
      .openapi({ description: 'Commands queued, sent or acknowledged and not yet finished' }),
    lastSeenAt: z.string().datetime().nullable(),
    connectedAt: z.string().datetime().nullable(),
    createdAt: z.string().datetime(),
    revokedAt: z.string().datetime().nullable(),
  })
  .openapi('Runner');

export const CommandView = z
  .object({
    id: z.string(),
    runnerId: z.string(),
    seq: z.number().int(),
    kind: z.string(),
    payload: z.record(z.string(), z.unknown()),
    state: z.enum(['queued', 'sent', 'acked', 'succeeded', 'failed']),
    createdAt: z.string().datetime(),
    deadline: z.string().datetime(),
    sentAt: z.string().datetime().nullable(),
    ackedAt: z.string().datetime().nullable(),
    finishedAt: z.string().datetime().nullable(),
    output: z.unknown().optional(),
    error: z.string().nullable(),
  })
  .openapi('Command');

export const CommandDetail = CommandView.extend({
  events: z.array(z.object({ at: z.string().datetime(), message: z.string() })),
}).openapi('CommandDetail');

export const CreateRunnerTokenInput = z
  .strictObject({
    environments: z
      .array(z.string().min(1).max(40))
      .max(20)
      .default([])
      .openapi({ description: 'Environments the runner serves; empty: all' }),
    ttlMinutes: z.number().int().min(1).max(1440).optional().openapi({ description: 'Default 60' }),
  })
  .openapi('CreateRunnerToken');

export const RunnerToken = z
  .object({
    token: z.string().openapi({ description: 'One-time registration token; shown once' }),
    expiresAt: z.string().datetime(),
    environments: z.array(z.string()),
    register: z.string().openapi({ description: 'The command that registers a runner with it' }),
    install: z
      .object({
        npm: z.string().openapi({ description: 'Register and start with npm (Node.js 22 on the machine)' }),
        binary: z.string().openapi({
          description: 'Download the single-file runner (Linux x64) from this edge, register and start it',
        }),
        docker: z.string().openapi({ description: 'Register and start in a container beside Docker' }),
        helm: z.string().openapi({
          description: 'Install in Kubernetes with the chart in charts/cameleer-runner (from a checkout)',
        }),
      })
      .openapi({ description: 'Copy-paste commands that register a runner with this token and start it' }),
  })
  .openapi('RunnerToken');

export const CreateCommandInput = z
  .strictObject({
    kind: CommandKind,
    payload: z.record(z.string(), z.unknown()).default({}),
    deadlineSeconds: z.number().int().min(1).max(86_400).optional().openapi({ description: 'Default 600' }),
  })
  .openapi('CreateCommand');

export const RegisterRunnerInput = z
  .strictObject({
    token: z.string().min(10).max(200),
    name: z.string().min(1).max(100),
    publicKey: z.strictObject({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url Ed25519 public key'),
    }),
    version: z.string().max(40).default(''),
    capabilities: z.array(Capability).max(3).default([]),
  })
  .openapi('RegisterRunner');

export const RegisteredRunner = z
  .object({
    runnerId: z.string(),
    tenantId: z.string(),
    tenantSlug: z.string(),
    environments: z.array(z.string()),
    commandKeys: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }),
  })
  .openapi('RegisteredRunner');

export const RunnerParams = z.object({
  tenant: TenantParam,
  runnerId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'runnerId', in: 'path' } }),
});

export function toRunnerView(
  row: RunnerRow,
  hub: TunnelHub | undefined,
  commandsInFlight: number,
  versions?: RunnerVersionSettings,
) {
  const live = hub?.connection(row.id, row);
  return {
    id: row.id,
    name: row.name,
    status: row.revokedAt ? ('revoked' as const) : live ? ('online' as const) : ('offline' as const),
    transport: live?.transport ?? (row.transport as Transport | null),
    environments: row.environments,
    version: row.version,
    updateRequired: updateRequired(row.version, versions),
    minimumVersion: versions?.minimum ?? null,
    capabilities: row.capabilities,
    inventory: row.inventory,
    commandsInFlight,
    lastSeenAt: isoOrNull(row.lastSeenAt),
    connectedAt: isoOrNull(row.connectedAt),
    createdAt: iso(row.createdAt),
    revokedAt: isoOrNull(row.revokedAt),
  };
}

export function toCommandView(row: CommandRow) {
  return {
    id: row.id,
    runnerId: row.runnerId,
    seq: row.seq,
    kind: row.kind,
    payload: row.payload,
    state: row.state,
    createdAt: iso(row.createdAt),
    deadline: iso(row.deadline),
    sentAt: isoOrNull(row.sentAt),
    ackedAt: isoOrNull(row.ackedAt),
    finishedAt: isoOrNull(row.finishedAt),
    output: row.output ?? undefined,
    error: row.error,
  };
}
