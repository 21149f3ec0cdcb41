import { describe, expect, it } from 'vitest';
import { parseFrontConfig } from '../runner-config.ts';

describe('the front configuration', () => {
  it('listens on 127.0.0.1:8880 under localhost unless told otherwise', () => {
    expect(parseFrontConfig({})).toEqual({ host: '127.0.0.1', port: 8880, domain: 'localhost' });
    expect(
      parseFrontConfig({
        CAMELEER_FRONT_PORT: '0',
        CAMELEER_FRONT_HOST: '0.0.0.0',
        CAMELEER_FRONT_DOMAIN: 'Apps.Example.com',
      }),
    ).toEqual({ host: '0.0.0.0', port: 0, domain: 'apps.example.com' });
  });

  it('is switched off by CAMELEER_FRONT_PORT=off', () => {
    expect(parseFrontConfig({ CAMELEER_FRONT_PORT: 'off' })).toBeUndefined();
    expect(parseFrontConfig({ CAMELEER_FRONT_PORT: ' OFF ' })).toBeUndefined();
  });

  it('names the variable that is wrong', () => {
    expect(() => parseFrontConfig({ CAMELEER_FRONT_PORT: '70000' })).toThrow(/CAMELEER_FRONT_PORT/);
    expect(() => parseFrontConfig({ CAMELEER_FRONT_PORT: 'eighty' })).toThrow(/CAMELEER_FRONT_PORT/);
    expect(() => parseFrontConfig({ CAMELEER_FRONT_DOMAIN: 'bad domain' })).toThrow(/CAMELEER_FRONT_DOMAIN/);
  });
});
