// Builds the add-on into one folder clasp can push: Code.js, one HTML file per sidebar and
// appsscript.json. Everything is built in memory first, so a failed build leaves the previous
// output untouched.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildError } from './build-error';
import { bundleServer, entryExportNames, GLOBAL_NAME } from './bundle-server';
import { checkEntryPoints, describeProblems } from './check-entry-points';
import { readEntryDocs, readInterfaceMembers } from './entry-docs';
import { loadEntryPoints } from './load-entry-points';
import { BACKEND_URL_VAR, buildManifest } from './manifest';
import { buildSidebar } from './sidebars';
import { globalStubs } from './stubs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BuildAddonOptions {
  outDir: string;
  /** Repository root; the paths below default to the real add-on inside it. */
  root?: string;
  entry?: string;
  entryPoints?: string;
  rpc?: string;
  uiDir?: string;
  manifest?: string;
  /** Where ROWSHOT_ADDON_BACKEND_URL is read; process.env unless given. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface BuiltFile {
  name: string;
  path: string;
  bytes: number;
}

export interface BuildReport {
  outDir: string;
  files: BuiltFile[];
  /** The entry's exports, each a top-level function of Code.js. */
  exports: string[];
  /** esbuild warnings (the build succeeded anyway). */
  warnings: string[];
}

export async function buildAddon(options: BuildAddonOptions): Promise<BuildReport> {
  const root = path.resolve(options.root ?? REPO_ROOT);
  const entry = path.resolve(root, options.entry ?? 'addon/server/index.ts');
  const entryPointsFile = path.resolve(root, options.entryPoints ?? 'addon/server/entry-points.ts');
  const rpcFile = path.resolve(root, options.rpc ?? 'addon/server/rpc.ts');
  const uiDir = path.resolve(root, options.uiDir ?? 'addon/ui');
  const manifestFile = path.resolve(root, options.manifest ?? 'appsscript.json');
  const env = options.env ?? process.env;

  // Configuration first: a bad variable fails in a second, before any bundling.
  const manifest = buildManifest(await readFile(manifestFile, 'utf8'), env[BACKEND_URL_VAR]);

  const exportNames = await entryExportNames(entry);
  const docs = readEntryDocs(entry);
  const entryPoints = await loadEntryPoints(entryPointsFile);
  const rpcText = await readFile(rpcFile, 'utf8');
  const serverFunctions = readInterfaceMembers(rpcFile, rpcText, 'ServerFunctions');
  if (serverFunctions === null) throw new BuildError('missing_entry_points', `${rpcFile} has no interface ServerFunctions`);

  const problems = checkEntryPoints({ ...entryPoints, serverFunctions }, new Set(exportNames), docs);
  if (problems.length > 0) throw new BuildError('missing_entry_points', describeProblems(problems));

  const outputs = new Map<string, string>();
  const server = await bundleServer(entry, globalStubs(GLOBAL_NAME, exportNames, docs));
  const warnings = [...server.warnings];
  outputs.set('Code.js', server.code);
  for (const name of entryPoints.sidebars) outputs.set(`${name}.html`, await buildSidebar(uiDir, name, warnings));
  outputs.set('appsscript.json', manifest);

  const outDir = path.resolve(options.outDir);
  await clearOutputs(outDir);
  const files: BuiltFile[] = [];
  for (const [name, text] of outputs) {
    const file = path.join(outDir, name);
    await writeFile(file, text);
    files.push({ name, path: file, bytes: Buffer.byteLength(text) });
  }
  return { outDir, files, exports: exportNames, warnings };
}

/** clasp pushes every file of the folder: drop a previous build's files (a removed sidebar too). */
async function clearOutputs(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  for (const name of await readdir(outDir)) {
    if (/\.(js|html|json)$/.test(name) && name !== '.clasp.json') await rm(path.join(outDir, name));
  }
}
