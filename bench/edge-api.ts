import { benchTenantTokenPath } from './tunnel-server-process.ts';

/** The few edge API calls the tunnel bench makes, as the platform administrator (owner of `default`). */
export class EdgeApi {
  constructor(
    readonly url: string,
    private readonly adminToken: string,
  ) {}

  async registrationToken(): Promise<string> {
    const { token } = await this.call<{ token: string }>('POST', '/api/tenants/default/runner-tokens', {});
    return token;
  }

  /** A registration token of a bench tenant (made when missing), for runners beyond one tenant's limit. */
  async benchTenantToken(slug: string): Promise<string> {
    const { token } = await this.call<{ token: string }>(
      'POST',
      `${benchTenantTokenPath}/${slug}`,
      undefined,
      false,
    );
    return token;
  }

  async sendCommand(runnerId: string, kind: string): Promise<string> {
    const { id } = await this.call<{ id: string }>(
      'POST',
      `/api/tenants/default/runners/${runnerId}/commands`,
      { kind },
    );
    return id;
  }

  async commands(runnerId: string, limit: number): Promise<CommandTimes[]> {
    const { items } = await this.call<{ items: CommandTimes[] }>(
      'GET',
      `/api/tenants/default/runners/${runnerId}/commands?limit=${limit}`,
    );
    return items;
  }

  async call<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${this.adminToken}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
}

export type CommandTimes = {
  id: string;
  state: string;
  createdAt: string;
  finishedAt: string | null;
};
