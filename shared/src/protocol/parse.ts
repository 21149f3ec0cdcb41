import type { z } from 'zod';
import {
  type EdgeFrame,
  EdgeFrame as EdgeFrameSchema,
  type ErrorFrame,
  maxFrameBytes,
  protocolVersion,
  type RunnerFrame,
  RunnerFrame as RunnerFrameSchema,
} from './frames.ts';

export type ParseOutcome<T> = { ok: true; frame: T } | { ok: false; error: Omit<ErrorFrame, 'id'> };

function parseWith<T>(schema: z.ZodType<T>, raw: string): ParseOutcome<T> {
  const refuse = (
    code: ErrorFrame['code'],
    message: string,
    extra: Partial<ErrorFrame> = {},
  ): ParseOutcome<T> => ({
    ok: false,
    error: { v: protocolVersion, type: 'error', code, message, ...extra },
  });
  if (raw.length > maxFrameBytes)
    return refuse('frame-too-large', `frames are limited to ${maxFrameBytes} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return refuse('invalid-frame', 'the frame is not valid JSON');
  }
  const v = (json as { v?: unknown } | null)?.v;
  if (v !== protocolVersion) {
    return refuse(
      'unsupported-version',
      `protocol version ${String(v)} is not supported; this side speaks ${protocolVersion}`,
      {
        supported: [protocolVersion],
      },
    );
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    return refuse(
      'invalid-frame',
      `invalid frame: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unknown'}`,
    );
  }
  return { ok: true, frame: result.data };
}

/** Parses a frame sent by a runner; never throws. */
export const parseRunnerFrame = (raw: string) => parseWith<RunnerFrame>(RunnerFrameSchema, raw);

/** Parses a frame sent by the edge; never throws. */
export const parseEdgeFrame = (raw: string) => parseWith<EdgeFrame>(EdgeFrameSchema, raw);
