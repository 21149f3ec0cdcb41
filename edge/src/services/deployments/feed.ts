import type { DeploymentState } from '@cameleer/shared';
import { and, asc, eq, gt } from 'drizzle-orm';
import { commandEvents, deploymentEvents, deployments } from '../../db/schema/index.ts';
import { NotFound } from '../../errors.ts';
import type { TenantContext } from '../context.ts';

/**
 * How far a follower of one deployment got: the last timeline event and the last progress message
 * of its command it received. Both tables have time-ordered ids, and a deployment's rows are
 * written one after the other (its runner's frames are handled in order, one at a time), so
 * "after this id" misses nothing and repeats nothing.
 */
export type FeedCursor = { event?: string; progress?: string };

export type FeedItem =
  | { kind: 'state'; id: string; at: Date; state: DeploymentState; reason: string }
  | { kind: 'progress'; id: string; at: Date; lines: string[] };

/** A deployment in one of these states is settled: its feed ends once everything before was sent. */
export const settledStates: readonly DeploymentState[] = ['RUNNING', 'FAILED', 'STOPPED'];

const cursorPattern = /^(dpe_[0-9a-z]{26})?\.(cev_[0-9a-z]{26})?$/;

/** `dpe_….cev_…`, either side empty when nothing of it was received: the SSE event id. */
export function formatCursor(cursor: FeedCursor): string {
  return `${cursor.event ?? ''}.${cursor.progress ?? ''}`;
}

/** A cursor from a Last-Event-ID; anything malformed starts from the beginning. */
export function parseCursor(raw: string | undefined): FeedCursor {
  const match = raw ? cursorPattern.exec(raw) : null;
  if (!match) return {};
  return { event: match[1], progress: match[2] };
}

/** A deployment's state, and its timeline events and build output after `cursor`, merged in time order. */
export async function deploymentFeed({
  ctx,
  input,
}: {
  ctx: Pick<TenantContext, 'db' | 'tenantId'>;
  input: { deploymentId: string; cursor: FeedCursor };
}) {
  const [deployment] = await ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, input.deploymentId)))
    .limit(1);
  if (!deployment) throw new NotFound(`Deployment ${input.deploymentId}`);
  const { event, progress } = input.cursor;
  const states = await ctx.db
    .select({
      id: deploymentEvents.id,
      at: deploymentEvents.at,
      state: deploymentEvents.state,
      reason: deploymentEvents.reason,
    })
    .from(deploymentEvents)
    .where(
      and(
        eq(deploymentEvents.tenantId, ctx.tenantId),
        eq(deploymentEvents.deploymentId, deployment.id),
        event ? gt(deploymentEvents.id, event) : undefined,
      ),
    )
    .orderBy(asc(deploymentEvents.id));
  const output = deployment.commandId
    ? await ctx.db
        .select({ id: commandEvents.id, at: commandEvents.at, message: commandEvents.message })
        .from(commandEvents)
        .where(
          and(
            eq(commandEvents.tenantId, ctx.tenantId),
            eq(commandEvents.commandId, deployment.commandId),
            progress ? gt(commandEvents.id, progress) : undefined,
          ),
        )
        .orderBy(asc(commandEvents.id))
    : [];
  const items = merge(
    states.map((s) => ({ kind: 'state' as const, ...s })),
    output.map((o) => ({ kind: 'progress' as const, id: o.id, at: o.at, lines: buildLines(o.message) })),
  );
  return { deployment, items };
}

/** The lines a person reads: the runner's `stage:` markers move the state, they are not output. */
function buildLines(message: string): string[] {
  return message.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('stage:'));
}

/** Both lists keep their own order (the cursor relies on it); between them, the earlier comes first. */
function merge(a: FeedItem[], b: FeedItem[]): FeedItem[] {
  const out: FeedItem[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x.at.getTime() <= y.at.getTime())) {
      out.push(x);
      i++;
    } else if (y) {
      out.push(y);
      j++;
    }
  }
  return out;
}

/** The cursor once `item` was received. */
export function advance(cursor: FeedCursor, item: FeedItem): FeedCursor {
  return item.kind === 'state' ? { ...cursor, event: item.id } : { ...cursor, progress: item.id };
}
