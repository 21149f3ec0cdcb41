/**
 * Builds an app's image: a Dockerfile rendered from one template, the agent and
 * app JARs, streamed to the engine as a tar. Layers go base → agent → app, so a
 * new app version rebuilds only its own layer and reuses the cached others.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import type { JavaSearch } from '../java-on-path.ts';
import { type BuiltImage, ImageBuildFailed, type ImageBuildSpec, type Progress } from '../orchestrator.ts';
import { ensureBaseImage } from './base-image.ts';
import { APP_UID, DEFAULT_JRE_IMAGE } from './image-defaults.ts';
import { LABEL } from './labels.ts';

export { type BuiltImage, ImageBuildFailed, type ImageBuildSpec } from '../orchestrator.ts';
export { APP_UID, DEFAULT_JRE_IMAGE } from './image-defaults.ts';

/**
 * The app's labels (tenant, app) go in one `LABEL` line just before the app's COPY, so they are
 * cached with everything else and a new version commits exactly one layer. Per-version identity is
 * the tag (the version id, immutable) and the container's labels (version, SHA-256): on the image it
 * would cost every rebuild a second step, a container commit of its own.
 */
export function renderDockerfile({
  baseImage = DEFAULT_JRE_IMAGE,
  labels = {},
}: {
  baseImage?: string;
  labels?: Record<string, string>;
}): string {
  const label = Object.entries(labels).map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`);
  return [
    `FROM ${baseImage}`,
    'COPY agent.jar /opt/cameleer/agent.jar',
    `USER ${APP_UID}:${APP_UID}`,
    'WORKDIR /opt/app',
    'ENV PORT=8080 SERVER_PORT=8080',
    'EXPOSE 8080',
    'ENTRYPOINT ["java", "-javaagent:/opt/cameleer/agent.jar", "-jar", "/opt/app/app.jar"]',
    ...(label.length ? [`LABEL ${label.join(' ')}`] : []),
    // Last: everything above is cached across the app's versions.
    'COPY app.jar /opt/app/app.jar',
    '',
  ].join('\n');
}

/** `cameleer/{tenant}-{app}:{version}`, with the version made a valid Docker tag. */
export function imageTag(tenant: string, app: string, version: string): string {
  const tag =
    version
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 128) || 'latest';
  return `cameleer/${tenant}-${app}:${tag}`;
}

export async function buildAppImage(
  docker: Docker,
  spec: ImageBuildSpec,
  progress: Progress,
  /** Where the JDK that makes the default base image is looked for. */
  jdk: JavaSearch = process.env,
): Promise<BuiltImage> {
  const tag = imageTag(spec.tenant, spec.app, spec.version);
  await ensureBaseImage(docker, spec.baseImage ?? DEFAULT_JRE_IMAGE, progress, jdk).catch((err: Error) => {
    throw new ImageBuildFailed(err.message, []);
  });
  const sha256 = spec.sha256 ?? (await fileSha256(spec.appJarPath));
  const labels = { [LABEL.tenant]: spec.tenant, [LABEL.app]: spec.app };
  const context = await buildContext(spec, renderDockerfile({ baseImage: spec.baseImage, labels }));
  const output = await docker.buildImage(context, { t: tag, rm: true, forcerm: true });
  const lines: string[] = [];
  // Lines the engine sends together go out as one progress message: each message is a frame and a
  // stored event at the edge, and cached steps arrive by the dozen at once.
  const pending: string[] = [];
  const flush = () => {
    if (pending.length) progress(pending.splice(0).join('\n'));
  };
  let flushScheduled = false;
  let id = '';
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      output,
      (err) => (err ? reject(err) : resolve()),
      (event: { stream?: string; error?: string; aux?: { ID?: string } }) => {
        if (event.aux?.ID) id = event.aux.ID;
        const text = event.error ?? event.stream;
        if (!text) return;
        for (const line of text.split('\n')) {
          if (!line.trim()) continue;
          lines.push(line);
          pending.push(line);
        }
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(() => {
            flushScheduled = false;
            flush();
          });
        }
        if (event.error) reject(new ImageBuildFailed(`image build failed: ${event.error}`, lines.slice(-30)));
      },
    );
  })
    .catch((err: unknown) => {
      if (err instanceof ImageBuildFailed) throw err;
      throw new ImageBuildFailed(`image build failed: ${(err as Error).message}`, lines.slice(-30));
    })
    .finally(flush);
  if (!id) id = (await docker.getImage(tag).inspect()).Id;
  return { tag, id, sha256 };
}

/** Fixed mtimes and modes: the same JAR gives the same layer on every build. */
async function buildContext(spec: ImageBuildSpec, dockerfile: string): Promise<NodeJS.ReadableStream> {
  const tar = pack();
  const mtime = new Date('2000-01-01T00:00:00Z');
  const files: [string, string][] = [
    ['agent.jar', spec.agentJarPath],
    ['app.jar', spec.appJarPath],
  ];
  const sizes = await Promise.all(files.map(async ([, path]) => (await stat(path)).size));
  void (async () => {
    try {
      tar.entry({ name: 'Dockerfile', mode: 0o644, mtime }, dockerfile);
      for (const [i, [name, path]] of files.entries()) {
        const entry = tar.entry({ name, size: sizes[i], mode: 0o644, mtime });
        await pipeline(createReadStream(path), entry);
      }
      tar.finalize();
    } catch (err) {
      tar.destroy(err as Error);
    }
  })();
  // A streamx Readable: dockerode only pipes it.
  return tar as unknown as NodeJS.ReadableStream;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
