// oidc-provider ships no types; the tests use only its constructor, callback and error classes.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    static errors: { InvalidTarget: new (description?: string) => Error };
  }
  // biome-ignore lint/style/noDefaultExport: the declaration mirrors the package, whose only export is its default
  export default Provider;
}
