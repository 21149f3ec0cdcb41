import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { ChdbResult, RawInsertFormat, Session } from 'chdb';
import { badArguments, ClickHouseHttpError, errorResponse, syntaxError } from './chdb-server-errors.ts';
import { chdbParams } from './chdb-server-params.ts';
import {
  hasMultipleStatements,
  type InsertWithData,
  isReadOnly,
  leadingKeyword,
  parseInsertWithData,
  splitTrailingFormat,
} from './chdb-server-sql.ts';

/**
 * One request of the ClickHouse HTTP interface, answered by chDB: what `@clickhouse/client`
 * sends (queries, inserts with rows in the body, commands, bound parameters, settings) and the
 * replies it expects (data in the asked format, `X-ClickHouse-Summary`, coded errors).
 * Not served: sessions (`session_id` is ignored), users and passwords (anyone may connect: the
 * server listens on loopback), response compression (replies are plain, which the client accepts).
 * URL settings apply to inserts and to SELECT/WITH queries; other statements ignore them.
 */

// URL parameters that steer the HTTP layer rather than the query.
const httpOnly = new Set([
  'query',
  'query_id',
  'database',
  'default_format',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'role',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'http_wait_end_of_query',
  'http_response_buffer_size',
  'enable_http_compression',
  'http_zlib_compression_level',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_native_compression_disable_checksumming_on_decompress',
  'add_http_cors_header',
  'client_protocol_version',
  'stacktrace',
]);

// The formats chDB inserts from raw bytes; other text formats go through the SQL text.
const rawInsertFormats = new Set<string>([
  'JSONEachRow',
  'JSONCompactEachRow',
  'CSV',
  'CSVWithNames',
  'TSV',
  'TabSeparated',
  'TSVWithNames',
  'TabSeparatedWithNames',
]);
const binaryFormats =
  /^(?:RowBinary|Native|Parquet|Arrow|ArrowStream|ORC|Avro|Protobuf|CapnProto|MsgPack|BSON|NPY)/i;
const identifier = /^[A-Za-z0-9_]+$/;
const tableName = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?$/;
// A column, or a Nested subcolumn (`Events.Name`), as chDB's raw insert takes it.
const columnName = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?$/;
const unquotedColumn = (c: string) => (/^`[A-Za-z0-9_.]+`$/.test(c) ? c.slice(1, -1) : c);

const decoders: Record<string, (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress) as (buf: Buffer, opts: zlib.ZlibOptions) => Promise<Buffer>,
};

export type ChdbHandlerOptions = {
  session: () => Session;
  /** Largest accepted request body, after decompression. */
  maxBodyBytes: number;
};

type Request = {
  method: string;
  path: string;
  urlQuery: string;
  body: Buffer;
  params: Record<string, string>;
  settings: Record<string, string>;
  database: string;
  defaultFormat: string;
  queryId: string;
};

type Reply = { status?: number; body: Uint8Array | string; format?: string; summary: Record<string, string> };

export function chdbRequestListener(opts: ChdbHandlerOptions) {
  let otherDatabaseUsed = false;

  async function run(req: Request): Promise<Reply> {
    if (req.method === 'GET' && (req.path === '/ping' || req.path === '/replicas_status')) {
      return { body: 'Ok.\n', summary: {} };
    }
    if (req.path !== '/' && req.path !== '/query') {
      throw new ClickHouseHttpError(1001, 'STD_EXCEPTION', `There is no handle ${req.path}. Use / or /ping`);
    }
    if (req.method === 'GET' && !req.urlQuery) return { body: 'Ok.\n', summary: {} };
    if (req.method !== 'GET' && req.method !== 'POST') {
      throw badArguments(`HTTP method ${req.method} is not supported`);
    }
    if (req.database !== 'default') {
      if (!identifier.test(req.database)) throw badArguments(`Invalid database name ${req.database}`);
      otherDatabaseUsed = true;
    }
    if (req.method === 'GET') {
      if (!isReadOnly(req.urlQuery)) {
        throw new ClickHouseHttpError(164, 'READONLY', 'Cannot execute query in readonly mode (GET)');
      }
      return query(req, req.urlQuery);
    }
    const insert = req.urlQuery ? parseInsertWithData(req.urlQuery) : undefined;
    if (insert) return insertRows(req, insert, req.body);
    if (!req.urlQuery && leadingKeyword(req.body.subarray(0, 4096).toString()) === 'INSERT') {
      const text = req.body.toString('utf8');
      const head = /^([\s\S]*?\sFORMAT\s+[A-Za-z0-9_]+)[ \t]*(?:\r?\n|$)/i.exec(text);
      const inlineInsert = head?.[1] ? parseInsertWithData(head[1]) : undefined;
      if (head && inlineInsert) {
        return insertRows(req, inlineInsert, req.body.subarray(Buffer.byteLength(head[0])));
      }
      return query(req, text, { inlineData: true });
    }
    const body = req.body.toString('utf8');
    return query(req, req.urlQuery && body ? `${req.urlQuery}\n${body}` : req.urlQuery || body);
  }

  async function query(req: Request, sql: string, flags: { inlineData?: boolean } = {}): Promise<Reply> {
    if (sql.trim() === '') throw syntaxError('Empty query');
    if (!flags.inlineData && hasMultipleStatements(sql))
      throw syntaxError('Multi-statements are not allowed');
    const { body, format } = splitTrailingFormat(sql);
    let statement = flags.inlineData ? sql : body;
    if (!flags.inlineData && ['SELECT', 'WITH'].includes(leadingKeyword(sql))) {
      const clause = settingsClause(req.settings);
      if (clause) statement = `${statement}\n${clause}`;
    }
    if (format && !flags.inlineData) statement = `${statement}\nFORMAT ${format}`;
    const outputFormat = format ?? req.defaultFormat;
    const result = await execute(req, statement, outputFormat);
    return {
      body: result.bytes(),
      format: outputFormat,
      summary: summary({ read_rows: result.rowsRead, read_bytes: result.bytesRead, elapsed: result.elapsed }),
    };
  }

  function execute(req: Request, sql: string, format: string): Promise<ChdbResult> {
    const session = opts.session();
    // chDB keeps `USE` for the connection: switch on every statement once any other database was asked for.
    const text = otherDatabaseUsed ? `USE \`${req.database}\`;\n${sql}` : sql;
    if (Object.keys(req.params).length === 0) return session.queryAsync(text, { format });
    return session.queryBindAsync(text, chdbParams(sql, req.params), { format });
  }

  async function insertRows(req: Request, insert: InsertWithData, rows: Buffer): Promise<Reply> {
    const session = opts.session();
    const qualified =
      req.database !== 'default' && !insert.table.includes('.')
        ? `${req.database}.${insert.table}`
        : insert.table;
    const columns = insert.columns?.split(',').map((c) => unquotedColumn(c.trim()));
    if (rows.length === 0) return { body: '', summary: summary({}) };
    if (
      rawInsertFormats.has(insert.format) &&
      tableName.test(qualified) &&
      (columns ?? []).every((c) => columnName.test(c))
    ) {
      const result = await session.insert({
        table: qualified,
        values: rows,
        format: insert.format as RawInsertFormat,
        ...(columns ? { columns } : {}),
        settings: req.settings,
      });
      return {
        body: '',
        summary: summary({
          written_rows: result.rowsWritten,
          written_bytes: result.bytesWritten,
          elapsed: result.elapsed,
        }),
      };
    }
    if (binaryFormats.test(insert.format)) {
      throw new ClickHouseHttpError(
        48,
        'NOT_IMPLEMENTED',
        `The embedded ClickHouse (chDB) takes inserts in text formats only, not ${insert.format}`,
      );
    }
    const head = `INSERT INTO ${insert.table}${insert.columns ? ` (${insert.columns})` : ''}`;
    const clause = settingsClause(req.settings);
    const sql = `${head}${clause ? ` ${clause}` : ''} FORMAT ${insert.format}\n${rows.toString('utf8')}`;
    const result = await execute(req, sql, 'TabSeparated');
    return { body: '', summary: summary({ elapsed: result.elapsed }) };
  }

  return async (incoming: IncomingMessage, res: ServerResponse) => {
    const queryId =
      new URL(incoming.url ?? '/', 'http://localhost').searchParams.get('query_id') || randomUUID();
    try {
      const req = await readRequest(incoming, queryId, opts.maxBodyBytes);
      const reply = await run(req);
      send(res, reply.status ?? 200, reply.body, {
        'X-ClickHouse-Query-Id': queryId,
        'X-ClickHouse-Summary': JSON.stringify(reply.summary),
        'X-ClickHouse-Timezone': 'UTC',
        ...(reply.format
          ? { 'X-ClickHouse-Format': reply.format, 'Content-Type': contentType(reply.format) }
          : { 'Content-Type': 'text/plain; charset=UTF-8' }),
      });
    } catch (err) {
      const { status, code, body } = errorResponse(err);
      send(res, status, body, {
        'X-ClickHouse-Query-Id': queryId,
        'X-ClickHouse-Exception-Code': String(code),
        'Content-Type': 'text/plain; charset=UTF-8',
      });
    }
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: Uint8Array | string,
  headers: Record<string, string>,
) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function readRequest(incoming: IncomingMessage, queryId: string, maxBytes: number): Promise<Request> {
  const url = new URL(incoming.url ?? '/', 'http://localhost');
  let body = await readBody(incoming, maxBytes);
  const encoding = incoming.headers['content-encoding']?.toLowerCase();
  if (encoding && encoding !== 'identity') {
    const decode = decoders[encoding];
    if (!decode) throw badArguments(`Unknown Content-Encoding ${encoding}`);
    body = await decode(body, { maxOutputLength: maxBytes }).catch((err: Error) => {
      throw badArguments(`Cannot decompress the request body (${encoding}): ${err.message}`);
    });
  }
  const fields = new Map<string, string>(url.searchParams);
  const contentType = incoming.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(contentType)) {
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } })
      .formData()
      .catch(() => {
        throw badArguments('Malformed multipart/form-data body');
      });
    for (const [name, value] of form) if (typeof value === 'string') fields.set(name, value);
    body = Buffer.alloc(0);
  }
  const params: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (name.startsWith('param_')) params[name.slice('param_'.length)] = value;
    else if (!httpOnly.has(name)) settings[name] = value;
  }
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    urlQuery: fields.get('query') ?? '',
    body,
    params,
    settings,
    database: fields.get('database') || 'default',
    defaultFormat: fields.get('default_format') || 'TabSeparated',
    queryId,
  };
}

async function readBody(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > maxBytes)
      throw new ClickHouseHttpError(307, 'TOO_MANY_BYTES', `Request body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `SETTINGS a = 1, b = 'x'` from URL settings, names checked and values quoted. */
function settingsClause(settings: Record<string, string>): string {
  const entries = Object.entries(settings);
  if (entries.length === 0) return '';
  const parts = entries.map(([name, value]) => {
    if (!identifier.test(name)) throw badArguments(`Invalid setting name ${name}`);
    const literal = /^-?\d+(?:\.\d+)?$/.test(value) ? value : `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
    return `${name} = ${literal}`;
  });
  return `SETTINGS ${parts.join(', ')}`;
}

function summary(s: {
  read_rows?: number;
  read_bytes?: number;
  written_rows?: number;
  written_bytes?: number;
  elapsed?: number;
}): Record<string, string> {
  return {
    read_rows: String(s.read_rows ?? 0),
    read_bytes: String(s.read_bytes ?? 0),
    written_rows: String(s.written_rows ?? 0),
    written_bytes: String(s.written_bytes ?? 0),
    total_rows_to_read: String(s.read_rows ?? 0),
    result_rows: String(s.written_rows ?? 0),
    result_bytes: String(s.written_bytes ?? 0),
    elapsed_ns: String(Math.round((s.elapsed ?? 0) * 1e9)),
  };
}

function contentType(format: string): string {
  if (/^JSON.*EachRow/i.test(format)) return 'application/x-ndjson; charset=UTF-8';
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^(?:TSV|TabSeparated)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8; header=absent';
  if (binaryFormats.test(format)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}
