/**
 * Kaniko, as the API stand-in's build pods run it: the build context is read from stdin as Kaniko's
 * `--context=tar://stdin` reads it (a gzipped tar), the Dockerfile's steps are checked against what
 * the context holds (every COPY source there, JARs that are zips), Kaniko-like lines go to the pod's
 * log, and the image is "pushed" unless the test told the registry to refuse it. The container then
 * terminates, and the Job controller marks the Job Complete or Failed.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import type { KubeApiStandIn, KubeObject } from './kube-api-stand-in.ts';

export class KanikoStandIn {
  /** Image references pushed so far. */
  readonly pushed = new Set<string>();
  /** Registries (host[:port]) that refuse a push. */
  readonly refusing = new Set<string>();
  /** Registries (host[:port]) the stand-in plays: pods pull only pushed images from them. */
  readonly hosting = new Set<string>();
  /** Builds run so far, one per context read. */
  builds = 0;

  constructor(private readonly api: KubeApiStandIn) {}

  /** Images from other registries are assumed there (prebuilt). */
  pullable(image: string): boolean {
    return !this.hosting.has(registryOf(image)) || this.pushed.has(image);
  }

  /** The container reads its stdin to the end, then builds; stdin is the attach stream's channel 0. */
  async run(pod: KubeObject, stdin: Readable): Promise<number> {
    this.builds++;
    const ns = pod.metadata.namespace ?? '';
    const log = (step: number, line: string) =>
      this.api.appendLog(ns, pod.metadata.name, `INFO[${String(step).padStart(4, '0')}] ${line}`);
    const args = containerOf(pod).args ?? [];
    const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    const destination = arg('destination') ?? '';
    let files: Map<string, Buffer>;
    try {
      files = await readContext(stdin);
    } catch (err) {
      return this.fail(
        pod,
        `error building image: error unpacking build context from stdin: ${(err as Error).message}`,
      );
    }
    const dockerfile = files.get(arg('dockerfile') ?? 'Dockerfile')?.toString('utf8');
    if (dockerfile === undefined) {
      return this.fail(
        pod,
        'error building image: error resolving dockerfile path: please provide a valid path to a Dockerfile within the build context with --dockerfile',
      );
    }
    const steps = dockerfile.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const from = steps.shift()?.replace(/^FROM\s+/i, '') ?? 'scratch';
    log(0, `Retrieving image manifest ${from}`);
    log(0, `Retrieving image ${from} from registry ${registryOf(from)}`);
    for (const [i, step] of steps.entries()) {
      const copy = /^COPY\s+(\S+)\s+/i.exec(step);
      const source = copy?.[1];
      if (source !== undefined) {
        const content = files.get(source);
        if (!content) {
          return this.fail(
            pod,
            `error building image: error building stage: failed to get files used from context: failed to get fileinfo for /kaniko/buildcontext/${source}: lstat /kaniko/buildcontext/${source}: no such file or directory`,
          );
        }
        if (source.endsWith('.jar') && content.subarray(0, 2).toString('latin1') !== 'PK') {
          return this.fail(
            pod,
            `error building image: ${source} is not a JAR (the stand-in checks the zip magic)`,
          );
        }
      }
      log(i + 1, step);
    }
    log(steps.length + 1, `Pushing image to ${destination}`);
    if (this.refusing.has(registryOf(destination))) {
      return this.fail(
        pod,
        `error pushing image: failed to push to destination ${destination}: PUT https://${registryOf(destination)}/v2/: UNAUTHORIZED: authentication required`,
      );
    }
    const digest = createHash('sha256')
      .update(dockerfile)
      .update(files.get('app.jar') ?? '')
      .digest('hex');
    this.pushed.add(destination);
    log(steps.length + 2, `Pushed ${destination.replace(/:[^/:]+$/, '')}@sha256:${digest}`);
    this.api.terminatePod(pod, 0);
    return 0;
  }

  private fail(pod: KubeObject, line: string): number {
    this.api.appendLog(pod.metadata.namespace ?? '', pod.metadata.name, line);
    this.api.terminatePod(pod, 1);
    return 1;
  }
}

export function containerOf(pod: KubeObject): {
  name?: string;
  image?: string;
  args?: string[];
  stdin?: boolean;
} {
  const spec = pod.spec as {
    containers?: { name?: string; image?: string; args?: string[]; stdin?: boolean }[];
  };
  return spec.containers?.[0] ?? {};
}

async function readContext(stdin: Readable): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      files.set(header.name.replace(/^\.\//, ''), Buffer.concat(chunks));
      next();
    });
    stream.resume();
  });
  await new Promise<void>((resolve, reject) => {
    const gunzip = createGunzip();
    gunzip.on('error', reject);
    stdin.on('error', reject);
    tar.on('error', reject);
    tar.on('finish', resolve);
    stdin.pipe(gunzip).pipe(tar as unknown as NodeJS.WritableStream);
  });
  return files;
}

/** `registry.example:5000/a/b:1` → `registry.example:5000`; Docker Hub names → `index.docker.io`. */
function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && /[.:]|^localhost$/.test(first) ? first : 'index.docker.io';
}
