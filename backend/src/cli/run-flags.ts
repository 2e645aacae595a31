// The `rowshot run` flags beyond the file and the server: parsed here so main.ts stays a switch.
import { MAX_FILE_NAME_TEMPLATE } from '../../../shared/file-names';
import { isResizeMode, isTextMode, longEdgeProblem, TEXT_FITS, type TextFit } from '../../../shared/index';
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
  text?: string;
  'text-fit'?: string;
  resize?: string;
  'long-edge'?: string;
  'name-template'?: string;
  yes?: boolean;
}

export function runFlags(v: RunFlagValues): Partial<RunOptions> {
  const out: Partial<RunOptions> = {};
  if (v['dry-run']) out.dryRun = true;
  if (v['max-cost'] !== undefined) out.maxCostUsd = parseMaxCost(v['max-cost']);
  if (v.limit !== undefined) out.limit = parseLimit(v.limit);
  if (v.force) out.force = true;
  if (v.yes) out.yes = true;
  if (v.rows !== undefined) out.rows = parseRowsSpec(v.rows);
  if (v.name !== undefined) {
    const name = v.name.trim();
    if (name === '' || name.length > 200) throw new FlagError('--name must be 1 to 200 characters');
    out.name = name;
  }
  if (v.text !== undefined) {
    const mode = v.text.trim().toLowerCase();
    if (!isTextMode(mode)) throw new FlagError(`--text "${v.text}" must be overlay, model or none`);
    out.textDefault = mode;
  }
  if (v.resize !== undefined) {
    const mode = v.resize.trim().toLowerCase();
    if (!isResizeMode(mode)) throw new FlagError(`--resize "${v.resize}" must be recompose or crop`);
    out.resizeDefault = mode;
  }
  if (v['text-fit'] !== undefined) {
    const fit = v['text-fit'].trim().toLowerCase();
    if (!(TEXT_FITS as readonly string[]).includes(fit)) throw new FlagError(`--text-fit "${v['text-fit']}" must be ${TEXT_FITS.join(' or ')}`);
    out.textFit = fit as TextFit;
  }
  if (v['long-edge'] !== undefined) {
    const px = Number(v['long-edge']);
    const problem = longEdgeProblem(px);
    if (problem || v['long-edge'].trim() === '') throw new FlagError(`--long-edge: ${problem ?? 'give a number of pixels'} (got "${v['long-edge']}")`);
    out.longEdge = px;
  }
  if (v['name-template'] !== undefined) {
    const template = v['name-template'].trim();
    if (template === '' || template.length > MAX_FILE_NAME_TEMPLATE) throw new FlagError(`--name-template must be 1 to ${MAX_FILE_NAME_TEMPLATE} characters, e.g. "{{Name}}-{{size}}-v{{variant}}"`);
    out.nameTemplate = template;
  }
  return out;
}
