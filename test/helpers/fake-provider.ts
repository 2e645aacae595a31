// A stand-in for a paid, remote image model (the network boundary): configurable latency,
// price and failures; it counts every call so tests can prove "generated once".
import sharp from 'sharp';
import { pricePerImage } from '../../shared/index';
import type { GenerateOutcome, GenerateRequest, ImageProvider } from '../../backend/src/ports/image-provider';

// The fake answers at the exact pixels asked for, so the engine tests measure the engine, not
// a crop-and-scale per image (that step is tested with the wire-fake Gemini, which answers
// Gemini's own sizes). Either way a headline overlay has the room it has in production.
const pngs = new Map<string, Promise<{ data: Buffer; width: number; height: number }>>();
function png(width: number, height: number): Promise<{ data: Buffer; width: number; height: number }> {
  const key = `${width}x${height}`;
  let made = pngs.get(key);
  if (!made) {
    made = sharp({ create: { width, height, channels: 3, background: '#3366cc' } }).png().toBuffer().then((data) => ({ data, width, height }));
    pngs.set(key, made);
  }
  return made;
}

export interface FakeProviderOptions {
  name?: string;
  models?: string[];
  latencyMs?: number;
  costUsd?: number;
  /** The PNG every call returns (default: a blue image of the asked pixels). */
  image?: { data: Buffer; width: number; height: number };
  /** Decide the outcome of a call (after latency); return null for success. */
  fail?: (req: GenerateRequest, call: number) => Exclude<GenerateOutcome, { ok: true }> | null;
}

export class FakeProvider implements ImageProvider {
  readonly name: string;
  readonly models: readonly string[];
  calls: GenerateRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly opts: FakeProviderOptions = {}) {
    this.name = opts.name ?? 'fake-model';
    this.models = opts.models ?? ['gemini-3.1-flash-image'];
  }

  async generate(req: GenerateRequest): Promise<GenerateOutcome> {
    const call = this.calls.push(req);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
      const failure = this.opts.fail?.(req, call) ?? null;
      if (failure) return failure;
      const image = this.opts.image ?? (await png(req.width, req.height));
      return { ok: true, image: { ...image, mimeType: 'image/png' }, costUsd: this.opts.costUsd ?? pricePerImage(req.model) ?? 0, notes: [] };
    } finally {
      this.inFlight--;
    }
  }
}
