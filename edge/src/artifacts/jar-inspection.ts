/**
 * Checks an uploaded JAR without extracting it, by reading the ZIP structure
 * by hand (end-of-central-directory, central directory, one local header):
 * the edge also runs on Workers, where no Node ZIP library is at hand. Only
 * what a JVM can load is accepted: stored or deflated entries, no ZIP64, no
 * encryption, one disk.
 */

export type JarLimits = {
  /** Sum of the declared uncompressed sizes of all entries. */
  maxUncompressedBytes: number;
  /** Largest uncompressed/compressed ratio of one entry above `ratioFloorBytes`. */
  maxCompressionRatio: number;
  /** Entries smaller than this (uncompressed) are not ratio-checked: they cannot blow up far. */
  ratioFloorBytes: number;
  maxEntries: number;
  maxCentralDirectoryBytes: number;
  maxManifestBytes: number;
};

export const defaultJarLimits: JarLimits = {
  maxUncompressedBytes: 1024 ** 3,
  maxCompressionRatio: 100,
  ratioFloorBytes: 1024 ** 2,
  maxEntries: 65_535,
  maxCentralDirectoryBytes: 32 * 1024 ** 2,
  maxManifestBytes: 1024 ** 2,
};

export type JarInfo = { mainClass: string; entries: number; uncompressedBytes: number };

/** Why an archive was refused; the message is shown to the uploader. */
export class InvalidJar extends Error {
  override name = 'InvalidJar';
}

type Read = (offset: number, length: number) => Promise<Uint8Array<ArrayBuffer>>;

type Entry = {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
};

const sig = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50 };
const eocdSize = 22;
const manifestName = 'META-INF/MANIFEST.MF';
const javaClassName = /^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u;

export async function inspectJar(read: Read, size: number, limits = defaultJarLimits): Promise<JarInfo> {
  const head = await read(0, Math.min(size, 4));
  if (head.byteLength < 4 || view(head).getUint32(0, true) !== sig.local) {
    throw new InvalidJar('not a ZIP archive: a JAR starts with the bytes PK\\x03\\x04');
  }
  const { cdOffset, cdSize, total } = await endOfCentralDirectory(read, size, limits);
  const entries = parseCentralDirectory(await read(cdOffset, cdSize), total, cdOffset, limits);
  const manifest = entries.find((e) => e.name === manifestName);
  if (!manifest) throw new InvalidJar(`no ${manifestName}: build the JAR with a manifest`);
  const mainClass = mainClassOf(await entryText(read, manifest, cdOffset, limits));
  return {
    mainClass,
    entries: entries.length,
    uncompressedBytes: entries.reduce((n, e) => n + e.uncompressedSize, 0),
  };
}

async function endOfCentralDirectory(read: Read, size: number, limits: JarLimits) {
  const tailLength = Math.min(size, eocdSize + 0xffff);
  const tail = await read(size - tailLength, tailLength);
  const v = view(tail);
  for (let i = tail.byteLength - eocdSize; i >= 0; i--) {
    if (v.getUint32(i, true) !== sig.end || i + eocdSize + v.getUint16(i + 20, true) !== tail.byteLength) {
      continue;
    }
    const eocdOffset = size - tailLength + i;
    const onDisk = v.getUint16(i + 8, true);
    const total = v.getUint16(i + 10, true);
    const cdSize = v.getUint32(i + 12, true);
    const cdOffset = v.getUint32(i + 16, true);
    if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw new InvalidJar('ZIP64 archives are not supported');
    }
    if (v.getUint16(i + 4, true) !== 0 || v.getUint16(i + 6, true) !== 0 || onDisk !== total) {
      throw new InvalidJar('multi-disk (split) archives are not supported');
    }
    if (cdOffset + cdSize !== eocdOffset) {
      throw new InvalidJar(
        'unreadable central directory: it does not end where the archive ends (truncated?)',
      );
    }
    if (total > limits.maxEntries) throw new InvalidJar(`too many entries: ${total} > ${limits.maxEntries}`);
    if (cdSize > limits.maxCentralDirectoryBytes) {
      throw new InvalidJar(`central directory too large: ${cdSize} bytes`);
    }
    return { cdOffset, cdSize, total };
  }
  throw new InvalidJar('no end-of-central-directory record: the archive is truncated or not a ZIP');
}

function parseCentralDirectory(cd: Uint8Array, total: number, cdOffset: number, limits: JarLimits): Entry[] {
  const v = view(cd);
  const names = new Set<string>();
  const entries: Entry[] = [];
  let uncompressedTotal = 0;
  let at = 0;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for (let n = 0; n < total; n++) {
    if (at + 46 > cd.byteLength || v.getUint32(at, true) !== sig.central) {
      throw new InvalidJar(`unreadable central directory: entry ${n + 1} of ${total} is damaged`);
    }
    const flags = v.getUint16(at + 8, true);
    const method = v.getUint16(at + 10, true);
    const compressedSize = v.getUint32(at + 20, true);
    const uncompressedSize = v.getUint32(at + 24, true);
    const nameLength = v.getUint16(at + 28, true);
    const next = at + 46 + nameLength + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
    const localOffset = v.getUint32(at + 42, true);
    if (next > cd.byteLength)
      throw new InvalidJar(`unreadable central directory: entry ${n + 1} overruns it`);
    let name: string;
    try {
      name = utf8.decode(cd.subarray(at + 46, at + 46 + nameLength));
    } catch {
      throw new InvalidJar(`entry ${n + 1} has a name that is not valid UTF-8`);
    }
    checkEntryName(name);
    if (names.has(name)) throw new InvalidJar(`duplicate entry ${JSON.stringify(name)}`);
    names.add(name);
    if (flags & 1) throw new InvalidJar(`entry ${JSON.stringify(name)} is encrypted`);
    if (method !== 0 && method !== 8) {
      throw new InvalidJar(
        `entry ${JSON.stringify(name)} uses compression method ${method}; only stored and deflate load in a JVM`,
      );
    }
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) {
      throw new InvalidJar('ZIP64 archives are not supported');
    }
    if (localOffset + 30 + nameLength + compressedSize > cdOffset) {
      throw new InvalidJar(`entry ${JSON.stringify(name)} lies outside the archive (truncated?)`);
    }
    uncompressedTotal += uncompressedSize;
    if (uncompressedTotal > limits.maxUncompressedBytes) {
      throw new InvalidJar(
        `zip bomb: entries expand to more than ${limits.maxUncompressedBytes} bytes uncompressed`,
      );
    }
    const ratio = uncompressedSize / Math.max(compressedSize, 1);
    if (uncompressedSize >= limits.ratioFloorBytes && ratio > limits.maxCompressionRatio) {
      throw new InvalidJar(
        `zip bomb: entry ${JSON.stringify(name)} expands ${Math.round(ratio)}x (at most ${limits.maxCompressionRatio}x)`,
      );
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localOffset });
    at = next;
  }
  if (at !== cd.byteLength)
    throw new InvalidJar('unreadable central directory: trailing bytes after the entries');
  return entries;
}

/** Zip-slip: every entry must stay inside the directory it is extracted to. */
function checkEntryName(name: string): void {
  const quoted = JSON.stringify(name);
  if (name.length === 0 || name.includes('\0')) throw new InvalidJar('an entry has an empty or NUL name');
  if (name.includes('\\')) throw new InvalidJar(`entry ${quoted} contains a backslash (zip-slip)`);
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) {
    throw new InvalidJar(`entry ${quoted} has an absolute path (zip-slip)`);
  }
  if (name.split('/').includes('..'))
    throw new InvalidJar(`entry ${quoted} escapes the archive root (zip-slip)`);
}

async function entryText(read: Read, entry: Entry, cdOffset: number, limits: JarLimits): Promise<string> {
  if (entry.uncompressedSize > limits.maxManifestBytes) {
    throw new InvalidJar(`${entry.name} is larger than ${limits.maxManifestBytes} bytes`);
  }
  const header = await read(entry.localOffset, 30);
  const hv = view(header);
  if (header.byteLength < 30 || hv.getUint32(0, true) !== sig.local) {
    throw new InvalidJar(`the local header of ${entry.name} is damaged`);
  }
  const dataOffset = entry.localOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  if (dataOffset + entry.compressedSize > cdOffset)
    throw new InvalidJar(`${entry.name} lies outside the archive`);
  const data = await read(dataOffset, entry.compressedSize);
  const bytes = entry.method === 0 ? data : await inflate(data, entry.uncompressedSize, entry.name);
  if (bytes.byteLength !== entry.uncompressedSize) {
    throw new InvalidJar(`${entry.name} is not the size its directory entry declares`);
  }
  return new TextDecoder().decode(bytes);
}

/** Inflates at most `expected` bytes; more means the directory lied. */
async function inflate(data: Uint8Array<ArrayBuffer>, expected: number, name: string): Promise<Uint8Array> {
  const out = new Uint8Array(expected);
  let length = 0;
  try {
    const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      if (length + chunk.byteLength > expected)
        throw new InvalidJar(`${name} inflates past its declared size`);
      out.set(chunk, length);
      length += chunk.byteLength;
    }
  } catch (err) {
    if (err instanceof InvalidJar) throw err;
    throw new InvalidJar(`${name} is not valid deflate data`);
  }
  return out.subarray(0, length);
}

/** The main section's Main-Class (attribute names are case-insensitive; long lines continue with a space). */
export function mainClassOf(manifest: string): string {
  const lines: string[] = [];
  for (const line of manifest.split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') && lines.length > 0) lines[lines.length - 1] += line.slice(1);
    else lines.push(line);
  }
  const header = lines.find((l) => /^main-class:/i.test(l));
  if (!header) throw new InvalidJar(`${manifestName} has no Main-Class attribute`);
  const value = header.slice(header.indexOf(':') + 1).trim();
  if (!javaClassName.test(value)) {
    throw new InvalidJar(`Main-Class ${JSON.stringify(value)} is not a Java class name`);
  }
  return value;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
