// One headline size per set. The rows of a batch that share a pack (rows without a pack form
// one set too), in every size they ask for, get a common headline size: the largest at which
// every one of them fits, as a share of each image's short side (so the same pixels wherever
// sizes share a short side). It is planned once, before any row is queued, by laying every
// row out with the renderers' own layout (ImageTools.headlineShares); each row then renders at
// its set's size. A row that only fits well under the rest does not drag the set down: it is
// shrunk on its own and its notes say so.
import type { RowSpec } from '../../../../shared/index';
import type { CoreDeps, TextFitMember } from '../deps';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { loadPackForRow, type PackForRow } from '../packs/pack-for-row';
import type { InputRow, Manifest } from './records';
import { minTextPxOf, readBatchRow } from './row-text';

export interface TextSets {
  /** Set key (setKey) → shared headline size as a share of the short side. */
  shares: Record<string, number>;
}

/** A member whose own largest size is under this share of the set's median is an outlier. */
export const OUTLIER_RATIO = 0.75;
/**
 * At most this many row × size layouts are measured (about a minute of CPU); a larger batch's
 * set size comes from its first rows, and later rows that need smaller type are shrunk and
 * flagged like any outlier.
 */
export const MAX_MEASURED = 12_000;

export const setKey = (packId: string | null): string => (packId === null ? '-' : `pack:${packId}`);

/**
 * The set's common size from its members' largest sizes: the smallest of them, leaving out
 * outliers (under OUTLIER_RATIO of the median), which are shrunk and flagged instead.
 */
export function sharedShare(shares: readonly number[]): number | null {
  if (shares.length === 0) return null;
  const sorted = [...shares].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return sorted.find((s) => s >= median * OUTLIER_RATIO) ?? null;
}

/** Who sets the row's text: the template renderer, Rowshot over an AI image, or nobody Rowshot measures. */
function rendererOf(deps: CoreDeps, spec: RowSpec, m: Manifest): TextFitMember['renderer'] | null {
  if (spec.text === 'none') return null;
  const model = spec.model === 'auto' ? m.providerChain.find((id) => deps.providers.some((p) => p.models.includes(id))) : spec.model;
  if (model === 'template') return 'template';
  return spec.text === 'overlay' ? 'overlay' : null;
}

/** Plans the batch's text sets (once; a re-delivered fan-out finds them planned). */
export async function planTextSets(deps: CoreDeps, m: Manifest): Promise<void> {
  if ((m.textFit ?? 'row') !== 'set') return;
  const key = layout.textSets(m.tenant, m.id);
  if (await getJson<TextSets>(deps.store, key)) return;

  const packs = new Map<string, PackForRow | null>();
  const members: { set: string; member: TextFitMember }[] = [];
  const seen = new Set<string>();
  const chunks = Math.ceil(m.rowCount / m.chunkSize);
  const minTextPx = minTextPxOf(deps, m);
  for (let c = 0; c < chunks && members.length < MAX_MEASURED; c++) {
    const rows = (await getJson<InputRow[]>(deps.store, layout.inputChunk(m.tenant, m.id, c)))?.value ?? [];
    for (const row of rows) {
      const read = readBatchRow(m, row.cells);
      if (!read.ok || read.spec.headline === '') continue;
      const spec = read.spec;
      const renderer = rendererOf(deps, spec, m);
      if (renderer === null) continue;
      let pack: PackForRow | null = null;
      if (spec.referencePack !== null) {
        if (!packs.has(spec.referencePack)) packs.set(spec.referencePack, await loadPackForRow(deps, m.tenant, spec.referencePack));
        pack = packs.get(spec.referencePack) ?? null;
        if (pack === null) continue; // the row fails: no such pack
      }
      const set = setKey(pack?.id ?? null);
      for (const { width, height, id: size } of spec.sizes) {
        const member: TextFitMember = {
          width, height, headline: spec.headline, subline: spec.subline, renderer,
          composition: pack?.references.some((r) => r.mode === 'style_and_composition') ?? false,
          logo: spec.logo ? (pack?.logo?.data ?? null) : null,
          fonts: pack?.fonts ?? null,
          ...(minTextPx ? { minTextPx } : {}),
          ...(pack?.kit ? { kit: pack.kit } : {}),
        };
        const id = JSON.stringify([set, size, spec.headline, spec.subline, renderer, member.logo !== null]);
        if (seen.has(id)) continue;
        seen.add(id);
        members.push({ set, member });
      }
    }
  }

  const shares = await deps.images.headlineShares(members.map((x) => x.member));
  const bySet = new Map<string, number[]>();
  members.forEach(({ set }, i) => {
    const share = shares[i];
    if (share === null || share === undefined) return;
    const list = bySet.get(set);
    if (list) list.push(share);
    else bySet.set(set, [share]);
  });
  const planned: TextSets = { shares: {} };
  for (const [set, list] of bySet) {
    const shared = sharedShare(list);
    if (shared !== null) planned.shares[set] = shared;
  }
  // Another delivery may have planned the same sets meanwhile: the first write stands.
  await putJson(deps.store, key, planned, 0);
}

/** The shared headline size of a row's set, or undefined (per-row fitting, or no set size). */
export async function setHeadlineFor(deps: CoreDeps, m: Manifest, pack: PackForRow | null): Promise<number | undefined> {
  if ((m.textFit ?? 'row') !== 'set') return undefined;
  const sets = await getJson<TextSets>(deps.store, layout.textSets(m.tenant, m.id));
  return sets?.value.shares[setKey(pack?.id ?? null)];
}
