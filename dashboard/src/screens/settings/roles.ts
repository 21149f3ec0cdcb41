import type { components } from '../../api/client.ts';
import { formatDateTime } from '../../components/dates.ts';

export type MemberRole = components['schemas']['Member']['role'];

/** Least to most powerful, the order a person reads them in a picker. */
export const roles: MemberRole[] = ['viewer', 'developer', 'admin', 'owner'];

export function isRole(value: string | null): value is MemberRole {
  return roles.some((r) => r === value);
}

export function formatDate(iso: string | null): string {
  return iso ? formatDateTime(iso) : '—';
}
