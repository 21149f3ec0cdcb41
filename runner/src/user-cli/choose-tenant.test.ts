import { describe, expect, it } from 'vitest';
import type { Me, Tenant } from './api-schemas.ts';
import { chooseTenant } from './choose-tenant.ts';

const acme: Tenant = { id: 'ten_a', slug: 'acme', name: 'Acme' };
const globex: Tenant = { id: 'ten_g', slug: 'globex', name: 'Globex' };
const me = (memberships: Me['memberships'], platformAdmin = false): Me => ({
  actor: { type: 'user', id: 'usr_1', name: 'Ada' },
  platformAdmin,
  memberships,
});

describe('chooseTenant', () => {
  it('takes the only membership', () => {
    expect(chooseTenant(me([{ tenantId: 'ten_g', role: 'viewer' }]), [acme, globex], undefined)).toBe(globex);
  });

  it('takes the tenant asked for when the token can see it', () => {
    const both = me([
      { tenantId: 'ten_a', role: 'owner' },
      { tenantId: 'ten_g', role: 'viewer' },
    ]);
    expect(chooseTenant(both, [acme, globex], 'acme')).toBe(acme);
  });

  it('asks for --tenant, naming the choices, when there are several', () => {
    const both = me([
      { tenantId: 'ten_a', role: 'owner' },
      { tenantId: 'ten_g', role: 'viewer' },
    ]);
    expect(() => chooseTenant(both, [acme, globex], undefined)).toThrow(
      'This token is a member of several tenants (acme, globex): pass --tenant SLUG',
    );
  });

  it('asks for --tenant when there is none', () => {
    expect(() => chooseTenant(me([], true), [acme], undefined)).toThrow(
      'This token is a member of no tenant: pass --tenant SLUG',
    );
  });

  it('refuses a tenant the token cannot see', () => {
    expect(() => chooseTenant(me([{ tenantId: 'ten_a', role: 'owner' }]), [acme], 'globex')).toThrow(
      'This token has no access to tenant "globex" (its tenants: acme)',
    );
  });
});
