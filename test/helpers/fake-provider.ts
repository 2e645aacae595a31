// A stand-in for a paid, remote image model (the network boundary): configurable latency,
// price and failures; it counts every call so tests can prove "generated once".
import sharp from 'sharp';
import { pricePerImage } from '../../shared/index';
import type { GenerateOutcome, GenerateRequest, ImageProvider } from '../../backend/src/ports/image-provider';

// An image model answers about a megapixel in the asked shape (long side 1024 here), so a
// headline overlay has the room it has in production.
const pngs = new Map<string, Promise<{ data: Buffer; width: number; height: number }>>();
function png(aspectRatio: string): Promise<{ data: Buffer; width: number; height: number }> {
  let made = pngs.get(aspectRatio);
  if (!made) {
    const [w = 1, h = 1] = aspectRatio.split(':').map(Number);
    const width = w >= h ? 1024 : Math.round((1024 * w) / h);
    const height = h >= w ? 1024 : Math.round((1024 * h) / w);
    made = sharp({ create: { width, height, channels: 3, background: '#3366cc' } }).png().toBuffer().then((data) => ({ data, width, height }));
    pngs.set(aspectRatio, made);
  }
  return made;
}

export interface FakeProviderOptions {
  name?: string;
  models?: string[];
  latencyMs?: number;
  costUsd?: number;
  /** The PNG every call returns (default: a blue image of the asked shape, long side 1024). */
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
      const image = this.opts.image ?? (await png(req.aspectRatio));
      return { ok: true, image: { ...image, mimeType: 'image/png' }, costUsd: this.opts.costUsd ?? pricePerImage(req.model) ?? 0, notes: [] };
    } finally {
      this.inFlight--;
    }
  }
}
