export * from './ids.ts';
export * from './licence.ts';
export * from './product-tokens.ts';
export * from './protocol/index.ts';
export * from './roles.ts';
export * from './signing-keys.ts';
export * from './tiers.ts';
export * from './tokens.ts';
