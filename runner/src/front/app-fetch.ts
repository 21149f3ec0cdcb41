/**
 * Browsers and curl resolve `*.localhost` to loopback by themselves; Node's resolver does not.
 * `fetchApp` does, so tests and tools can open the front's app URLs as a user would.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';

const lookup: LookupFunction = (hostname, options, callback) => {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name !== 'localhost' && !name.endsWith('.localhost')) {
    return void dnsLookup(hostname, options, callback);
  }
  if (options.all) return void callback(null, [{ address: '127.0.0.1', family: 4 }]);
  callback(null, '127.0.0.1', 4);
};

const localhostAgent = new Agent({ connect: { lookup } });

export function fetchApp(url: string | URL, init: Parameters<typeof undiciFetch>[1] = {}) {
  return undiciFetch(url, { dispatcher: localhostAgent, ...init });
}
