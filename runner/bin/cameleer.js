#!/usr/bin/env node
import { launchBuilt } from '../../scripts/launch-built.js';

await launchBuilt({ cameleer: 'runner/dist/cameleer.mjs' }, 'runner/src/user-cli/main.ts');
