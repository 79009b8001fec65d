#!/usr/bin/env node
// Runs the CLI from its TypeScript source through tsx, so `edgebench` works right after `npm ci`.
import { register } from 'tsx/esm/api';

process.env.EDGEBENCH_CLI_ENTRY = '1';
register();
await import('../src/cli/main.ts');
