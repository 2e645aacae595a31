// The `rowshot run` flags beyond the file and the server: parsed here so main.ts stays a switch.
import { FlagError } from './cli-errors';
import { parseLimit, parseMaxCost, parseRowsSpec } from './row-selection';
import type { RunOptions } from './run-command';

export interface RunFlagValues {
  'dry-run'?: boolean;
  'max-cost'?: string;
  limit?: string;
  force?: boolean;
  rows?: string;
  name?: string;
}

export function runFlags(v: RunFlagValues): Partial<RunOptions> {
  const out: Partial<RunOptions> = {};
  if (v['dry-run']) out.dryRun = true;
  if (v['max-cost'] !== undefined) out.maxCostUsd = parseMaxCost(v['max-cost']);
  if (v.limit !== undefined) out.limit = parseLimit(v.limit);
  if (v.force) out.force = true;
  if (v.rows !== undefined) out.rows = parseRowsSpec(v.rows);
  if (v.name !== undefined) {
    const name = v.name.trim();
    if (name === '' || name.length > 200) throw new FlagError('--name must be 1 to 200 characters');
    out.name = name;
  }
  return out;
}
