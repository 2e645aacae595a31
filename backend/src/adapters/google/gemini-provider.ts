// ImageProvider for Google's Gemini image models through @google/genai (generateContent with an
// IMAGE response modality). One call makes one image. Passing faults (429, 5xx, network, timeouts)
// are retried here a few times with exponential backoff and full jitter before the outcome is
// handed back as transient; refusals, bad requests and bad keys are permanent.
import type { GoogleGenAI } from '@google/genai';
import sharp from 'sharp';
import { MODELS, effectiveImageSize, findModel, pricePerImage } from '../../../../shared/index';
import type { GeneratedImage, GenerateOutcome, GenerateRequest, ImageProvider } from '../../ports/image-provider';
import { classifyError, classifyResponse } from './gemini-classify';
import type { GeminiFailure } from './gemini-classify';
import { geminiParts } from './gemini-prompt';
import { variantSeed } from '../../../../shared/seed-hash';

/** A distinct, repeatable seed per (row, variant): each variant is its own generation. */
export function geminiSeed(request: Pick<GenerateRequest, 'seedKey' | 'prompt' | 'variant'>): number {
  return variantSeed(request.seedKey ?? request.prompt, request.variant);
}

export type GeminiImageSize = '512' | '1K' | '2K' | '4K';

export interface GeminiProviderOptions {
  client: GoogleGenAI;
  /** Model ids served; default every `gemini` model in shared/models.ts. */
  models?: string[];
  /** Output size for models that take one (ignored, with a note, for 1K-only models). Default: the model's default. */
  imageSize?: GeminiImageSize;
  /** Retries after the first attempt for passing faults. Default 2. */
  maxRetries?: number;
  /** Waits between attempts; default a timer that stops early when the signal aborts. */
  sleep?: (ms: number) => Promise<void>;
  /** Per-attempt timeout in ms. Default 120 000. */
  timeoutMs?: number;
  /** First backoff step in ms (doubles per retry, full jitter). Default 1 000. */
  baseDelayMs?: number;
  /** Cap for one wait in ms; a Retry-After longer than this is handed to the task queue instead. Default 30 000. */
  maxDelayMs?: number;
  /** Random source in [0, 1) for the jitter. */
  random?: () => number;
}

// Retired ids stay served: the core never routes to them past their shutdown day, and before it they still work.
const DEFAULT_MODELS = MODELS.filter((m) => m.kind === 'gemini').map((m) => m.id);

function timerSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const MIME_BY_FORMAT: Record<string, GeneratedImage['mimeType']> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Reads the image's real format and size; converts anything else (e.g. HEIF, GIF) to PNG. */
async function toGeneratedImage(data: Buffer): Promise<GeneratedImage> {
  const meta = await sharp(data).metadata();
  const mimeType = meta.format ? MIME_BY_FORMAT[meta.format] : undefined;
  if (mimeType && meta.width && meta.height) return { data, mimeType, width: meta.width, height: meta.height };
  const png = await sharp(data).png().toBuffer({ resolveWithObject: true });
  return { data: png.data, mimeType: 'image/png', width: png.info.width, height: png.info.height };
}

export class GeminiProvider implements ImageProvider {
  readonly name = 'gemini';
  readonly models: readonly string[];
  private readonly client: GoogleGenAI;
  private readonly imageSize: GeminiImageSize | undefined;
  private readonly maxRetries: number;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;
  private readonly timeoutMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(options: GeminiProviderOptions) {
    this.client = options.client;
    this.models = [...(options.models ?? DEFAULT_MODELS)];
    this.imageSize = options.imageSize;
    this.maxRetries = Math.max(0, Math.floor(options.maxRetries ?? 2));
    this.sleep = options.sleep;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  /** The imageSize to send for a model (undefined: send none) and a note when the configured one was not usable. */
  private sizeFor(modelId: string): { send: string | undefined; priced: string | undefined; note?: string } {
    const model = findModel(modelId);
    if (!model) return { send: undefined, priced: undefined };
    const size = effectiveImageSize(model, this.imageSize);
    if (model.imageSizes && model.imageSizes.length > 0) return { send: size, priced: size };
    // A model without sizes takes no imageSize; say so when another size was configured.
    const note = this.imageSize && this.imageSize !== size ? `${modelId} makes ${size} images only; the ${this.imageSize} size was not used` : undefined;
    return { send: undefined, priced: size, ...(note ? { note } : {}) };
  }

  private cost(modelId: string, size: string | undefined, usage: unknown): { costUsd: number; note?: string } {
    const model = findModel(modelId);
    const listed = pricePerImage(modelId, size) ?? 0;
    const details = (usage as { candidatesTokensDetails?: Array<{ modality?: string; tokenCount?: number }> } | undefined)
      ?.candidatesTokensDetails;
    const imageTokens = details?.find((d) => d.modality === 'IMAGE')?.tokenCount;
    if (typeof imageTokens === 'number' && imageTokens > 0 && model?.pricePerMillionOutputTokensUsd !== undefined) {
      return { costUsd: (imageTokens * model.pricePerMillionOutputTokensUsd) / 1_000_000 };
    }
    return { costUsd: listed, note: `Gemini reported no image token count; cost is the listed price for ${modelId} (${size ?? 'default size'})` };
  }

  private backoffMs(retry: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** retry);
    return Math.floor(this.random() * cap);
  }

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateOutcome> {
    const size = this.sizeFor(request.model);
    const notes: string[] = size.note ? [size.note] : [];
    const parts = geminiParts(request);
    const imageConfig: { aspectRatio: string; imageSize?: string } = { aspectRatio: request.aspectRatio };
    if (size.send) imageConfig.imageSize = size.send;

    let last: Extract<GeminiFailure, { kind: 'transient' }> | undefined;
    let noImageRetried = false;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      if (signal?.aborted) return { ok: false, kind: 'transient', reason: 'the Gemini request was aborted' };
      let failure: GeminiFailure;
      try {
        const res = await this.client.models.generateContent({
          model: request.model,
          contents: [{ role: 'user', parts }],
          config: {
            responseModalities: ['IMAGE', 'TEXT'],
            imageConfig,
            seed: geminiSeed(request),
            httpOptions: { timeout: this.timeoutMs },
            ...(signal ? { abortSignal: signal } : {}),
          },
        });
        const answer = classifyResponse(res);
        if (answer.kind === 'permanent') return { ok: false, kind: 'permanent', reason: answer.reason };
        if (answer.kind === 'no_image') {
          // Retried once, at once: such replies are usually passing; a second one fails the row.
          if (noImageRetried) return { ok: false, kind: 'permanent', reason: `${answer.reason} (twice)` };
          noImageRetried = true;
          notes.push(`Gemini retried once: ${answer.reason}`);
          attempt--;
          continue;
        }
        let image: GeneratedImage;
        try {
          image = await toGeneratedImage(answer.data);
        } catch {
          return { ok: false, kind: 'transient', reason: 'Gemini returned an image that could not be read' };
        }
        const cost = this.cost(request.model, size.priced, res.usageMetadata);
        if (cost.note) notes.push(cost.note);
        if (attempt > 0) notes.push(`Gemini succeeded after ${attempt} ${attempt === 1 ? 'retry' : 'retries'}`);
        return {
          ok: true, image, costUsd: cost.costUsd, notes,
          ...(res.responseId ? { responseId: res.responseId } : {}), ...(res.modelVersion ? { modelVersion: res.modelVersion } : {}),
        };
      } catch (err) {
        failure = classifyError(err, signal?.aborted === true, this.client.vertexai);
      }
      if (failure.kind === 'permanent') return { ok: false, kind: 'permanent', reason: failure.reason };
      last = failure;
      if (!failure.retryable || attempt === this.maxRetries) break;
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > this.maxDelayMs) break;
      const wait = failure.retryAfterMs ?? this.backoffMs(attempt);
      if (this.sleep) await this.sleep(wait);
      else await timerSleep(wait, signal);
    }
    if (signal?.aborted) return { ok: false, kind: 'transient', reason: 'the Gemini request was aborted' };
    const reason = last?.reason ?? 'Gemini failed';
    if (last?.modelUnavailable) return { ok: false, kind: 'transient', reason, modelUnavailable: true };
    return last?.retryAfterMs === undefined
      ? { ok: false, kind: 'transient', reason }
      : { ok: false, kind: 'transient', reason, retryAfterMs: last.retryAfterMs };
  }
}
