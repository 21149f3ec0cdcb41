export * from './api-tokens.ts';
export * from './apps.ts';
export * from './audit-log.ts';
export * from './environments.ts';
export * from './login-tickets.ts';
export * from './members.ts';
export * from './tenants.ts';
export * from './users.ts';
