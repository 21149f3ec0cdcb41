export { fetchApp } from './app-fetch.ts';
export { appHostname } from './app-host.ts';
export { FrontProxy, type FrontProxyOptions } from './front-proxy.ts';
export { openFront } from './open-front.ts';
