// The provenance records of one row's images: what is the same for every image of the row is
// gathered once, and each stored image (generated, composite, thumbnail) adds its own part.
import type { RowSpec } from '../../../../shared/index';
import type { CoreDeps } from '../deps';
import { iso } from '../clock';
import type { LinkFor } from '../batches/batch-view';
import type { Manifest, RowRecord } from '../batches/records';
import type { PackForRow } from '../packs/pack-for-row';
import type { Appended, RecordDraft } from './chain-log';
import type { ImageRole } from './record';
import { SOURCE_TYPES } from './xmp';
import { variantSeed } from '../../../../shared/seed-hash';

type RowPart = Pick<RecordDraft, 'actor' | 'batchId' | 'rowId' | 'version' | 'prompt' | 'negativePrompt' | 'model' | 'pack' | 'inputs'> & { textMode: string };

export interface ImagePart {
  role: ImageRole;
  assetKey: string;
  aspectRatio: string;
  variant: number;
  parent: string | null;
  startedAt: number;
  finishedAt: number;
  costUsd: number;
  modelVersion?: string | undefined;
  providerResponseId?: string | undefined;
  overlay?: { headline: string; subline: string };
  /** The image (or the one a thumbnail was made from) has Rowshot's overlay on a model's image. */
  composited?: boolean;
  /** The image the model started from, listed first in its references: the master it recomposed (Resize `recompose`) or the image a revision edited. */
  master?: { sha256: string; mode: string; source: 'master' | 'edit' };
}

export interface RowRecorder {
  record(part: ImagePart, image: { data: Buffer; mimeType: string }): Promise<Appended>;
}

export function rowRecorder(
  deps: CoreDeps,
  ctx: {
    m: Manifest; rec: RowRecord; spec: RowSpec; pack: PackForRow | null; model: string;
    /** The references the model was given (the row's, then the pack's), by hash. */
    references: { sha256: string; mode: string; source?: string }[];
    /** How further sizes were made, when the row has several and an AI model made them. */
    resizeMode: string | null;
    logoUsed: boolean; link: LinkFor;
  },
): RowRecorder {
  const { m, rec, spec, pack } = ctx;
  const p = pack?.provenance ?? null;
  const row: RowPart = {
    actor: m.createdBy ?? null,
    batchId: m.id,
    rowId: rec.rowId,
    // Generations count from 0; versions from 1 (v2: the first retry).
    version: rec.gen + 1,
    prompt: spec.prompt,
    negativePrompt: spec.negativePrompt,
    model: ctx.model,
    textMode: spec.text,
    pack: p && pack ? { id: p.packId, version: pack.brandKitVersion, updatedAt: p.updatedAt } : null,
    inputs: {
      references: ctx.references,
      logoSha256: ctx.logoUsed ? (p?.logoSha256 ?? null) : null,
      fonts: p && (p.headlineFontSha256 || p.sublineFontSha256) ? { headlineSha256: p.headlineFontSha256, sublineSha256: p.sublineFontSha256 } : null,
    },
  };
  const { textMode, ...shared } = row;
  return {
    record(part, image) {
      const sourceType = part.role === 'composite' || part.composited === true
        ? SOURCE_TYPES.composite
        : ctx.model === 'template' ? SOURCE_TYPES.algorithmic : SOURCE_TYPES.ai;
      const draft: RecordDraft = {
        ...shared,
        assetKey: part.assetKey,
        role: part.role,
        aspectRatio: part.aspectRatio,
        variant: part.variant,
        parent: part.parent,
        modelVersion: part.modelVersion ?? null,
        providerResponseId: part.providerResponseId ?? null,
        parameters: {
          imageSize: deps.config.imageSize, aspectRatio: part.aspectRatio, seed: variantSeed(rec.rowId, part.variant), textMode,
          ...(ctx.resizeMode ? { resizeMode: ctx.resizeMode } : {}),
        },
        // A recomposed size's record lists the master it was given first.
        ...(part.master ? { inputs: { ...shared.inputs, references: [part.master, ...shared.inputs.references] } } : {}),
        overlay: part.overlay ?? null,
        startedAt: iso(part.startedAt),
        finishedAt: iso(part.finishedAt),
        costUsd: part.costUsd,
      };
      return deps.provenance.append({ tenant: m.tenant, draft, image, link: ctx.link, sourceType });
    },
  };
}
