/**
 * Reading the Compose stack for its tests: the file as Compose itself resolves it
 * (`docker-compose config` with an env file), and the questions the tests ask of it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);

export const composeDir = fileURLToPath(new URL('.', import.meta.url));
export const composeFile = fileURLToPath(new URL('compose.yaml', import.meta.url));
export const envExample = fileURLToPath(new URL('.env.example', import.meta.url));

export type DependsOn = Record<string, { condition?: string }>;
export type Service = {
  image?: string;
  container_name?: string;
  depends_on?: DependsOn | string[];
  environment?: Record<string, string | null>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  labels?: Record<string, string>;
  networks?: Record<string, { aliases?: string[] } | null>;
  ports?: (string | { host_ip?: string; published?: number | string; target?: number })[];
  restart?: string;
  volumes?: (string | { source?: string; target?: string })[];
};
export type ComposeModel = { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** The stack as Compose resolves it with `envFile`: variables filled in, defaults applied. */
export async function resolvedCompose(envFile = envExample): Promise<ComposeModel> {
  const { stdout } = await run('docker-compose', ['--env-file', envFile, '-f', composeFile, 'config'], {
    cwd: composeDir,
    timeout: 60_000,
  });
  return parse(stdout) as ComposeModel;
}

/** `depends_on` in either spelling, as name → condition. */
export function dependenciesOf(service: Service): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(deps).map(([name, dep]) => [name, dep.condition ?? 'service_started']),
  );
}

/** The services in an order where each comes after what it depends on; a cycle throws with its members. */
export function startOrder(services: Record<string, Service>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`depends_on cycle: ${[...path, name].join(' → ')}`);
    state.set(name, 'visiting');
    const service = services[name];
    if (!service) throw new Error(`${path.at(-1)} depends on ${name}, which is not a service`);
    for (const dep of Object.keys(dependenciesOf(service))) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(services)) visit(name, []);
  return order;
}

/** Host address and port of each published port, in the short or the long syntax. */
export function publishedPorts(service: Service): { hostIp: string; published: string }[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port !== 'string')
      return { hostIp: port.host_ip ?? '', published: String(port.published ?? '') };
    const parts = port.split('/')[0]?.split(':') ?? [];
    if (parts.length === 3) return { hostIp: parts[0] ?? '', published: parts[1] ?? '' };
    return { hostIp: '', published: parts.length === 2 ? (parts[0] ?? '') : '' };
  });
}

/** Named volumes a service mounts, by name. */
export function namedVolumesOf(service: Service): string[] {
  return (service.volumes ?? [])
    .map((v) => (typeof v === 'string' ? v.split(':')[0] : v.source) ?? '')
    .filter((source) => source !== '' && !source.startsWith('/') && !source.startsWith('.'));
}
