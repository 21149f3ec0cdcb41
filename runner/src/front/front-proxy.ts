/**
 * The front: one HTTP listener that gives every app a URL that stays the same across versions,
 * `http://{app}.{env}.{tenant}.{domain}:{port}`, and forwards each request to the instance that
 * serves the app right now. The target is chosen per request, so a client's keep-alive connection
 * follows a blue/green switch; requests already forwarded finish on the old instance, which the
 * orchestrator drains before stopping it. In production Traefik plays this part.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxyServer } from 'http-proxy-3';
import { type Logger, silentLogger } from '../logger.ts';
import type { AppRef, Instance } from '../orchestrators/orchestrator.ts';
import { appHostname, routeKey, routeKeyOfHost } from './app-host.ts';
import { type FrontProblem, rejectUpgrade, sendProblem } from './problem.ts';

export type FrontProxyOptions = {
  host: string;
  /** 0 takes any free port. */
  port: number;
  /** Apps answer at `{app}.{env}.{tenant}.{domain}`. */
  domain: string;
  /** When the port is taken (a second runner on this machine, tests), listen on any free port instead of failing. */
  anyPortWhenTaken?: boolean;
  /** Asked when an instance refuses connections: the engine may have restarted it on another port. */
  lookup?: (ref: AppRef) => Promise<Instance | undefined>;
  logger?: Logger;
};

/** An app the front knows; without `url` it is deployed but has no healthy instance (stopped, failed). */
type Route = { ref: AppRef; url?: string };

type Target = { route: Route; url: string } | { problem: FrontProblem };

export class FrontProxy {
  private readonly routes = new Map<string, Route>();
  private readonly upgraded = new Set<Socket>();
  private readonly logger: Logger;
  // No backend keep-alive (the library's default): a pooled connection could outlive its instance
  // and fail a request with ECONNRESET; loopback connections are cheap.
  private readonly proxy = createProxyServer({ xfwd: true, ws: true });
  private readonly server: Server;
  private listeningPort: number | undefined;

  constructor(private readonly opts: FrontProxyOptions) {
    this.logger = opts.logger ?? silentLogger;
    // Every call passes its own error callback; this only keeps a stray 'error' from ending the runner.
    this.proxy.on('error', (err) => this.logger.warn('front proxy error', { error: err.message }));
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.forwardUpgrade(req, socket, head),
    );
  }

  get port(): number {
    if (this.listeningPort === undefined) throw new Error('the front is not listening');
    return this.listeningPort;
  }

  async listen(): Promise<void> {
    try {
      await this.listenOn(this.opts.port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !this.opts.anyPortWhenTaken) throw err;
      await this.listenOn(0);
      this.logger.warn('front port taken; app URLs use another port until the runner restarts', {
        wanted: this.opts.port,
        port: this.port,
      });
    }
    this.logger.info('front listening', {
      url: `http://${this.opts.host}:${this.port}`,
      domain: this.opts.domain,
    });
  }

  async close(): Promise<void> {
    if (this.listeningPort === undefined) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
    await closed;
    this.listeningPort = undefined;
  }

  /** The app's stable URL. */
  urlFor(ref: AppRef): string {
    const port = this.port === 80 ? '' : `:${this.port}`;
    return `http://${appHostname(ref, this.opts.domain)}${port}`;
  }

  /** The instance as users see it: `url` is the app's stable URL, `directUrl` the instance's own. */
  present(instance: Instance): Instance & { directUrl?: string } {
    return { ...instance, url: this.urlFor(instance.ref), directUrl: instance.url };
  }

  /** New requests for the app go to `url` from now on. */
  route(ref: AppRef, url: string): void {
    const previous = this.routes.get(routeKey(ref))?.url;
    this.routes.set(routeKey(ref), { ref: { ...ref }, url });
    if (previous !== url) this.logger.info('front route', { app: routeKey(ref), url });
  }

  /** The app is deployed but nothing serves it: requests get 503. */
  park(ref: AppRef): void {
    this.routes.set(routeKey(ref), { ref: { ...ref } });
  }

  /** The app is gone: requests get 404. */
  unroute(ref: AppRef): void {
    this.routes.delete(routeKey(ref));
  }

  /** Replaces every route by what runs (`orchestrator.list()`): after a runner or engine restart. */
  sync(instances: Instance[]): void {
    this.routes.clear();
    const newestFirst = [...instances].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
    for (const instance of newestFirst) {
      const known = this.routes.get(routeKey(instance.ref));
      if (known?.url) continue;
      if (instance.state === 'running' && instance.url) this.route(instance.ref, instance.url);
      else if (!known) this.park(instance.ref);
    }
  }

  private listenOn(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, this.opts.host, () => {
        this.server.off('error', onError);
        this.listeningPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private target(host: string | undefined): Target {
    const key = routeKeyOfHost(host, this.opts.domain);
    const route = key === undefined ? undefined : this.routes.get(key);
    if (!route) {
      return {
        problem: {
          status: 404,
          title: 'Unknown app',
          detail: `No app answers at ${host ?? '(no Host header)'}; app URLs look like http://{app}.{env}.{tenant}.${this.opts.domain}:${this.listeningPort}.`,
        },
      };
    }
    if (!route.url) {
      return {
        problem: {
          status: 503,
          title: 'App not running',
          detail: `${routeKey(route.ref)} has no healthy instance; start or deploy it.`,
        },
      };
    }
    return { route, url: route.url };
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const target = this.target(req.headers.host);
    if ('problem' in target) {
      sendProblem(res, target.problem);
      return;
    }
    this.proxy.web(req, res, { target: target.url }, (err) => {
      this.unreachable(err, target);
      sendProblem(res, {
        status: 502,
        title: 'App unreachable',
        detail: `${routeKey(target.route.ref)} did not answer: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
      });
    });
  }

  private forwardUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    // The HTTP server drops its error listener on upgrade; a client's reset must not end the runner.
    socket.on('error', () => socket.destroy());
    const target = this.target(req.headers.host);
    if ('problem' in target) {
      rejectUpgrade(socket, target.problem);
      return;
    }
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    this.proxy.ws(req, socket, head, { target: target.url }, (err) => {
      this.unreachable(err, target);
      socket.destroy();
    });
  }

  /** A refused connection may mean the engine restarted the instance on another port: look it up again. */
  private unreachable(err: Error, target: { route: Route; url: string }): void {
    const { lookup } = this.opts;
    if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || !lookup) return;
    const { ref } = target.route;
    void lookup(ref)
      .then((instance) => {
        const current = this.routes.get(routeKey(ref));
        if (current?.url !== target.url) return;
        if (instance?.state === 'running' && instance.url) this.route(ref, instance.url);
      })
      .catch((error: Error) =>
        this.logger.warn('front lookup failed', { app: routeKey(ref), error: error.message }),
      );
  }
}
