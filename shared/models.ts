// The model registry: what each image model can do, what it costs and when it retires. Prices
// are USD per output image (published list prices; template is our own renderer and free).
// Shutdown dates are the earliest ones on Google's deprecations page.

export type ModelStatus = 'preview' | 'stable' | 'deprecated';

export interface ModelInfo {
  id: string;
  label: string;
  kind: 'template' | 'gemini' | 'test';
  status: ModelStatus;
  /** The announced shutdown day (YYYY-MM-DD, UTC): from then on the model is never called. */
  shutdownDate?: string;
  /** The recommended replacement once this model shuts down. */
  successor?: string;
  /** Price per output image, by image size. */
  pricePerImageUsd: Readonly<Record<string, number>>;
  defaultImageSize: string;
  maxReferenceImages: number;
  /**
   * Output sizes the model accepts as `imageConfig.imageSize`. Absent: the model takes no size
   * parameter (it makes `defaultImageSize` only) and none may be sent.
   */
  imageSizes?: readonly string[];
  /** Output tokens one image is billed as, by image size (Gemini bills images as output tokens). */
  outputTokensPerImage?: Readonly<Record<string, number>>;
  /** USD per million output image tokens; `pricePerImageUsd` = tokens × this / 1e6. */
  pricePerMillionOutputTokensUsd?: number;
}

export const MODELS: readonly ModelInfo[] = [
  {
    id: 'template', label: 'Template renderer (offline, free)', kind: 'template', status: 'stable',
    pricePerImageUsd: { '1K': 0 }, defaultImageSize: '1K', maxReferenceImages: 6,
  },
  {
    id: 'gemini-2.5-flash-image', label: 'Gemini 2.5 Flash Image', kind: 'gemini',
    status: 'deprecated', shutdownDate: '2026-10-02', successor: 'gemini-3.1-flash-image',
    pricePerImageUsd: { '1K': 0.039 }, defaultImageSize: '1K', maxReferenceImages: 3,
    outputTokensPerImage: { '1K': 1290 }, pricePerMillionOutputTokensUsd: 30,
  },
  {
    id: 'gemini-3.1-flash-image', label: 'Gemini 3.1 Flash Image', kind: 'gemini', status: 'stable',
    pricePerImageUsd: { '512': 0.045, '1K': 0.067, '2K': 0.101, '4K': 0.151 }, defaultImageSize: '1K', maxReferenceImages: 14,
    imageSizes: ['512', '1K', '2K', '4K'], outputTokensPerImage: { '512': 747, '1K': 1120, '2K': 1680, '4K': 2520 }, pricePerMillionOutputTokensUsd: 60,
  },
  {
    id: 'gemini-3-pro-image', label: 'Gemini 3 Pro Image', kind: 'gemini', status: 'stable',
    pricePerImageUsd: { '1K': 0.134, '2K': 0.134, '4K': 0.24 }, defaultImageSize: '1K', maxReferenceImages: 14,
    imageSizes: ['1K', '2K', '4K'], outputTokensPerImage: { '1K': 1120, '2K': 1120, '4K': 2000 }, pricePerMillionOutputTokensUsd: 120,
  },
  // The preview ids sheets may still name; they shut down when the stable ids arrived.
  {
    id: 'gemini-3.1-flash-image-preview', label: 'Gemini 3.1 Flash Image (preview)', kind: 'gemini',
    status: 'deprecated', shutdownDate: '2026-06-25', successor: 'gemini-3.1-flash-image',
    pricePerImageUsd: { '1K': 0.067, '2K': 0.101, '4K': 0.151 }, defaultImageSize: '1K', maxReferenceImages: 14,
    imageSizes: ['1K', '2K', '4K'], outputTokensPerImage: { '1K': 1120, '2K': 1680, '4K': 2520 }, pricePerMillionOutputTokensUsd: 60,
  },
  {
    id: 'gemini-3-pro-image-preview', label: 'Gemini 3 Pro Image (preview)', kind: 'gemini',
    status: 'deprecated', shutdownDate: '2026-06-25', successor: 'gemini-3-pro-image',
    pricePerImageUsd: { '1K': 0.134, '2K': 0.134, '4K': 0.24 }, defaultImageSize: '1K', maxReferenceImages: 14,
    imageSizes: ['1K', '2K', '4K'], outputTokensPerImage: { '1K': 1120, '2K': 1120, '4K': 2000 }, pricePerMillionOutputTokensUsd: 120,
  },
];

/** The Gemini image model a server with Gemini credentials uses when no chain is configured. */
export const RECOMMENDED_GEMINI_MODEL = 'gemini-3.1-flash-image';

export function findModel(id: string): ModelInfo | undefined {
  return MODELS.find((m) => m.id === id);
}

/** The size a model actually makes when `imageSize` is asked for: models without sizes make their default. */
export function effectiveImageSize(model: ModelInfo, imageSize?: string): string {
  return imageSize !== undefined && model.imageSizes?.includes(imageSize) ? imageSize : model.defaultImageSize;
}

/** Price of one image at the size the model will make, or undefined for an unknown model. */
export function pricePerImage(modelId: string, imageSize?: string): number | undefined {
  const model = findModel(modelId);
  if (!model) return undefined;
  return model.pricePerImageUsd[effectiveImageSize(model, imageSize)];
}

/** Money is summed in micro-dollars so that 10,000 rows of $0.039 add up exactly. */
export function toMicros(usd: number): number {
  return Math.round(usd * 1_000_000);
}
export function fromMicros(micros: number): number {
  return micros / 1_000_000;
}
