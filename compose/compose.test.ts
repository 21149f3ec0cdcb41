import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { identityHeaderNames } from '../edge/src/auth/identity-headers.ts';
import { nodeConfigNames } from '../edge/src/config/node.ts';
import { runnerConfigSchema } from '../runner/src/config/schema.ts';
import { AUTH_MIDDLEWARE } from '../runner/src/orchestrators/docker/labels.ts';
import {
  type ComposeModel,
  composeFile,
  dependenciesOf,
  envExample,
  namedVolumesOf,
  publishedPorts,
  resolvedCompose,
  startOrder,
} from './compose-file.ts';

const run = promisify(execFile);

// Debian's docker-compose (1.29) validates with this schema; scripts/compose.sh installs it.
const composeSpecSchema = '/usr/lib/python3/dist-packages/compose/config/compose_spec.json';

let stack: ComposeModel;
beforeAll(async () => {
  stack = await resolvedCompose();
});

/** The schema labels its parts with draft-04 `id`s, which Ajv refuses in a 2019-09 schema; they constrain nothing. */
function withoutDraft4Ids(node: unknown): object {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node as object;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

const oneShots = () =>
  Object.entries(stack.services)
    .filter(([, s]) => s.restart === 'no')
    .map(([name]) => name);

describe('the Compose stack (compose/compose.yaml)', () => {
  it('is accepted by docker-compose config with .env.example, every service there', () => {
    expect(Object.keys(stack.services).sort()).toEqual(
      ['clickhouse', 'edge', 'init', 'logto', 'postgres', 'register-runner', 'runner', 'traefik'].sort(),
    );
  });

  it("is valid per the Compose Specification's JSON schema", () => {
    const schema = withoutDraft4Ids(JSON.parse(readFileSync(composeSpecSchema, 'utf8')));
    // Formats of its own (ports, expose, duration) are Compose's checks, done by docker-compose config.
    // Its `$schema` spells the draft's address the old way (http, trailing #), unknown to Ajv: not checked.
    const ajv = new Ajv2019({
      strict: false,
      validateFormats: false,
      validateSchema: false,
      allErrors: true,
    });
    const validate = ajv.compile(schema);
    const valid = validate(parse(readFileSync(composeFile, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The same schema refuses what Compose would: a misspelt key.
    expect(validate({ services: { edge: { image: 'x', helthcheck: {} } } })).toBe(false);
  });

  it('has a health check and a restart policy on every long-running service; only init steps run once', () => {
    expect(oneShots().sort()).toEqual(['init', 'register-runner']);
    for (const [name, service] of Object.entries(stack.services)) {
      if (oneShots().includes(name)) continue;
      expect(service.healthcheck?.test, `${name} health check`).toBeDefined();
      expect(service.healthcheck?.disable, name).not.toBe(true);
      expect(service.restart, `${name} restart policy`).toBe('unless-stopped');
    }
  });

  it('starts in order: conditions only on health or completion, no cycle, the secrets made first', () => {
    const order = startOrder(stack.services);
    expect(order[0]).toBe('init');
    for (const [name, service] of Object.entries(stack.services)) {
      for (const [dep, condition] of Object.entries(dependenciesOf(service))) {
        const target = stack.services[dep];
        if (oneShots().includes(dep)) {
          expect(condition, `${name} → ${dep}`).toBe('service_completed_successfully');
        } else {
          expect(condition, `${name} → ${dep}`).toBe('service_healthy');
          expect(target?.healthcheck?.test, `${dep} has the health check ${name} waits for`).toBeDefined();
        }
      }
    }
    // Whoever reads the secrets volume comes after init, directly or through what it waits for.
    const waitsFor = (name: string, seen = new Set<string>()): Set<string> => {
      for (const dep of Object.keys(dependenciesOf(stack.services[name] ?? {}))) {
        if (!seen.has(dep)) waitsFor(dep, seen.add(dep));
      }
      return seen;
    };
    for (const [name, service] of Object.entries(stack.services)) {
      if (name === 'init' || !namedVolumesOf(service).includes('secrets')) continue;
      expect(waitsFor(name).has('init'), `${name} waits for init`).toBe(true);
    }
  });

  it('publishes ports only from Traefik', () => {
    const publishing = Object.entries(stack.services).filter(([, s]) => publishedPorts(s).length > 0);
    expect(publishing.map(([name]) => name)).toEqual(['traefik']);
    expect(publishedPorts(stack.services.traefik ?? {}).map((p) => p.published)).toEqual(['80', '443']);
  });

  it('explains in .env.example every variable the compose file reads, and none it does not', () => {
    const lines = readFileSync(envExample, 'utf8').split('\n');
    const explained = new Map<string, boolean>();
    lines.forEach((line, i) => {
      const name = /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
      // Commented itself, or one of a group under a comment (the images, the ports).
      let above = i - 1;
      while (/^[A-Z][A-Z0-9_]*=/.test(lines[above] ?? '')) above--;
      if (name) explained.set(name, (lines[above] ?? '').startsWith('#'));
    });
    const read = new Set(
      [...readFileSync(composeFile, 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]),
    );
    expect([...read].filter((name) => name && !explained.has(name))).toEqual([]);
    // COMPOSE_PROJECT_NAME is Compose's own.
    expect(
      [...explained.keys()].filter((name) => !read.has(name) && name !== 'COMPOSE_PROJECT_NAME'),
    ).toEqual([]);
    expect([...explained].filter(([, commented]) => !commented).map(([name]) => name)).toEqual([]);
  });

  it('keeps every secret out of the compose file and .env.example', () => {
    for (const [file, text] of [
      [composeFile, readFileSync(composeFile, 'utf8')],
      [envExample, readFileSync(envExample, 'utf8')],
    ] as const) {
      // A variable named like a secret is empty, or read at start from a file of the secrets volume.
      for (const [, name, value] of text.matchAll(/^\s*-?\s*([A-Z][A-Z0-9_]*)\s*[=:]\s*(.*)$/gm)) {
        if (!name || !/(PASSWORD|SECRET|TOKEN|KEYS?)$/.test(name)) continue;
        expect(value?.trim(), `${name} in ${file}`).toMatch(
          /^(|\$\{[A-Z0-9_]+:-\}|"\$\$\(head -n 1 \/secrets\/[a-z/-]+\)".*)$/,
        );
      }
      // Nothing that looks like a generated key: a long run of base64url mixing letters and digits.
      const keyLike = [...text.matchAll(/[A-Za-z0-9_+-]{24,}={0,2}/g)].filter(
        ([s]) => /\d/.test(s) && /[A-Z]/.test(s),
      );
      expect(
        keyLike.map(([s]) => s),
        file,
      ).toEqual([]);
    }
    for (const [name, service] of Object.entries(stack.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/(PASSWORD|SECRET|TOKEN|KEYS?)$/.test(key)) expect(value ?? '', `${name}.${key}`).toBe('');
      }
    }
  });

  it("routes private apps through the edge's ForwardAuth with every identity header the edge returns", () => {
    const labels = stack.services.edge?.labels ?? {};
    const middleware = AUTH_MIDDLEWARE.replace(/@docker$/, '');
    const prefix = `traefik.http.middlewares.${middleware}.forwardauth`;
    expect(labels[`${prefix}.address`]).toBe('http://edge:8080/auth/verify');
    const listed = (labels[`${prefix}.authResponseHeaders`] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase());
    const returned = Object.values(identityHeaderNames).map((h) => h.toLowerCase());
    expect(listed.sort()).toEqual(returned.sort());
  });

  it('passes the edge and the runner only variables they read (or NAME_FILE of one)', () => {
    const edgeKnown = new Set(nodeConfigNames.flatMap((name) => [name, `${name}_FILE`]));
    for (const name of Object.keys(stack.services.edge?.environment ?? {})) {
      expect(edgeKnown.has(name), `edge: ${name}`).toBe(true);
    }
    // The rest are runner-start.sh's own.
    const runnerKnown = new Set([
      ...Object.keys(runnerConfigSchema.shape),
      'EDGE_URL',
      'SECRETS_DIR',
      'CAMELEER_RUNNER_NAME',
    ]);
    for (const name of Object.keys(stack.services.runner?.environment ?? {})) {
      expect(runnerKnown.has(name), `runner: ${name}`).toBe(true);
    }
  });

  it("points the runner at Traefik's container and its own, and at the apps domain of the edge", () => {
    const runner = stack.services.runner?.environment ?? {};
    const edge = stack.services.edge?.environment ?? {};
    expect(runner.CAMELEER_TRAEFIK_CONTAINER).toBe(stack.services.traefik?.container_name);
    // Apps send telemetry to the runner on their own network, by its container's name.
    expect(runner.CAMELEER_RUNNER_CONTAINER).toBe(stack.services.runner?.container_name);
    expect(runner.CAMELEER_ORCHESTRATOR).toBe('docker');
    expect(runner.CAMELEER_APPS_DOMAIN).toBe(edge.CAMELEER_APPS_DOMAIN);
    expect(stack.services.runner?.volumes).toContainEqual(
      expect.stringMatching(/^\/var\/run\/docker\.sock:\/var\/run\/docker\.sock/),
    );
  });

  it("leads the public names to Traefik inside the stack, for the runner's downloads and the edge's issuer", () => {
    const aliases = stack.services.traefik?.networks?.proxy?.aliases ?? [];
    expect(aliases).toEqual(
      expect.arrayContaining([
        new URL(stack.services.edge?.environment?.CAMELEER_PUBLIC_URL ?? 'http://unset').host,
        new URL(stack.services.logto?.environment?.ENDPOINT ?? 'http://unset').host,
      ]),
    );
    expect(Object.keys(stack.services.runner?.networks ?? {})).toContain('proxy');
    expect(Object.keys(stack.services.edge?.networks ?? {})).toContain('proxy');
  });

  it('has init scripts that pass shellcheck', async () => {
    const scripts = ['generate-secrets.sh', 'postgres-databases.sh', 'register-runner.sh', 'runner-start.sh'];
    const { stdout } = await run('shellcheck', [
      '--severity=style',
      ...scripts.map((s) => `compose/init/${s}`),
    ]);
    expect(stdout).toBe('');
  });
});
