// ImageProvider: one call makes one image. Outcomes are values: an image with its cost, or a
// transient failure (the task is retried) or a permanent one (the row FAILS with `reason`).
import type { AspectRatio, BrandKitStyle, PackImageMode, TextMode } from '../../../shared/index';

export interface ReferenceImage {
  data: Buffer;
  mimeType: string;
  mode: PackImageMode;
  /**
   * Absent: a pack image. `row`: the row's own Reference images (a product shot to show as it
   * is); `master`: the row's first size, which a further size recomposes (Resize `recompose`);
   * `edit`: the image a revision changes (with `GenerateRequest.instruction`).
   */
  source?: 'row' | 'master' | 'edit';
}

export interface GenerateRequest {
  /** The model id the row resolved to (e.g. `template`, `gemini-2.5-flash-image`). */
  model: string;
  prompt: string;
  negativePrompt: string;
  /** The supported model ratio nearest to `width` × `height` (what an AI model is asked for). */
  aspectRatio: AspectRatio;
  /**
   * The exact output pixels. The template renderer draws at them; an AI model makes its own
   * size at `aspectRatio` and the core crops and scales its image to them.
   */
  width: number;
  height: number;
  /** 1-based variant number; a provider may use it as a seed. */
  variant: number;
  /**
   * The Row ID: with the variant, what per-row choices are seeded by (the template's rotation
   * through a pack's images, a model's seed). Absent: the prompt stands in.
   */
  seedKey?: string;
  /**
   * The row's place in its batch (0-based): a pack's images rotate by it, so N rows over an
   * N-image pack get N different backgrounds (a hash of the Row ID could repeat one). Absent:
   * a hash of `seedKey` stands in.
   */
  rotation?: number;
  /**
   * A reviewer's feedback: the model edits the first reference (source `edit`) as it says and
   * keeps the rest of it. Absent: a new image from the prompt.
   */
  instruction?: string;
  headline: string;
  subline: string;
  /** The references in the order the model sees them: the master (if any), the row's own, then the pack's. */
  references: ReferenceImage[];
  logo: ReferenceImage | null;
  /** Pack colours (hex) for renderers that can use them; empty without a pack. */
  palette: string[];
  /**
   * Who draws the text and logo. `overlay` and `none`: an AI model is asked for the scene only
   * (Rowshot composites the text and logo afterwards for `overlay`); `model` (the default when
   * absent): the model is asked to draw them. The template renderer draws text unless `none`.
   */
  text?: TextMode;
  /** A brand kit's fonts (sfnt bytes) in front of Rowshot's own; renderers that set text use them. */
  fonts?: { id: string; headline: Buffer | null; subline: Buffer | null } | null;
  /**
   * The set's common headline size as a share of the image's short side (the rows of a batch
   * that share a pack, and every size of a row, get one: see core/batches/text-sets.ts).
   * Renderers that set text use it as the headline size, going smaller only when the row cannot
   * fit it (and saying so in the notes). Absent: the image is fitted on its own.
   */
  setHeadline?: number;
  /** Minimum legible text sizes in px (the batch's, else the server's); absent: the renderer's defaults. */
  minTextPx?: { headline?: number; subline?: number };
  /** The pack's brand kit style (colours, scrim, position, sizes, logo, margins); absent: automatic. */
  kit?: BrandKitStyle;
}

export interface GeneratedImage {
  data: Buffer;
  mimeType: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

export type GenerateOutcome =
  /** `responseId`, `modelVersion`: what the provider said about the call, kept in the image's provenance record. */
  | { ok: true; image: GeneratedImage; costUsd: number; notes: string[]; responseId?: string; modelVersion?: string }
  /** `modelUnavailable`: the service does not know the model (a 404): its breaker opens and the row moves on. */
  | { ok: false; kind: 'transient'; reason: string; retryAfterMs?: number; modelUnavailable?: boolean }
  | { ok: false; kind: 'permanent'; reason: string };

export interface ImageProvider {
  /** Shown in the Provider cell. */
  readonly name: string;
  /** Model ids this provider serves. */
  readonly models: readonly string[];
  generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateOutcome>;
}
