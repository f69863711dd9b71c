#!/usr/bin/env node
/**
 * The `bgagent` executable: registers tsx (TypeScript, CommonJS — as the agent is started, see
 * services/adapters/compute/local-compute.ts) and runs cli/main.ts. Exit code: see cli/main.ts.
 */
'use strict';
require('tsx/cjs');
require('../main.ts').run();
