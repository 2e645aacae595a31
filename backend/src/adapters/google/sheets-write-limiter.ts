// Per-process rate limiter for Sheets API requests. The Sheets quota is 60 requests per
// minute per user per project, and one backend service account is one user shared by every
// tenant and spreadsheet, so one limiter instance must be shared by all writes of the process.

export interface SheetsWriteLimiterOptions {
  /** Requests allowed per minute (tokens refill continuously). */
  perMinute: number;
  /**
   * Tokens that may be spent at once (default 1: strict spacing, so any 60 s window sees at
   * most perMinute + 1 requests).
   */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Token bucket; callers wait for a token in FIFO order. */
export class SheetsWriteLimiter {
  readonly perMinute: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private tokens: number;
  private last: number;
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(options: SheetsWriteLimiterOptions) {
    if (!(options.perMinute > 0) || !Number.isFinite(options.perMinute)) throw new Error(`SheetsWriteLimiter: bad rate ${options.perMinute}`);
    this.perMinute = options.perMinute;
    this.burst = Math.max(1, Math.floor(options.burst ?? 1));
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Resolves when the caller may send one request. */
  take(): Promise<void> {
    this.waiting++;
    const turn = this.chain.then(async () => {
      for (;;) {
        const wait = this.tryTake();
        if (wait === 0) return;
        await this.sleep(wait);
      }
    }).finally(() => {
      this.waiting--;
    });
    this.chain = turn.catch(() => undefined);
    return turn;
  }

  /** Whether a request could go at once (no one waiting and a token free); takes nothing. */
  canTakeNow(): boolean {
    if (this.waiting > 0) return false;
    const now = this.now();
    return Math.min(this.burst, this.tokens + ((now - this.last) * this.perMinute) / 60_000) >= 1;
  }

  private tryTake(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute));
  }
}
