export * from './ids.ts';
export * from './roles.ts';
export * from './tokens.ts';
