#!/usr/bin/env node
import { launchBuilt } from './launch-built.js';

await launchBuilt(
  { start: 'edge/dist/start.mjs', 'chdb-server': 'edge/dist/chdb-server-main.mjs' },
  'scripts/start.ts',
);
