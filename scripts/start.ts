/**
 * `npm start` (through scripts/start.js, built): the console is built first when its sources
 * changed, then the control plane starts in this same process.
 */
import { ensureConsoleBuilt } from './console-build.ts';

await ensureConsoleBuilt();
await import('../edge/src/node.ts');
