import { generateSigningKeyJwk } from '@cameleer/shared';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { edgeCommonShape } from './common.ts';
import { parseNodeConfig } from './node.ts';
import { edgeSettingsOf, oidcSettingsOf } from './settings.ts';
import { parseWorkersConfig } from './workers.ts';

const workersRequired = async () => ({
  DATABASE_URL: 'postgres://edge@db.test/cameleer',
  CAMELEER_PUBLIC_URL: 'https://cameleer.test/',
  CAMELEER_SESSION_KEY: JSON.stringify(await generateSigningKeyJwk()),
});

const shared = {
  CAMELEER_APPS_DOMAIN: 'apps.test',
  CAMELEER_MAX_BODY_BYTES: '2048',
  CAMELEER_SESSION_TTL_SECONDS: '600',
  CAMELEER_TUNNEL_HEARTBEAT_MS: '1000',
  CAMELEER_OIDC_ISSUER: 'https://auth.test/oidc',
  CAMELEER_OIDC_AUDIENCE: 'https://api.test',
  CAMELEER_OIDC_TENANT_CLAIM: 'org',
  CAMELEER_OIDC_ROLES_CLAIM: 'groups',
  CAMELEER_OIDC_CLOCK_TOLERANCE_SECONDS: '5',
  CAMELEER_OIDC_CLIENT_ID: 'cameleer-console',
  CAMELEER_OIDC_CLIENT_SECRET: 'client-secret',
  CAMELEER_OIDC_DISPLAY_NAME: 'Acme SSO',
  CAMELEER_OIDC_SCOPES: 'openid email urn:logto:scope:organizations',
};

const commonOf = (config: Record<string, unknown>) =>
  Object.fromEntries(Object.keys(edgeCommonShape).map((name) => [name, config[name]]));

describe('edge configuration', () => {
  it('reads the shared settings under the same names, to the same values, on Node and on Workers', async () => {
    const required = await workersRequired();
    const node = parseNodeConfig({ ...shared, ...required });
    const workers = parseWorkersConfig({ ...shared, ...required });
    expect(commonOf(workers)).toEqual(commonOf(node));
    expect(workers.CAMELEER_PUBLIC_URL).toBe('https://cameleer.test');
  });

  it('keeps the same defaults on both when unset', async () => {
    const required = await workersRequired();
    const node = parseNodeConfig(required);
    const workers = parseWorkersConfig(required);
    expect(commonOf(workers)).toEqual(commonOf(node));
    expect(edgeSettingsOf(workers, workers.CAMELEER_PUBLIC_URL)).toMatchObject({
      maxBodyBytes: 1024 * 1024,
      sessionTtlSeconds: 12 * 3600,
      heartbeatIntervalMs: 15_000,
    });
  });

  it('makes the settings Workers once hard-coded configurable there', async () => {
    const workers = parseWorkersConfig({ ...shared, ...(await workersRequired()) });
    expect(edgeSettingsOf(workers, workers.CAMELEER_PUBLIC_URL)).toMatchObject({
      appsDomain: 'apps.test',
      maxBodyBytes: 2048,
      sessionTtlSeconds: 600,
      heartbeatIntervalMs: 1000,
    });
    expect(oidcSettingsOf(workers)).toMatchObject({
      tenantClaim: 'org',
      rolesClaim: 'groups',
      clockToleranceSeconds: 5,
    });
  });

  it('requires on Workers what Node makes itself (the public URL, the session key), naming them', () => {
    expect(() => parseNodeConfig({})).not.toThrow();
    const refused = (() => {
      try {
        parseWorkersConfig({ DATABASE_URL: 'postgres://edge@db.test/cameleer' });
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(AppError);
    expect(String(refused)).toContain('CAMELEER_PUBLIC_URL');
    expect(String(refused)).toContain('CAMELEER_SESSION_KEY');
  });

  it('checks the OIDC issuer and audience together on both', async () => {
    const required = await workersRequired();
    const issuerOnly = { CAMELEER_OIDC_ISSUER: 'https://auth.test/oidc' };
    expect(() => parseNodeConfig(issuerOnly)).toThrow(/CAMELEER_OIDC_AUDIENCE/);
    expect(() => parseWorkersConfig({ ...required, ...issuerOnly })).toThrow(/CAMELEER_OIDC_AUDIENCE/);
  });

  it('asks for an issuer before a browser sign-in client, and for openid among its scopes', async () => {
    const required = await workersRequired();
    const clientOnly = { CAMELEER_OIDC_CLIENT_ID: 'cameleer-console' };
    expect(() => parseNodeConfig(clientOnly)).toThrow(/CAMELEER_OIDC_CLIENT_ID needs CAMELEER_OIDC_ISSUER/);
    expect(() => parseWorkersConfig({ ...required, ...clientOnly })).toThrow(/CAMELEER_OIDC_CLIENT_ID/);
    expect(() => parseNodeConfig({ ...shared, CAMELEER_OIDC_SCOPES: 'email profile' })).toThrow(
      /CAMELEER_OIDC_SCOPES must include openid/,
    );
  });

  it('takes the R2 bucket as a binding, and refuses it without the key that signs its download links', async () => {
    const required = await workersRequired();
    const bucket = { head: () => null, createMultipartUpload: () => null };
    const urlKey = 'k'.repeat(43);
    expect(
      parseWorkersConfig({ ...required, ARTIFACTS: bucket, CAMELEER_ARTIFACT_URL_KEY: urlKey }).ARTIFACTS,
    ).toBe(bucket);
    expect(() => parseWorkersConfig({ ...required, ARTIFACTS: bucket })).toThrow(
      /CAMELEER_ARTIFACT_URL_KEY: the ARTIFACTS bucket needs/,
    );
    expect(() =>
      parseWorkersConfig({ ...required, ARTIFACTS: 'my-bucket', CAMELEER_ARTIFACT_URL_KEY: urlKey }),
    ).toThrow(/ARTIFACTS: must be an R2 bucket binding/);
    expect(() => parseNodeConfig({ CAMELEER_ARTIFACT_URL_KEY: 'short' })).toThrow(
      /CAMELEER_ARTIFACT_URL_KEY/,
    );
  });

  it('names a bad key but never shows it', () => {
    const secret = '{"kty":"oct","k":"c2VjcmV0"}';
    expect(() => parseNodeConfig({ CAMELEER_COMMAND_KEYS: secret })).toThrow(/CAMELEER_COMMAND_KEYS/);
    expect(() => parseNodeConfig({ CAMELEER_COMMAND_KEYS: 'not json c2VjcmV0' })).toThrow(
      /^(?![\s\S]*c2VjcmV0)[\s\S]*CAMELEER_COMMAND_KEYS: must be JSON/,
    );
  });
});
