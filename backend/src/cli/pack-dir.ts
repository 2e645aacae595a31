// `--pack-dir DIR`: every sub-folder is a reference pack named after the folder; its images
// (png/jpg/webp, in name order) are the pack, `logo.*` is its logo, and a file name containing
// `style` (e.g. `2-style.png`) makes that image style-only. A pack is created when missing and
// re-created when its source files changed (a fingerprint of them is remembered locally); the
// old version stays until the new one is complete.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MAX_PACK_IMAGES } from '../../../shared/index';
import type { ApiClient } from './api-client';

const IMAGE = /\.(png|jpe?g|webp)$/i;

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
    const files = (await readdir(folder)).filter((f) => IMAGE.test(f)).sort();
    const logoFile = files.find((f) => /^logo\./i.test(f));
    const images = files.filter((f) => f !== logoFile).slice(0, MAX_PACK_IMAGES);
    if (images.length === 0) continue;
    const datas = await Promise.all(images.map((f) => readFile(path.join(folder, f))));
    const logo = logoFile ? await readFile(path.join(folder, logoFile)) : null;
    const modes = images.map((f) => (/style/i.test(f) ? 'style_only' : 'style_and_composition'));
    const hash = createHash('sha256').update(modes.join(','));
    for (const d of [...datas, ...(logo ? [logo] : [])]) hash.update(d);
    const fingerprint = hash.digest('hex');
    const stateKey = `${serverKey} ${e.name.toLowerCase()}`;
    const current = existing.find((p) => p.name.toLowerCase() === e.name.toLowerCase());
    if (current && seen[stateKey] === `${current.id}:${fingerprint}`) {
      result.unchanged.push(e.name);
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
    const pack = await client.createPack(form);
    if (current) {
      await client.deletePack(current.id);
      await client.renamePack(pack.id, e.name);
    }
    seen[stateKey] = `${pack.id}:${fingerprint}`;
    result.created.push(e.name);
  }
  await mkdir(path.dirname(stateFile), { recursive: true });
  await writeFile(stateFile, JSON.stringify(seen, null, 2));
  return result;
}

const stagingName = (name: string): string => `${name} (new version)`;

async function readState(file: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
