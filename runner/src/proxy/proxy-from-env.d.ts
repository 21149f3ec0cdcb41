declare module 'proxy-from-env' {
  /** The proxy URL for `url` from HTTP(S)_PROXY / ALL_PROXY and NO_PROXY (either case), or '' for none. */
  export function getProxyForUrl(url: string | URL): string;
}
