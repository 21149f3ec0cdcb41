#!/usr/bin/env node
import { launchBuilt } from '../../scripts/launch-built.js';

await launchBuilt({ 'cameleer-runner': 'runner/dist/cameleer-runner.mjs' }, 'runner/src/cli/main.ts');
