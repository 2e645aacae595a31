// Every name Google calls us by must be a top-level function of Code.js: a menu item naming
// a missing function only fails when a user clicks it, so the build fails instead.
import type { ExportDoc } from './entry-docs';

export interface EntryPointNames {
  menuHandlers: readonly string[];
  triggerHandlers: readonly string[];
  customFunctions: readonly string[];
  /** Member names of `ServerFunctions` (google.script.run). */
  serverFunctions: readonly string[];
}

export interface EntryPointProblem {
  name: string;
  /** Why Google needs it: "menu item", "trigger", "custom function", "google.script.run", "simple trigger". */
  role: string;
  problem: 'not_exported' | 'no_customfunction_tag';
}

const SIMPLE_TRIGGERS = ['onOpen', 'onInstall'];

export function checkEntryPoints(
  names: EntryPointNames,
  exported: ReadonlySet<string>,
  docs: ReadonlyMap<string, ExportDoc>,
): EntryPointProblem[] {
  const problems: EntryPointProblem[] = [];
  const seen = new Set<string>();
  const need = (name: string, role: string): void => {
    if (exported.has(name) || seen.has(name)) return;
    seen.add(name);
    problems.push({ name, role, problem: 'not_exported' });
  };
  for (const name of SIMPLE_TRIGGERS) need(name, 'simple trigger');
  for (const name of names.menuHandlers) need(name, 'menu item');
  for (const name of names.triggerHandlers) need(name, 'trigger');
  for (const name of names.serverFunctions) need(name, 'google.script.run');
  for (const name of names.customFunctions) {
    need(name, 'custom function');
    if (exported.has(name) && !/@customfunction\b/.test(docs.get(name)?.jsDoc ?? '')) {
      problems.push({ name, role: 'custom function', problem: 'no_customfunction_tag' });
    }
  }
  return problems;
}

export function describeProblems(problems: readonly EntryPointProblem[]): string {
  const missing = problems.filter((p) => p.problem === 'not_exported').map((p) => `${p.name} (${p.role})`);
  const untagged = problems.filter((p) => p.problem === 'no_customfunction_tag').map((p) => p.name);
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`not exported by the entry: ${missing.join(', ')}`);
  if (untagged.length > 0) parts.push(`no @customfunction in the JSDoc of: ${untagged.join(', ')}`);
  return parts.join('; ');
}
