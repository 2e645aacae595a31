// Everything the core needs, handed in by the composition root. No SDK, no Express here.
import type { BrandKitStyle, MinTextPx } from '../../../shared/index';
import type { BlobStore } from '../ports/blob-store';
import type { ImageProvider } from '../ports/image-provider';
import type { ReferenceFetcher } from '../ports/reference-fetcher';
import type { SheetTarget } from '../ports/sheet-target';
import type { TaskQueue } from '../ports/task-queue';
import type { LinkSigner } from './asset-links';
import type { Clock } from './clock';
import type { CircuitBreakers } from './batches/circuit-breakers';
import type { CoreState } from './core-state';
import type { ProvenanceLog } from './provenance/chain-log';
import type { ContentCredentials } from './provenance/content-credentials';

export interface CoreConfig {
  /** Base for status URLs and asset links, e.g. `https://rowshot.example.com`. */
  publicBaseUrl: string;
  /** Models `auto` rows use, in order of preference. */
  defaultProviderChain: string[];
  /** Output size for models that take one (1K, 2K, 4K): what rows are priced and made at. */
  imageSize: string;
  flushIntervalMs: number;
  /** How long a row claim holds before another delivery may take it over. */
  claimTtlMs: number;
  /** Attempts the rows queue makes; the last one marks a row FAILED instead of retrying. */
  rowMaxAttempts: number;
  /** Rows per input chunk and per fan-out task. */
  chunkSize: number;
  /** Each tenant's daily spend limit (ROWSHOT_DAILY_BUDGET_USD), the same for all; null: none. */
  defaultDailyBudgetUsd: number | null;
  /** Identifies this process in claims and logs. */
  instanceId: string;
  /** The only tenant whose batches may write workbook files on this server's disk. */
  workbookTenant: string;
  /** True when this process is the only one working on its store (the embedded default). */
  exclusiveDataDir: boolean;
  /** The server's minimum legible text sizes in px (ROWSHOT_MIN_HEADLINE_PX, ROWSHOT_MIN_SUBLINE_PX); a batch's own win. */
  minTextPx: MinTextPx;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

export interface CoreMetrics {
  rowFinished(state: string, provider: string | null): void;
  providerCall(provider: string, outcome: string, seconds: number): void;
  costAdded(usd: number): void;
  sheetWrite(outcome: string, rows: number): void;
}

/** A brand kit's fonts (sfnt bytes) and a stable id for caches; null: Rowshot's own. */
export interface BrandFonts {
  id: string;
  headline: Buffer | null;
  subline: Buffer | null;
}

/** One row in one size, as the set planner measures it (see core/batches/text-sets.ts). */
export interface TextFitMember {
  /** The image's exact pixels. */
  width: number;
  height: number;
  headline: string;
  subline: string;
  /** `template`: the template renderer; `overlay`: Rowshot's text over an AI image. */
  renderer: 'template' | 'overlay';
  /** The pack has a composition reference (template text goes in the lower third). */
  composition: boolean;
  logo: Buffer | null;
  fonts: BrandFonts | null;
  minTextPx?: MinTextPx;
  kit?: BrandKitStyle;
}

export interface ImageTools {
  /** Crops (content-aware) and scales an image to exactly width × height, same format. */
  /** Without the image's own width and height (an image read back from the store), it is always re-encoded. */
  fitToSize(
    image: { data: Buffer; mimeType: 'image/png' | 'image/jpeg' | 'image/webp'; width?: number; height?: number },
    width: number,
    height: number,
  ): Promise<{ data: Buffer; mimeType: 'image/png' | 'image/jpeg' | 'image/webp'; width: number; height: number }>;
  thumbnail(image: Buffer): Promise<{ data: Buffer; mimeType: string; width: number; height: number }>;
  processUpload(data: Buffer): Promise<
    | { ok: true; image: { data: Buffer; mimeType: string; width: number; height: number; sha256: string }; thumbnail: { data: Buffer; mimeType: string } }
    | { ok: false; code: 'payload_too_large' | 'unsupported_media_type' | 'invalid_image'; detail: string }
  >;
  palette(image: Buffer): Promise<string[]>;
  /** Checks a brand font upload (TTF/OTF/WOFF, sniffed and parsed); answers the font as sfnt bytes. */
  checkFont(data: Buffer): Promise<{ ok: true; sfnt: Buffer; family: string; glyphs: number } | { ok: false; message: string }>;
  /** Typesets the headline and subline and places the logo on an AI image (text mode `overlay`). */
  overlayText(input: {
    image: Buffer;
    headline: string;
    subline: string;
    logo: Buffer | null;
    /** The size's name for reasons (`1080x1350`). */
    aspectRatio: string;
    fonts?: BrandFonts;
    /** The set's shared headline size, a share of the short side (GenerateRequest.setHeadline). */
    setHeadline?: number;
    minTextPx?: MinTextPx;
    kit?: BrandKitStyle;
  }): Promise<{ ok: true; image: { data: Buffer; mimeType: 'image/png'; width: number; height: number }; notes: string[] } | { ok: false; reason: string }>;
  /** Each member's largest fitting headline size as a share of its short side (null: no headline, or it cannot be set). */
  headlineShares(members: readonly TextFitMember[]): Promise<(number | null)[]>;
}

export interface CoreDeps {
  store: BlobStore;
  /** Per-model circuit breakers of this process. */
  breakers: CircuitBreakers;
  queues: { rows: TaskQueue; control: TaskQueue };
  providers: readonly ImageProvider[];
  targets: readonly SheetTarget[];
  links: LinkSigner;
  /** Appends every stored image's provenance record to its tenant's signed chain. */
  provenance: ProvenanceLog;
  /** Signs C2PA Content Credentials into stored PNG and JPEG files (the provenance log uses it); its CA is published. */
  contentCredentials: ContentCredentials;
  images: ImageTools;
  /** Fetches a row's Reference image links (guarded against SSRF by the adapter). */
  fetchReference: ReferenceFetcher;
  clock: Clock;
  config: CoreConfig;
  log: Logger;
  metrics: CoreMetrics;
  /** This instance's in-memory leases and caches (see core-state.ts). */
  state: CoreState;
}
