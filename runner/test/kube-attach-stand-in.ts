/**
 * The pod attach endpoint of the Kubernetes API stand-in: `GET …/pods/{name}/attach` upgraded to a
 * WebSocket speaking the channel protocol (`v4.channel.k8s.io`; a leading byte per message: 0 stdin,
 * 1 stdout, 2 stderr, 3 error/status). As with `stdinOnce`, stdin is the first attach's only: it
 * closes when that client closes the socket (v4) or sends a close of channel 0 (v5). A build pod's
 * stdin goes to the Kaniko stand-in.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import { WebSocketServer } from 'ws';
import { containerOf } from './kaniko-stand-in.ts';
import type { KubeApiStandIn, KubeObject } from './kube-api-stand-in.ts';

export class AttachStandIn {
  /** What the server speaks, best first: API servers before 1.30 have no v5. */
  protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
  readonly server = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => this.protocols.find((p) => offered.has(p)) ?? false,
  });
  /** Pods whose stdin was attached once already (`stdinOnce`). */
  private readonly stdinUsed = new Set<string>();

  constructor(private readonly api: KubeApiStandIn) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    this.api.requests.push(`ATTACH ${url.pathname}`);
    const target = this.target(req, url);
    if ('refused' in target) {
      const { code, message } = target.refused;
      const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });
      socket.end(
        `HTTP/1.1 ${code} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    const { pod, stdin: wantsStdin } = target;
    this.server.handleUpgrade(req, socket, head, (ws) => {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (!wantsStdin || this.stdinUsed.has(key)) return;
      this.stdinUsed.add(key);
      const stdin = new PassThrough();
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) stdin.write(data.subarray(1));
        if (data[0] === 255 && data[1] === 0) stdin.end();
      });
      ws.on('close', () => stdin.end());
      // The session ends with the container: its status on channel 3, then the close.
      void this.api.kaniko.run(pod, stdin).then((exitCode) => {
        if (ws.readyState !== ws.OPEN) return;
        const status =
          exitCode === 0 ? { status: 'Success' } : { status: 'Failure', reason: 'NonZeroExitCode' };
        ws.send(
          Buffer.concat([
            Buffer.from([3]),
            Buffer.from(JSON.stringify({ kind: 'Status', apiVersion: 'v1', ...status })),
          ]),
        );
        ws.close();
      });
    });
  }

  /** The pod to attach to, or why the API server refuses to. */
  private target(
    req: IncomingMessage,
    url: URL,
  ): { pod: KubeObject; stdin: boolean } | { refused: { code: number; message: string } } {
    if (req.headers.authorization !== 'Bearer stand-in-token')
      return { refused: { code: 401, message: 'Unauthorized' } };
    const [, namespace = '', name = ''] =
      /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/attach$/.exec(url.pathname) ?? [];
    const pod = this.api.get('pods', namespace, name);
    if (!pod) return { refused: { code: 404, message: `pods "${name}" not found` } };
    const container = containerOf(pod);
    const asked = url.searchParams.get('container');
    if (asked && asked !== container.name)
      return { refused: { code: 400, message: `container ${asked} is not valid for pod ${name}` } };
    if (pod.status?.phase !== 'Running') {
      return {
        refused: {
          code: 400,
          message: `container ${container.name} is not running (pod phase ${String(pod.status?.phase)})`,
        },
      };
    }
    const stdin = url.searchParams.get('stdin') === 'true';
    if (stdin && !container.stdin) {
      return {
        refused: {
          code: 400,
          message: `stdin cannot be attached: container ${container.name} was not started with stdin`,
        },
      };
    }
    return { pod, stdin };
  }

  close(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }
}
