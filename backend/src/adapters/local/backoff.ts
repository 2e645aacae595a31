// Retry timing for the local task queue, following the Cloud Tasks RetryConfig definition.

export interface BackoffConfig {
  minBackoffMs: number;
  maxBackoffMs: number;
  maxDoublings: number;
}

/**
 * Delay before the next attempt, after the attempt whose retry count was `retryCount` failed
 * (0 = the first attempt failed).
 *
 * Cloud Tasks: "the retry interval starts at min_backoff, then doubles max_doublings times, then
 * increases linearly, and finally retries at intervals of max_backoff". With min 10 s, max 300 s and
 * 3 doublings: 10, 20, 40, 80, 160, 240, 300, 300, ... — the linear step is min·2^maxDoublings.
 * For retryCount ≤ maxDoublings this equals min(max, min · 2^retryCount).
 */
export function backoffDelayMs(retryCount: number, cfg: BackoffConfig): number {
  const k = Math.max(0, Math.floor(retryCount));
  const d = Math.max(0, Math.floor(cfg.maxDoublings));
  const raw = k <= d ? cfg.minBackoffMs * 2 ** k : cfg.minBackoffMs * 2 ** d * (k - d + 1);
  return Math.max(0, Math.min(cfg.maxBackoffMs, raw));
}
