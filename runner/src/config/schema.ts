/**
 * The runner's configuration: every variable it reads, in one schema, parsed once at start. The
 * docs' configuration table is rendered from the fields' descriptions, so each one says what it is
 * and its default. Keys are the variables' names; modules receive the parsed `RunnerConfig`.
 */
import { ClickHouseEnv, tierNames } from '@cameleer/shared';
import { z } from 'zod';
import { defaultFrontPort } from '../runner-config.ts';

/** Unset and blank are the same: a variable exported empty falls back to its default. */
const text = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

/** Not trimmed: a path may end in a space, and PATH is taken as the shell gives it. */
const raw = z
  .string()
  .optional()
  .transform((s) => (s ? s : undefined));

const port = text.pipe(z.coerce.number<string | undefined>().int().min(0).max(65_535).optional());

export const runnerConfigSchema = z
  .object({
    CAMELEER_STATE_DIR: raw.describe(
      "The runner's state directory (identity, journal, apps, spool) when `--state-dir` is not given (default `./.cameleer-runner`; `status`, `logs` and `doctor` also look in the local runner of `npm start`)",
    ),
    CAMELEER_DATA_DIR: raw.describe(
      'The data directory of `npm start`, whose `runner/` holds its local runner; `status`, `logs` and `doctor` look there (default `./.cameleer`)',
    ),
    CAMELEER_ORCHESTRATOR: text.describe(
      'Where apps run: `kubernetes`, `docker` or `process`; overrides the choice the runner made and remembered (default: Kubernetes inside a cluster or with CAMELEER_KUBECONFIG, else Docker when its engine answers, else processes when a java is at hand)',
    ),
    CAMELEER_APPS_DOMAIN: text
      .transform((d) => d ?? 'localhost')
      .describe(
        'Docker and Kubernetes: apps are routed (Traefik, an Ingress) at `{app}.{env}.{tenant}.<domain>` (default `localhost`)',
      ),
    CAMELEER_TRAEFIK_CONTAINER: text.describe(
      'Docker: the Traefik container (name or id) on the same engine that routes apps; the runner joins it to each tenant-environment network, so Traefik reaches the apps and apps of other networks stay apart (default: none, Traefik is joined by hand)',
    ),
    CAMELEER_RUNNER_CONTAINER: text.describe(
      "Docker: the runner's own container (name or id) when it runs in one on the engine it deploys to; the runner joins it to each tenant-environment network and apps send telemetry to it by that name and it reaches apps by their container names, so no port is published (default: none, apps reach the intake at the host's gateway)",
    ),
    CAMELEER_JRE_IMAGE: text.describe(
      'Docker: the JRE base image apps are built on (default `cameleer/jre:17`, made locally from the JDK when absent)',
    ),
    CAMELEER_RELEASE_PUBLIC_KEY: text.describe(
      "The release signing key's public half (base64url `x` of an Ed25519 JWK) that `cameleer-runner update` verifies builds with (default: Cameleer's, compiled in; set it only for builds you sign yourself)",
    ),
    CAMELEER_AGENT_JAR: text.describe(
      'The observability agent JAR attached to every app (default: `<state dir>/agent/cameleer-agent.jar`, built on first use)',
    ),
    CAMELEER_FRONT_PORT: text.describe(
      'Port of the front that serves apps at `{app}.{env}.{tenant}.<front domain>`; `0` any free port, `off` no front (default `8880`)',
    ),
    CAMELEER_FRONT_HOST: text.describe(
      'Interface the front listens on; loopback unless apps are to be reachable from elsewhere (default `127.0.0.1`)',
    ),
    CAMELEER_FRONT_DOMAIN: text.describe(
      'Domain under which the front serves apps; `*.localhost` resolves to loopback without DNS (default `localhost`)',
    ),
    CAMELEER_CLICKHOUSE_URL: ClickHouseEnv.shape.CAMELEER_CLICKHOUSE_URL.describe(
      "ClickHouse HTTP interface apps' logs, traces and metrics are stored in (default: none, telemetry is off and logs stay live only)",
    ),
    CAMELEER_CLICKHOUSE_USER: ClickHouseEnv.shape.CAMELEER_CLICKHOUSE_USER.describe(
      'ClickHouse user (default: the server’s default user)',
    ),
    CAMELEER_CLICKHOUSE_PASSWORD: ClickHouseEnv.shape.CAMELEER_CLICKHOUSE_PASSWORD.describe(
      'ClickHouse password; never logged (default: none)',
    ),
    CAMELEER_CLICKHOUSE_DATABASE: ClickHouseEnv.shape.CAMELEER_CLICKHOUSE_DATABASE.describe(
      'ClickHouse database (default: the server’s default database)',
    ),
    CAMELEER_INTAKE_HOST: text.describe(
      "Interface of the telemetry intake apps export to (default: the orchestrator's, `0.0.0.0` for containers, `127.0.0.1` for processes)",
    ),
    CAMELEER_INTAKE_PORT: port.describe(
      'Port of the telemetry intake; apps are told it when deployed (default `0`, any free port)',
    ),
    CAMELEER_TELEMETRY_SPOOL_BYTES: text
      .pipe(z.coerce.number<string | undefined>().int().positive().optional())
      .describe(
        'Disk the telemetry spool may use while ClickHouse is away; when full the intake answers 429 (default 6 GiB)',
      ),
    CAMELEER_TELEMETRY_RATE: text
      .pipe(z.coerce.number<string | undefined>().positive().optional())
      .describe(
        'Telemetry records per second the runner is expected to take; sizes the spool warning of `doctor` (default 1000)',
      ),
    CAMELEER_KUBECONFIG: raw.describe(
      'Kubernetes: the kubeconfig the runner deploys with; setting it chooses Kubernetes outside a cluster (default: the pod’s service account inside one, else none)',
    ),
    CAMELEER_KUBERNETES_NAMESPACE_PREFIX: text
      .transform((p) => p ?? 'cameleer-')
      .describe(
        'Kubernetes: prefix of the namespace made per tenant and environment, `<prefix><tenant>-<env>` (default `cameleer-`)',
      ),
    CAMELEER_KUBERNETES_INGRESS_CLASS: text.describe(
      "Kubernetes: the IngressClass of apps' Ingresses (default: the cluster's default class)",
    ),
    CAMELEER_KUBERNETES_FORWARD_AUTH: text.describe(
      'Kubernetes: the Traefik middleware private apps are routed through, as `<namespace>-<name>@kubernetescrd` (default `cameleer-system-cameleer-auth@kubernetescrd`)',
    ),
    CAMELEER_KUBERNETES_STORAGE_CLASS: text.describe(
      "Kubernetes: the StorageClass of apps' writeable volumes (default: the cluster's default class)",
    ),
    CAMELEER_KUBERNETES_REGISTRY: text.describe(
      "Kubernetes: the registry a Kaniko Job in the runner's namespace builds and pushes each version's image to, `<registry>/<tenant>-<app>:<version>`, and apps pull it from (default: none, CAMELEER_KUBERNETES_IMAGE must be set)",
    ),
    CAMELEER_KUBERNETES_KANIKO_IMAGE: text.describe(
      'Kubernetes: the Kaniko executor image of build Jobs, for clusters that pull from a mirror (default `gcr.io/kaniko-project/executor:v1.23.2`)',
    ),
    CAMELEER_KUBERNETES_BUILD_CACHE: text.describe(
      'Kubernetes: a repository in the registry where Kaniko caches layers, so a new version rebuilds only its own (default: none, no cache)',
    ),
    CAMELEER_KUBERNETES_IMAGE: text.describe(
      'Kubernetes: a prebuilt image reference per version, with `{tenant}`, `{app}` and `{version}` filled in; wins over CAMELEER_KUBERNETES_REGISTRY (default: none)',
    ),
    CAMELEER_KUBERNETES_REGISTRY_SECRET: text.describe(
      "Kubernetes: the Secret (type `kubernetes.io/dockerconfigjson`) of the registry, in the runner's namespace: Kaniko pushes with it, and it is copied into each app namespace as its `imagePullSecrets` (default: none, an anonymous registry)",
    ),
    CAMELEER_KUBERNETES_REPLICAS: text
      .pipe(z.coerce.number<string | undefined>().int().min(1).max(50).optional())
      .describe('Kubernetes: pods per app (default 1)'),
    CAMELEER_KUBERNETES_MAX_REPLICAS: text
      .pipe(z.coerce.number<string | undefined>().int().min(1).max(50).optional())
      .describe(
        'Kubernetes: above CAMELEER_KUBERNETES_REPLICAS, a HorizontalPodAutoscaler scales each app up to this many pods on CPU (default: none)',
      ),
    CAMELEER_KUBERNETES_TIER: z
      .enum(tierNames)
      .optional()
      .describe(
        "Kubernetes: the tier whose limits size each namespace's ResourceQuota and LimitRange (default `high`)",
      ),
    CAMELEER_KUBERNETES_INTAKE_URL: text
      .pipe(z.url({ protocol: /^https?$/ }).optional())
      .describe(
        "Kubernetes: the address of the runner's telemetry intake Service, as apps in the cluster reach it; its host is given to apps (default `http://cameleer-runner-intake.cameleer.svc:4318`)",
      ),
    CAMELEER_KUBERNETES_NAMESPACE: text.describe(
      "Kubernetes: the runner's own namespace, where images are built and the registry Secret is copied from (default: the pod's, from its service account)",
    ),
    CAMELEER_KUBERNETES_NAMESPACES: text
      .transform((list) =>
        list
          ?.split(',')
          .map((n) => n.trim())
          .filter(Boolean),
      )
      .describe(
        'Kubernetes: comma-separated app namespaces made beforehand, when the runner has Roles there and no cluster-wide grant; it deploys only into these and creates none (default: any, created on first deploy)',
      ),
    DOCKER_HOST: text.describe(
      'Standard: the Docker engine to use, also read by dockerode (default `unix:///var/run/docker.sock`)',
    ),
    JAVA_HOME: raw.describe(
      'Standard: the JDK whose `bin/java` runs apps as processes (default: `java` on PATH)',
    ),
    PATH: raw.describe('Standard: where `java` is looked for when JAVA_HOME is unset'),
    KUBECONFIG: raw.describe(
      'Standard, not used by the runner: `doctor` says to set CAMELEER_KUBECONFIG instead, so a kubeconfig in a shell never moves apps into a cluster',
    ),
    KUBERNETES_SERVICE_HOST: text.describe(
      'Standard, set inside a cluster: offers the `kubernetes` capability',
    ),
  })
  .superRefine((c, ctx) => {
    if (
      c.CAMELEER_KUBERNETES_MAX_REPLICAS &&
      c.CAMELEER_KUBERNETES_MAX_REPLICAS < (c.CAMELEER_KUBERNETES_REPLICAS ?? 1)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['CAMELEER_KUBERNETES_MAX_REPLICAS'],
        message: 'is below CAMELEER_KUBERNETES_REPLICAS',
      });
    }
    // Both listeners would bind the same port and the second would fail at start: say it now.
    const front = Number(c.CAMELEER_FRONT_PORT ?? defaultFrontPort);
    if (c.CAMELEER_INTAKE_PORT && c.CAMELEER_INTAKE_PORT === front) {
      ctx.addIssue({
        code: 'custom',
        path: ['CAMELEER_INTAKE_PORT'],
        message: `the front already listens on port ${front} (CAMELEER_FRONT_PORT)`,
      });
    }
  });

export type RunnerConfig = z.output<typeof runnerConfigSchema>;

/** Parses the environment once; the error names the variable and never echoes its value (secrets). */
export function parseRunnerConfig(env: NodeJS.ProcessEnv): RunnerConfig {
  const known = Object.fromEntries(Object.keys(runnerConfigSchema.shape).map((key) => [key, env[key]]));
  const parsed = runnerConfigSchema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid runner configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
