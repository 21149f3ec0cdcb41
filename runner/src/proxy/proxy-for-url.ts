import type { Agent } from 'node:http';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { type Dispatcher, ProxyAgent } from 'undici';

/**
 * The proxy to use for one URL, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (upper or lower case),
 * or undefined to connect directly. WebSocket URLs are judged as their HTTP equivalents.
 */
export function proxyForUrl(url: string | URL): string | undefined {
  const http = new URL(url);
  if (http.protocol === 'ws:') http.protocol = 'http:';
  if (http.protocol === 'wss:') http.protocol = 'https:';
  return getProxyForUrl(http.toString()) || undefined;
}

const agents = new Map<string, Agent>();
const dispatchers = new Map<string, Dispatcher>();

/** An agent for the `ws` client that tunnels through the proxy in effect for `url`, if any. */
export function webSocketAgentFor(url: string | URL): Agent | undefined {
  const proxy = proxyForUrl(url);
  if (!proxy) return undefined;
  const secure = new URL(url).protocol === 'wss:' || new URL(url).protocol === 'https:';
  const key = `${secure ? 's' : ''}|${proxy}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = secure ? new HttpsProxyAgent(proxy) : new HttpProxyAgent(proxy);
    agents.set(key, agent);
  }
  return agent;
}

/** An undici dispatcher for HTTP requests to `url` through the proxy in effect, if any. */
export function httpDispatcherFor(url: string | URL): Dispatcher | undefined {
  const proxy = proxyForUrl(url);
  if (!proxy) return undefined;
  let dispatcher = dispatchers.get(proxy);
  if (!dispatcher) {
    dispatcher = new ProxyAgent(proxy);
    dispatchers.set(proxy, dispatcher);
  }
  return dispatcher;
}

/** A one-line description of the proxy settings for logs and `doctor`. */
export function describeProxy(url: string | URL): string {
  const proxy = proxyForUrl(url);
  if (!proxy) return `direct connection to ${new URL(url).host} (no proxy applies)`;
  const shown = new URL(proxy);
  shown.username = '';
  shown.password = '';
  return `through proxy ${shown.origin} for ${new URL(url).host}`;
}
