// A stand-in for a paid, remote image model (the network boundary): configurable latency,
// price and failures; it counts every call so tests can prove "generated once".
import sharp from 'sharp';
import type { GenerateOutcome, GenerateRequest, ImageProvider } from '../../backend/src/ports/image-provider';

let tinyPng: Buffer | null = null;
async function png(): Promise<Buffer> {
  tinyPng ??= await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366cc' } }).png().toBuffer();
  return tinyPng;
}

export interface FakeProviderOptions {
  name?: string;
  models?: string[];
  latencyMs?: number;
  costUsd?: number;
  /** The PNG every call returns (default: a 64×64 blue square). */
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
    this.models = opts.models ?? ['gemini-2.5-flash-image'];
  }

  async generate(req: GenerateRequest): Promise<GenerateOutcome> {
    const call = this.calls.push(req);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
      const failure = this.opts.fail?.(req, call) ?? null;
      if (failure) return failure;
      const image = this.opts.image ?? { data: await png(), width: 64, height: 64 };
      return { ok: true, image: { ...image, mimeType: 'image/png' }, costUsd: this.opts.costUsd ?? 0.039, notes: [] };
    } finally {
      this.inFlight--;
    }
  }
}
