// The add-on built once for this test run by test/global-setup.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

export interface BuiltAddon {
  dir: string;
  code: string;
  /** The global setup removes the folder at the end of the run. */
  remove(): Promise<void>;
}

export function builtAddon(): BuiltAddon {
  const dir = inject('addonDir');
  return { dir, code: readFileSync(path.join(dir, 'Code.js'), 'utf8'), remove: async () => {} };
}
