// Token bucket for the local task queue's maxDispatchesPerSecond.

/**
 * Tokens refill continuously at `ratePerSecond`, up to `burst` tokens (the bucket starts full).
 * Any interval of length T therefore sees at most `ratePerSecond · T + burst` takes.
 * The clock is monotonic real time (not the queue's injectable clock): this limits real dispatches.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new Error(`TokenBucket: bad rate ${ratePerSecond}`);
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new Error(`TokenBucket: bad burst ${burst}`);
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes one token and returns 0, or returns the milliseconds until one is available. */
  tryTake(): number {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond));
  }
}

/**
 * The queue's burst: strict spacing (1 token) up to 50 dispatches/s, then 20 ms worth of tokens so
 * timer granularity does not cost throughput at high rates.
 */
export function defaultBurst(ratePerSecond: number): number {
  return Math.max(1, Math.floor(ratePerSecond / 50));
}
