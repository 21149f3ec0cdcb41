/**
 * What an app's image is built from, wherever it is built (the Docker engine, Kaniko in a cluster):
 * one Dockerfile template, and a tar of it with the agent and app JARs. Layers go base → agent →
 * app, so a new app version rebuilds only its own layer and reuses the cached others.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-stream';
import { APP_UID, DEFAULT_JRE_IMAGE } from './docker/image-defaults.ts';
import type { ImageBuildSpec } from './orchestrator.ts';

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

/** The build context as an uncompressed tar; fixed mtimes and modes: the same JAR gives the same layer on every build. */
export async function imageBuildContext(
  spec: Pick<ImageBuildSpec, 'agentJarPath' | 'appJarPath'>,
  dockerfile: string,
): Promise<NodeJS.ReadableStream> {
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
  // A streamx Readable: consumers only pipe it.
  return tar as unknown as NodeJS.ReadableStream;
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
