// `--pack-dir DIR`: every sub-folder is a reference pack named after the folder; its images
// (png/jpg/webp, in name order) are the pack, `logo.*` is its logo, and a file name containing
// `style` (e.g. `2-style.png`) makes that image style-only. Its brand kit: `kit.json` (the kit's
// style, the same schema as the API's `brandKit`) and font files (`headline.*` and `subline.*`,
// or one font for both; TTF, OTF, WOFF, WOFF2). A pack is created when missing and re-created
// when its images, logo or fonts changed (a fingerprint of them is remembered locally; the old
// version stays until the new one is complete); a changed kit.json alone is a PATCH, so the
// pack keeps its id and its kit gets a new version.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BRAND_KIT_FIELDS, BrandKitStyle, issuesToFields, MAX_PACK_IMAGES, type BrandKitPatch } from '../../../shared/index';
import type { ApiClient } from './api-client';
import { RunRefused } from './cli-errors';

const IMAGE = /\.(png|jpe?g|webp)$/i;
const FONT = /\.(ttf|otf|woff2?)$/i;

/** The folder's kit.json, checked with the API's schema: a bad one stops the run with one line naming the file and field. */
async function readKit(folder: string, label: string): Promise<{ style: BrandKitStyle } | null> {
  let text: string;
  try {
    text = await readFile(path.join(folder, 'kit.json'), 'utf8');
  } catch {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new RunRefused(`${label}/kit.json is not valid JSON (${(err as Error).message}); nothing was uploaded`);
  }
  const r = BrandKitStyle.safeParse(value);
  if (!r.success) {
    const f = issuesToFields(r.error.issues)[0];
    throw new RunRefused(`${label}/kit.json: ${f ? `${f.field}: ${f.message}` : 'invalid'}; nothing was uploaded`);
  }
  return { style: r.data };
}

/** Checks every pack folder's kit.json (a missing pack folder has none); throws RunRefused naming the first bad one. */
export async function checkPackKits(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) await readKit(path.join(dir, e.name), e.name);
}

/** The kit as a PATCH that replaces it whole: fields the file left out are reset. */
function replacing(style: BrandKitStyle): BrandKitPatch {
  return Object.fromEntries(BRAND_KIT_FIELDS.map((k) => [k, style[k] ?? null])) as BrandKitPatch;
}

export interface PackDirResult {
  created: string[];
  unchanged: string[];
}

export async function syncPackDir(client: ApiClient, dir: string, stateFile: string, serverKey: string): Promise<PackDirResult> {
  const entries = await readdir(dir, { withFileTypes: true });
  const existing = (await client.listPacks()).packs;
  const seen = await readState(stateFile);
  const result: PackDirResult = { created: [], unchanged: [] };
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = path.join(dir, e.name);
    const all = (await readdir(folder)).sort();
    const files = all.filter((f) => IMAGE.test(f));
    const fontFiles = all.filter((f) => FONT.test(f));
    const kit = await readKit(folder, e.name);
    const logoFile = files.find((f) => /^logo\./i.test(f));
    const images = files.filter((f) => f !== logoFile).slice(0, MAX_PACK_IMAGES);
    if (images.length === 0) continue;
    const datas = await Promise.all(images.map((f) => readFile(path.join(folder, f))));
    const logo = logoFile ? await readFile(path.join(folder, logoFile)) : null;
    const modes = images.map((f) => (/style/i.test(f) ? 'style_only' : 'style_and_composition'));
    const hash = createHash('sha256').update(modes.join(','));
    const fonts = await Promise.all(fontFiles.map(async (f) => ({ file: f, data: await readFile(path.join(folder, f)) })));
    for (const d of [...datas, ...(logo ? [logo] : []), ...fonts.map((f) => f.data)]) hash.update(d);
    for (const f of fonts) hash.update(f.file.toLowerCase());
    const fingerprint = hash.digest('hex');
    const kitPrint = kitPrintOf(kit?.style ?? {});
    const stateKey = `${serverKey} ${e.name.toLowerCase()}`;
    const current = existing.find((p) => p.name.toLowerCase() === e.name.toLowerCase());
    const remembered = seen[stateKey]?.split(':') ?? [];
    if (current && remembered[0] === current.id && remembered[1] === fingerprint) {
      if ((remembered[2] ?? kitPrintOf({})) === kitPrint) {
        result.unchanged.push(e.name);
        continue;
      }
      // Only kit.json changed: the same pack, a new kit version.
      await client.patchPack(current.id, { brandKit: replacing(kit?.style ?? {}) });
      seen[stateKey] = `${current.id}:${fingerprint}:${kitPrint}`;
      result.created.push(e.name);
      continue;
    }
    // A changed pack is replaced only once its new version is complete: it is made under a
    // staging name first (every image checked by the server), then the old one is deleted and
    // the new one takes the name. A bad image refuses the new version and keeps the old pack.
    const staging = existing.find((p) => p.name.toLowerCase() === stagingName(e.name).toLowerCase());
    if (staging) await client.deletePack(staging.id); // left by a run that stopped half-way
    const form = new FormData();
    form.set('name', current ? stagingName(e.name) : e.name);
    form.set('modes', modes.join(','));
    images.forEach((f, i) => form.append('images', new Blob([new Uint8Array(datas[i] as Buffer)]), f));
    if (logo && logoFile) form.set('logo', new Blob([new Uint8Array(logo)]), logoFile);
    for (const f of fonts) {
      const field = /^headline\./i.test(f.file) ? 'headlineFont' : /^subline\./i.test(f.file) ? 'sublineFont' : 'font';
      form.append(field, new Blob([new Uint8Array(f.data)]), f.file);
    }
    if (kit) form.set('brandKit', JSON.stringify(kit.style));
    const pack = await client.createPack(form);
    if (current) {
      await client.deletePack(current.id);
      await client.renamePack(pack.id, e.name);
    }
    seen[stateKey] = `${pack.id}:${fingerprint}:${kitPrint}`;
    result.created.push(e.name);
  }
  await mkdir(path.dirname(stateFile), { recursive: true });
  await writeFile(stateFile, JSON.stringify(seen, null, 2));
  return result;
}

const stagingName = (name: string): string => `${name} (new version)`;
const kitPrintOf = (style: BrandKitStyle): string => createHash('sha256').update(JSON.stringify(style)).digest('hex').slice(0, 16);

async function readState(file: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
