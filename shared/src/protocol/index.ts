export * from './frames.ts';
export * from './parse.ts';
