import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import type { TestEdge } from './fixtures.ts';

/**
 * A real JAR built with the JDK: one class with a `main` printing `message`,
 * jarred with a manifest naming it. Different messages give different bytes.
 */
export function buildJar(opts: { mainClass?: string; message?: string } = {}): Uint8Array {
  const mainClass = opts.mainClass ?? 'demo.Main';
  const dot = mainClass.lastIndexOf('.');
  const pkg = dot > 0 ? mainClass.slice(0, dot) : '';
  const simple = mainClass.slice(dot + 1);
  const dir = mkdtempSync(join(tmpdir(), 'cameleer-jar-'));
  try {
    const srcDir = join(dir, 'src', ...pkg.split('.').filter(Boolean));
    mkdirSync(srcDir, { recursive: true });
    const source = join(srcDir, `${simple}.java`);
    writeFileSync(
      source,
      `${pkg ? `package ${pkg};\n` : ''}public class ${simple} {\n  public static void main(String[] args) {\n    System.out.println(${JSON.stringify(opts.message ?? 'hello')});\n  }\n}\n`,
    );
    execFileSync('javac', ['--release', '17', '-d', join(dir, 'classes'), source], { stdio: 'pipe' });
    const jar = join(dir, 'app.jar');
    execFileSync(
      'jar',
      ['--create', '--file', jar, '--main-class', mainClass, '-C', join(dir, 'classes'), '.'],
      {
        stdio: 'pipe',
      },
    );
    return new Uint8Array(readFileSync(jar));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type ZipEntry = {
  name: string;
  data: Uint8Array | string;
  /** Default deflate. */
  method?: 'store' | 'deflate';
  /** Lie about the uncompressed size in both headers. */
  declaredSize?: number;
};

/** A ZIP written by hand, so tests can craft archives no well-behaved tool would make. */
export function zipOf(entries: ZipEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const raw = typeof entry.data === 'string' ? Buffer.from(entry.data) : Buffer.from(entry.data);
    const deflate = (entry.method ?? 'deflate') === 'deflate';
    const body = deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(entry.name, 'utf8');
    const size = entry.declaredSize ?? raw.byteLength;
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.byteLength, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.byteLength, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.byteLength, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.byteLength, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.byteLength + name.byteLength + body.byteLength;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

const manifest = (mainClass = 'demo.Main') =>
  `Manifest-Version: 1.0\r\nCreated-By: cameleer tests\r\nMain-Class: ${mainClass}\r\n\r\n`;
const someClass = { name: 'demo/Main.class', data: new Uint8Array([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61]) };

/** A minimal archive that passes validation (no JDK needed): for tests that only need some valid JAR. */
export function minimalJar(mainClass = 'demo.Main', extra = ''): Uint8Array {
  return zipOf([
    { name: 'META-INF/MANIFEST.MF', data: manifest(mainClass) },
    { ...someClass, data: new Uint8Array([...someClass.data, ...Buffer.from(extra)]) },
  ]);
}

/** Archives the upload must refuse, each with a phrase its problem detail names. */
export function maliciousJars(
  validJar: Uint8Array,
): Array<{ name: string; bytes: Uint8Array; detail: RegExp }> {
  const withManifest = (...entries: ZipEntry[]) =>
    zipOf([{ name: 'META-INF/MANIFEST.MF', data: manifest() }, someClass, ...entries]);
  return [
    {
      name: 'zip-slip (..)',
      bytes: withManifest({ name: '../../evil.sh', data: 'rm -rf /' }),
      detail: /zip-slip/,
    },
    {
      name: 'zip-slip (absolute)',
      bytes: withManifest({ name: '/etc/cron.d/evil', data: 'x' }),
      detail: /absolute/,
    },
    {
      name: 'zip-slip (backslash)',
      bytes: withManifest({ name: 'a\\..\\..\\evil', data: 'x' }),
      detail: /backslash/,
    },
    {
      name: 'zip bomb',
      bytes: withManifest({ name: 'bomb.bin', data: new Uint8Array(64 * 1024 * 1024) }),
      detail: /zip bomb/,
    },
    { name: 'no manifest', bytes: zipOf([someClass]), detail: /no META-INF\/MANIFEST\.MF/ },
    {
      name: 'manifest without Main-Class',
      bytes: zipOf([{ name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\n\r\n' }, someClass]),
      detail: /no Main-Class/,
    },
    {
      name: 'not a zip',
      bytes: new TextEncoder().encode('#!/bin/sh\necho this is no jar\n'),
      detail: /not a ZIP/,
    },
    {
      name: 'truncated',
      bytes: validJar.subarray(0, Math.floor(validJar.byteLength * 0.6)),
      detail: /truncated/,
    },
  ];
}

/** POSTs raw JAR bytes (or a stream, sent chunked without content-length) as an upload. */
export function uploadJar(
  edge: TestEdge,
  path: string,
  token: string,
  bytes: Uint8Array | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
) {
  return Promise.resolve(
    edge.app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/java-archive', ...headers },
      body: bytes,
      ...(bytes instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit),
  );
}
