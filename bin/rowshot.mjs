#!/usr/bin/env node
// The `rowshot` command. Sources are TypeScript, loaded through tsx so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../backend/src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
