import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeProxy, proxyForUrl, webSocketAgentFor } from './proxy-for-url.ts';

const clearProxyEnv = () => {
  for (const name of [
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'NO_PROXY',
    'ALL_PROXY',
    'https_proxy',
    'http_proxy',
    'no_proxy',
    'all_proxy',
  ]) {
    vi.stubEnv(name, '');
  }
};

afterEach(() => vi.unstubAllEnvs());

describe('proxyForUrl', () => {
  it('connects directly when no proxy is set', () => {
    clearProxyEnv();
    expect(proxyForUrl('https://edge.example.com')).toBeUndefined();
    expect(webSocketAgentFor('wss://edge.example.com/tunnel')).toBeUndefined();
  });

  it('uses HTTPS_PROXY for https and wss, HTTP_PROXY for http and ws', () => {
    clearProxyEnv();
    vi.stubEnv('HTTPS_PROXY', 'http://secure-proxy:3128');
    vi.stubEnv('HTTP_PROXY', 'http://plain-proxy:3128');
    expect(proxyForUrl('https://edge.example.com')).toBe('http://secure-proxy:3128');
    expect(proxyForUrl('wss://edge.example.com/tunnel')).toBe('http://secure-proxy:3128');
    expect(proxyForUrl('ws://edge.example.com/tunnel')).toBe('http://plain-proxy:3128');
    expect(webSocketAgentFor('wss://edge.example.com/tunnel')).toBeDefined();
  });

  it('reads the lowercase variables too', () => {
    clearProxyEnv();
    vi.stubEnv('https_proxy', 'http://lower:8080');
    expect(proxyForUrl('wss://edge.example.com/tunnel')).toBe('http://lower:8080');
  });

  it('skips hosts and domains listed in NO_PROXY', () => {
    clearProxyEnv();
    vi.stubEnv('HTTPS_PROXY', 'http://proxy:3128');
    vi.stubEnv('NO_PROXY', 'localhost,.internal.example,10.0.0.1');
    expect(proxyForUrl('https://localhost:8787')).toBeUndefined();
    expect(proxyForUrl('wss://edge.internal.example/tunnel')).toBeUndefined();
    expect(proxyForUrl('https://10.0.0.1')).toBeUndefined();
    expect(proxyForUrl('https://edge.example.com')).toBe('http://proxy:3128');
  });

  it('skips everything with NO_PROXY=*', () => {
    clearProxyEnv();
    vi.stubEnv('HTTPS_PROXY', 'http://proxy:3128');
    vi.stubEnv('no_proxy', '*');
    expect(proxyForUrl('https://edge.example.com')).toBeUndefined();
  });

  it('never shows proxy credentials', () => {
    clearProxyEnv();
    vi.stubEnv('HTTPS_PROXY', 'http://user:secret@proxy:3128');
    expect(describeProxy('https://edge.example.com')).toBe(
      'through proxy http://proxy:3128 for edge.example.com',
    );
  });
});
