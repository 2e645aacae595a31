// A paid image model stand-in (the network boundary) whose calls wait at a gate the test opens:
// a batch stays RUNNING exactly as long as a test needs (to cancel it, close the sidebar, or
// catch a retry running), whatever the machine's speed.
import type { GenerateOutcome, GenerateRequest, ImageProvider } from '../../../backend/src/ports/image-provider';
import { FakeProvider, type FakeProviderOptions } from '../../helpers/fake-provider';

export const PAID_MODEL = 'gemini-3.1-flash-image';

export class GatedProvider implements ImageProvider {
  readonly name: string;
  readonly models: readonly string[];
  readonly inner: FakeProvider;
  /** Calls still allowed through; Infinity when the gate is open. */
  private permits: number;
  private readonly queue: (() => void)[] = [];

  constructor(options: FakeProviderOptions & { permits?: number } = {}) {
    const { permits = Infinity, ...rest } = options;
    this.inner = new FakeProvider({ models: [PAID_MODEL], ...rest });
    this.name = this.inner.name;
    this.models = this.inner.models;
    this.permits = permits;
  }

  /** Calls waiting at the gate. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Prompts of the calls that went through, in order. */
  get prompts(): string[] {
    return this.inner.calls.map((c) => c.prompt);
  }

  /** Lets `n` more calls through (waiting ones first). */
  allow(n: number): void {
    this.permits += n;
    while (this.permits > 0 && this.queue.length > 0) {
      this.permits--;
      this.queue.shift()?.();
    }
  }

  open(): void {
    this.allow(Infinity);
  }

  /** Holds every call from now on until `allow` or `open`. */
  close(): void {
    this.permits = 0;
  }

  async generate(req: GenerateRequest): Promise<GenerateOutcome> {
    if (this.permits > 0) this.permits--;
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    return this.inner.generate(req);
  }
}
