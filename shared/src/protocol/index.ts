export * from './commands.ts';
export * from './frames.ts';
export * from './parse.ts';
