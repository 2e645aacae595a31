// Reads the names in addon/server/entry-points.ts (menu, triggers, sidebars, custom functions)
// by importing the module itself, so the build checks exactly what the add-on uses.
import { pathToFileURL } from 'node:url';
import { BuildError } from './build-error';
import type { EntryPointNames } from './check-entry-points';

export interface EntryPointsModule extends Omit<EntryPointNames, 'serverFunctions'> {
  sidebars: string[];
}

export async function loadEntryPoints(file: string): Promise<EntryPointsModule> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new BuildError('missing_entry_points', `cannot load ${file}: ${(err as Error).message}`, { cause: err });
  }
  const menu = mod.MENU_ITEMS;
  if (!Array.isArray(menu)) throw new BuildError('missing_entry_points', `${file} does not export MENU_ITEMS as an array`);
  const menuHandlers = menu.flatMap((item: unknown) =>
    item !== null && typeof item === 'object' && typeof (item as { handler?: unknown }).handler === 'string'
      ? [(item as { handler: string }).handler]
      : [],
  );
  const sidebars = mod.SIDEBARS;
  if (sidebars === null || typeof sidebars !== 'object') throw new BuildError('missing_entry_points', `${file} does not export SIDEBARS`);
  return {
    menuHandlers,
    triggerHandlers: stringList(mod.TRIGGER_HANDLERS, 'TRIGGER_HANDLERS', file),
    customFunctions: stringList(mod.CUSTOM_FUNCTIONS, 'CUSTOM_FUNCTIONS', file),
    sidebars: Object.keys(sidebars),
  };
}

function stringList(value: unknown, name: string, file: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new BuildError('missing_entry_points', `${file} does not export ${name} as a list of names`);
  }
  return value;
}
