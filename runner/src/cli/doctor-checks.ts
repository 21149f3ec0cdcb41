import { existsSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { dockerSocketPath } from '../capabilities.ts';
import { edgeEndpoint } from '../credentials.ts';
import { type HttpFetch, proxiedFetch } from '../proxy/http-client.ts';
import { describeProxy } from '../proxy/proxy-for-url.ts';
import { readIdentity } from '../state/identity.ts';
import { stateFiles } from '../state/state-dir.ts';

export type CheckResult = { name: string; status: 'ok' | 'warn' | 'fail'; message: string };

export function checkIdentity(stateDir: string): CheckResult {
  const name = 'registration';
  let identity: ReturnType<typeof readIdentity>;
  try {
    identity = readIdentity(stateDir);
  } catch (err) {
    return { name, status: 'fail', message: (err as Error).message };
  }
  const keyFile = stateFiles(stateDir).privateKey;
  if (!existsSync(keyFile)) {
    return {
      name,
      status: 'fail',
      message: `the private key ${keyFile} is missing: register again with --force`,
    };
  }
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return {
      name,
      status: 'fail',
      message: `${keyFile} is readable by others (mode ${mode.toString(8)}): run \`chmod 600 ${keyFile}\``,
    };
  }
  return {
    name,
    status: 'ok',
    message: `registered as ${identity.runnerId} for tenant ${identity.tenantSlug}; key file is private (0600)`,
  };
}

/** Reachability of the edge and clock skew against its `Date` header, from one `GET /healthz`. */
export async function checkEdge(edgeUrl: string, fetcher: HttpFetch = proxiedFetch): Promise<CheckResult[]> {
  const url = edgeEndpoint(edgeUrl, '/healthz');
  let res: Awaited<ReturnType<HttpFetch>>;
  const sentAt = Date.now();
  try {
    res = await fetcher(url, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
  } catch (err) {
    const cause = ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
    return [
      {
        name: 'edge reachable',
        status: 'fail',
        message: `cannot reach ${url} (${cause}): check the URL, DNS, the firewall (outbound HTTPS) and the proxy settings below`,
      },
    ];
  }
  const results: CheckResult[] = [
    res.ok
      ? {
          name: 'edge reachable',
          status: 'ok',
          message: `${url} answered ${res.status} in ${Date.now() - sentAt} ms`,
        }
      : {
          name: 'edge reachable',
          status: 'fail',
          message: `${url} answered HTTP ${res.status}: the edge is up but unwell, or a proxy answers instead`,
        },
  ];
  results.push(clockSkew(res.headers.get('date'), (sentAt + Date.now()) / 2));
  return results;
}

export function clockSkew(dateHeader: string | null, localMs: number): CheckResult {
  const name = 'clock';
  // the Date header is truncated to the second: its middle is the best guess
  const edgeMs = dateHeader ? Date.parse(dateHeader) + 500 : Number.NaN;
  if (!Number.isFinite(edgeMs))
    return { name, status: 'warn', message: 'the edge sent no Date header; cannot compare clocks' };
  const skew = Math.round((localMs - edgeMs) / 1000);
  const text = `this machine's clock is ${Math.abs(skew)} s ${skew >= 0 ? 'ahead of' : 'behind'} the edge`;
  if (Math.abs(skew) > 120)
    return {
      name,
      status: 'fail',
      message: `${text}: enable time sync (NTP), e.g. \`timedatectl set-ntp true\``,
    };
  if (Math.abs(skew) > 30)
    return { name, status: 'warn', message: `${text}: enable time sync (NTP) before it grows` };
  return { name, status: 'ok', message: `${text} (fine)` };
}

export function checkDocker(socketPath = dockerSocketPath): Promise<CheckResult> {
  const name = 'docker';
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () =>
        resolve(
          res.statusCode === 200
            ? { name, status: 'ok', message: `Docker answers on ${socketPath} (${body.trim() || 'OK'})` }
            : {
                name,
                status: 'fail',
                message: `Docker on ${socketPath} answered HTTP ${res.statusCode}: check that dockerd is healthy`,
              },
        ),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
        resolve({
          name,
          status: 'warn',
          message: `no Docker at ${socketPath}: install and start Docker to deploy containers here`,
        });
      } else if (err.code === 'EACCES') {
        resolve({
          name,
          status: 'fail',
          message: `no permission on ${socketPath}: add this user to the docker group (\`sudo usermod -aG docker $USER\`, then log in again)`,
        });
      } else
        resolve({ name, status: 'fail', message: `Docker on ${socketPath} did not answer (${err.message})` });
    });
    req.end();
  });
}

export function checkKubernetes(env: NodeJS.ProcessEnv = process.env): CheckResult {
  const name = 'kubernetes';
  if (env.KUBERNETES_SERVICE_HOST)
    return { name, status: 'ok', message: `running in a cluster (API at ${env.KUBERNETES_SERVICE_HOST})` };
  const kubeconfig = env.CAMELEER_KUBECONFIG;
  if (kubeconfig) {
    if (!existsSync(kubeconfig))
      return {
        name,
        status: 'fail',
        message: `CAMELEER_KUBECONFIG points to ${kubeconfig}, which does not exist: fix the path`,
      };
    return { name, status: 'ok', message: `CAMELEER_KUBECONFIG is set (${kubeconfig})` };
  }
  if (env.KUBECONFIG)
    return {
      name,
      status: 'warn',
      message:
        'KUBECONFIG is set but not used: set CAMELEER_KUBECONFIG to deploy to that cluster (not needed otherwise)',
    };
  return {
    name,
    status: 'warn',
    message:
      'no Kubernetes access configured: set CAMELEER_KUBECONFIG to deploy to a cluster (not needed otherwise)',
  };
}

export function checkProxy(edgeUrl: string): CheckResult {
  return {
    name: 'proxy',
    status: 'ok',
    message: `${describeProxy(edgeUrl)} (from HTTPS_PROXY / HTTP_PROXY / NO_PROXY)`,
  };
}
