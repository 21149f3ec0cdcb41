import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { OtlpRefused } from './limits.ts';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);

/** The body as sent, refused with 413 as soon as it passes `maxBytes` (it is not read further). */
export async function readRawBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof OtlpRefused) throw error;
    // The client went away mid-body: a refusal like any other, not an intake failure to log.
    throw new OtlpRefused('the request body was cut off');
  }
  return Buffer.concat(chunks, size);
}

/**
 * The body after its Content-Encoding. Inflating stops at `maxBytes` of output, so a small gzip
 * bomb costs no more than a legitimate large body.
 */
export async function decodeContent(
  raw: Buffer,
  encoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return raw;
  const options = { maxOutputLength: maxBytes };
  try {
    if (name === 'gzip' || name === 'x-gzip') return await gunzip(raw, options);
    if (name === 'deflate') {
      // HTTP's deflate is zlib-wrapped, but some clients send the raw stream.
      return await inflate(raw, options).catch((error: NodeJS.ErrnoException) =>
        error.code === 'Z_DATA_ERROR' ? inflateRaw(raw, options) : Promise.reject(error),
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    throw new OtlpRefused(`the body is not valid ${name}: ${(error as Error).message}`);
  }
  throw new OtlpRefused(`Content-Encoding ${name} is not supported; send gzip, deflate or none`, 415);
}

function tooLarge(maxBytes: number): OtlpRefused {
  return new OtlpRefused(`the body is over ${maxBytes} bytes (after decompression)`, 413);
}
