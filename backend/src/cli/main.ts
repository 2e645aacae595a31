// The `rowshot` command line. Exit codes: 0 all rows DONE (or success), 2 some rows did not
// finish, 1 a usage or configuration error (one line saying what to fix).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PACK_IMAGE_MODES, type PackImageMode } from '../../../shared/index';
import { AppError } from '../core/app-error';
import { createPack } from '../core/packs/create-pack';
import { loadConfig } from '../config';
import { createRowshot, LOCAL_TENANT } from '../compose';
import { createApiKey, ensureTenant, listApiKeys, revokeApiKey, rotateLinkKey } from '../core/tenants/tenants';
import { parseExpiry } from './key-expiry';
import { TENANT_PATTERN } from '../core/layout';
import { serve } from '../main';
import { logFormat } from '../http/log-lines';
import { DataDirBusyError } from '../data-dir-lock';
import { WorkbookError } from '../adapters/local/workbook/workbook';
import { ApiClient, ApiError } from './api-client';
import { FlagError, RunRefused } from './cli-errors';
import { parseColumnMaps } from './column-map';
import { fsFaultText } from '../fs-fault-text';
import { runFlags } from './run-flags';
import { previewCommand } from './preview-command';
import { reviseCommand } from './revise-command';
import { parseMaxCost } from './row-selection';
import { terminalSafe, terminalSafeLines } from './terminal-text';
import { runCommand, UsageError } from './run-command';
import { verifyCommand } from './verify-command';

const USAGE = `Usage:
  rowshot run FILE.csv|FILE.xlsx [--pack-dir DIR] [--out DIR] [--retry-failed] [--sheet NAME] [--map "COLUMN=HEADER"]…
      [--dry-run] [--max-cost USD] [--limit N] [--rows 2-5,9] [--force] [--name TEXT] [--yes]
      [--text overlay|model|none] [--resize recompose|crop] [--text-fit set|row] [--long-edge PX] [--name-template TEXT] [--server URL --api-key KEY]
  rowshot revise FILE.csv|FILE.xlsx [--sheet NAME] [--map "COLUMN=HEADER"]… [--out DIR] [--max-cost USD] [--server URL --api-key KEY]
  rowshot preview FILE.csv|FILE.xlsx [--row N] [--out DIR] [--sheet NAME] [--map "COLUMN=HEADER"]… [--server URL --api-key KEY]
  rowshot serve [--port N] [--log-format text|json]
  rowshot keys create --tenant NAME [--label TEXT] [--expires 90d|2027-01-31]
  rowshot keys list --tenant NAME
  rowshot keys revoke KEY_ID --tenant NAME
  rowshot keys rotate-links --tenant NAME
  rowshot packs create NAME IMAGE… [--mode style_only|style_and_composition[,…]] [--logo FILE] [--server URL --api-key KEY]
  rowshot verify FILE|URL [--server URL --api-key KEY]

Settings come from ROWSHOT_* environment variables (see README); GEMINI_API_KEY turns on Gemini models. Data lives in ROWSHOT_DATA_DIR (default .rowshot).`;

export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await run(rest, env);
      case 'preview':
        return await preview(rest, env);
      case 'revise':
        return await revise(rest, env);
      case 'serve':
        return await serveCommand(rest, env);
      case 'keys':
        return await keys(rest, env);
      case 'packs':
        return await packs(rest, env);
      case 'verify':
        return await verify(rest, env);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof DataDirBusyError || err instanceof RunRefused || err instanceof WorkbookError) {
      console.error(`rowshot: ${terminalSafeLines(err.message)}`);
      return 1;
    }
    if (err instanceof UsageError || err instanceof FlagError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`rowshot: ${terminalSafeLines((err as Error).message)}\n\n${USAGE}`);
      return 1;
    }
    if (err instanceof ApiError) {
      console.error(`rowshot: ${terminalSafeLines(err.describe())}`);
      return 1;
    }
    if (err instanceof AppError) {
      console.error(`rowshot: ${terminalSafeLines(appErrorText(err))}`);
      return 1;
    }
    throw err;
  }
}

async function run(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      'pack-dir': { type: 'string' }, out: { type: 'string' }, 'retry-failed': { type: 'boolean', default: false },
      server: { type: 'string' }, 'api-key': { type: 'string' }, sheet: { type: 'string' },
      map: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean', default: false }, 'max-cost': { type: 'string' },
      limit: { type: 'string' }, force: { type: 'boolean', default: false }, rows: { type: 'string' }, name: { type: 'string' },
      text: { type: 'string' }, resize: { type: 'string' }, 'text-fit': { type: 'string' }, 'long-edge': { type: 'string' }, 'name-template': { type: 'string' },
      yes: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('run takes exactly one FILE');
  return runCommand({
    file: positionals[0] as string,
    retryFailed: values['retry-failed'] ?? false,
    ...(values['pack-dir'] ? { packDir: values['pack-dir'] } : {}),
    ...(values.out ? { out: values.out } : {}),
    ...(values.server ? { server: values.server } : {}),
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    ...(values.sheet ? { sheet: values.sheet } : {}),
    ...(values.map ? { columns: parseColumnMaps(values.map) } : {}),
    ...runFlags(values),
  }, env);
}

async function revise(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { sheet: { type: 'string' }, map: { type: 'string', multiple: true }, out: { type: 'string' }, 'max-cost': { type: 'string' }, server: { type: 'string' }, 'api-key': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('revise takes exactly one FILE');
  return reviseCommand({
    file: positionals[0] as string,
    ...(values.sheet ? { sheet: values.sheet } : {}),
    ...(values.map ? { columns: parseColumnMaps(values.map) } : {}),
    ...(values.out ? { out: values.out } : {}),
    ...(values['max-cost'] !== undefined ? { maxCostUsd: parseMaxCost(values['max-cost']) } : {}),
    ...(values.server ? { server: values.server } : {}),
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
  }, env);
}

async function preview(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { row: { type: 'string' }, out: { type: 'string' }, sheet: { type: 'string' }, map: { type: 'string', multiple: true }, server: { type: 'string' }, 'api-key': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('preview takes exactly one FILE');
  const row = values.row === undefined ? undefined : Number(values.row);
  if (row !== undefined && (!Number.isInteger(row) || row < 2)) throw new UsageError(`--row "${values.row}" must be a row number from 2 (row 1 holds the headers)`);
  const key = values['api-key'] ?? env.ROWSHOT_API_KEY;
  if (values.server && !key) throw new UsageError('--server needs an API key: pass --api-key or set ROWSHOT_API_KEY');
  return previewCommand({
    file: positionals[0] as string,
    ...(row !== undefined ? { row } : {}),
    ...(values.out ? { out: values.out } : {}),
    ...(values.sheet ? { sheet: values.sheet } : {}),
    ...(values.map ? { columns: parseColumnMaps(values.map) } : {}),
    ...(values.server && key ? { server: { url: values.server, apiKey: key } } : {}),
  }, { local: () => localDeps(env) });
}

async function serveCommand(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { port: { type: 'string' }, 'log-format': { type: 'string' } } });
  const flag = values['log-format'];
  if (flag !== undefined && flag !== 'text' && flag !== 'json') throw new UsageError(`--log-format "${flag}" must be text or json`);
  return serve({ ...env, ...(values.port ? { PORT: values.port } : {}) }, { logFormat: logFormat(flag, process.stdout.isTTY === true) });
}

async function localDeps(env: Record<string, string | undefined>) {
  const loaded = loadConfig({ ...env, ROWSHOT_LOG_LEVEL: env.ROWSHOT_LOG_LEVEL ?? 'warn' });
  if (!loaded.ok) throw new UsageError(loaded.message);
  return (await createRowshot(loaded.config)).deps;
}

async function keys(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { tenant: { type: 'string' }, label: { type: 'string' }, expires: { type: 'string' } } });
  if (!values.tenant) throw new UsageError(`keys ${sub ?? ''} needs --tenant NAME`);
  if (positionals.length > (sub === 'revoke' ? 1 : 0)) throw new UsageError(`keys ${sub ?? ''}: unexpected ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  const expiresAt = values.expires === undefined ? null : parseExpiry(values.expires, Date.now());
  // Checked before anything opens the data folder, as one line naming the flag.
  if (!TENANT_PATTERN.test(values.tenant)) throw new RunRefused(`--tenant ${JSON.stringify(values.tenant)}: tenant names use lowercase letters, digits and dashes (at most 40 characters)`);
  const deps = await localDeps(env);
  if (sub === 'create') {
    await ensureTenant(deps.store, values.tenant, deps.clock);
    const { key, keyId } = await createApiKey(deps.store, values.tenant, deps.clock, values.label ?? 'cli', expiresAt);
    console.log(key);
    console.error(`Created key ${keyId} for tenant "${values.tenant}"${expiresAt ? `, valid until ${expiresAt}` : ''}. It is shown only this once; Rowshot stores only its hash.`);
    return 0;
  }
  if (sub === 'list') {
    const now = Date.now();
    const list = await listApiKeys(deps.store, values.tenant);
    if (list.length === 0) console.error(`Tenant "${values.tenant}" has no API keys.`);
    for (const k of list) {
      const state = k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt && Date.parse(k.expiresAt) <= now ? `expired ${k.expiresAt}` : k.expiresAt ? `valid until ${k.expiresAt}` : 'valid';
      console.log(`${k.keyId}  ${k.createdAt}  ${state}  ${terminalSafe(k.label)}`);
    }
    return 0;
  }
  if (sub === 'revoke') {
    const keyId = positionals[0];
    if (!keyId) throw new UsageError('keys revoke needs the KEY_ID that keys list shows');
    if (!(await revokeApiKey(deps, values.tenant, keyId))) throw new RunRefused(`Tenant "${values.tenant}" has no key ${JSON.stringify(keyId)}; rowshot keys list --tenant ${values.tenant} shows its keys`);
    console.error(`Revoked key ${keyId} of tenant "${values.tenant}": it stops working at once here and within 30 s on running servers.`);
    return 0;
  }
  if (sub === 'rotate-links') {
    const version = await rotateLinkKey(deps.store, values.tenant);
    console.error(`Asset links of tenant "${values.tenant}" now use key version ${version}; every older link stopped working.`);
    return 0;
  }
  throw new UsageError('keys takes "create", "list", "revoke" or "rotate-links"');
}

async function packs(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new UsageError('packs takes "create"');
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true, strict: true,
    options: { mode: { type: 'string' }, logo: { type: 'string' }, server: { type: 'string' }, 'api-key': { type: 'string' } },
  });
  const [name, ...files] = positionals;
  if (!name || files.length === 0) throw new UsageError('packs create needs a NAME and at least one IMAGE');
  const modes = (values.mode ?? 'style_and_composition').split(',').map((m) => m.trim());
  for (const m of modes) if (!(PACK_IMAGE_MODES as readonly string[]).includes(m)) throw new UsageError(`--mode "${m}" is not one of ${PACK_IMAGE_MODES.join(', ')}`);
  const perImage = modes.length === 1 ? files.map(() => modes[0] as string) : modes;

  const images = await Promise.all(files.map(async (f, i) => ({ field: `images[${i}] (${path.basename(f)})`, data: await readOrUsage(f) })));
  const logo = values.logo ? { field: `logo (${path.basename(values.logo)})`, data: await readOrUsage(values.logo) } : null;
  if (values.server) {
    const key = values['api-key'] ?? env.ROWSHOT_API_KEY;
    if (!key) throw new UsageError('--server needs an API key: pass --api-key or set ROWSHOT_API_KEY');
    const form = new FormData();
    form.set('name', name);
    form.set('modes', perImage.join(','));
    images.forEach((img, i) => form.append('images', new Blob([new Uint8Array(img.data)]), path.basename(files[i] as string)));
    if (logo && values.logo) form.set('logo', new Blob([new Uint8Array(logo.data)]), path.basename(values.logo));
    const pack = await new ApiClient(values.server, key).createPack(form);
    console.log(`Created pack "${terminalSafe(pack.name)}" (${pack.id}) with ${pack.images.length} image(s)${pack.logo ? ' and a logo' : ''}`);
    return 0;
  }
  // Locally the use case runs in this process: no server and no queues, so it is safe next to a running `rowshot serve`.
  const deps = await localDeps(env);
  try {
    const pack = await createPack(deps, LOCAL_TENANT, { name, modes: perImage as PackImageMode[], images, logo });
    console.log(`Created pack "${terminalSafe(pack.name)}" (${pack.id}) with ${pack.images.length} image(s)${pack.logo ? ' and a logo' : ''} for tenant ${LOCAL_TENANT}`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`rowshot: ${terminalSafeLines(appErrorText(err))}`);
      return 1;
    }
    const disk = fsFaultText(err);
    if (disk !== null) {
      console.error(`rowshot: ${terminalSafe(disk)}`);
      return 1;
    }
    throw err;
  }
}

async function verify(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { server: { type: 'string' }, 'api-key': { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one FILE or URL');
  const apiKey = values['api-key'] ?? env.ROWSHOT_API_KEY;
  return verifyCommand(
    { target: positionals[0] as string, ...(values.server ? { server: values.server } : {}), ...(apiKey ? { apiKey } : {}) },
    async () => ({ deps: await localDeps(env), tenant: LOCAL_TENANT }),
  );
}

/** An AppError as the CLI prints it: the detail, then each invalid field on its own line. */
function appErrorText(err: AppError): string {
  return `${err.detail}${(err.extra.invalidFields ?? []).map((f) => `\n  ${f.field}: ${f.message}`).join('')}`;
}

async function readOrUsage(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch {
    throw new UsageError(`${file}: cannot read this file`);
  }
}
