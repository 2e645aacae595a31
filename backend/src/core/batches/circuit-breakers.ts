// A circuit breaker per provider: after `threshold` transient failures in a row the provider is
// skipped for `openMs` (rows go to the next model of their chain), then one probe is let
// through; its success closes the breaker, its failure opens it again. Per process: each
// instance learns on its own, which is enough to stop hammering a failing model.
import type { Clock } from '../clock';

interface State {
  failures: number;
  openUntil: number;
  /** When the current probe was let through (0: none). A probe that never reports expires. */
  probingSince: number;
  /** Why the breaker was opened by hand (a model the provider does not know), for row reasons. */
  reason?: string;
}

export class CircuitBreakers {
  private readonly states = new Map<string, State>();

  constructor(private readonly clock: Clock, private readonly threshold = 5, private readonly openMs = 30_000) {}

  private state(provider: string): State {
    let s = this.states.get(provider);
    if (!s) this.states.set(provider, (s = { failures: 0, openUntil: 0, probingSince: 0 }));
    return s;
  }

  /** Whether a call may go to this provider now (taking the probe slot when half-open). */
  tryAcquire(provider: string): boolean {
    const s = this.state(provider);
    if (s.failures < this.threshold) return true;
    const now = this.clock.now();
    if (now < s.openUntil || (s.probingSince > 0 && now - s.probingSince < this.openMs)) return false;
    s.probingSince = now;
    return true;
  }

  /** Milliseconds until the provider may be probed again (0 when closed). */
  retryInMs(provider: string): number {
    const s = this.state(provider);
    return s.failures < this.threshold ? 0 : Math.max(0, s.openUntil - this.clock.now());
  }

  /** Opens the breaker at once for `ms` (a model that answered "not found" will not be back soon). */
  openFor(provider: string, ms: number, reason: string): void {
    this.states.set(provider, { failures: this.threshold, openUntil: this.clock.now() + ms, probingSince: 0, reason });
  }

  /** The reason given to openFor, while the breaker is open. */
  reasonOf(provider: string): string | undefined {
    const s = this.state(provider);
    return s.failures >= this.threshold ? s.reason : undefined;
  }

  success(provider: string): void {
    this.states.set(provider, { failures: 0, openUntil: 0, probingSince: 0 });
  }

  transientFailure(provider: string): void {
    const s = this.state(provider);
    s.failures++;
    s.probingSince = 0;
    if (s.failures >= this.threshold) s.openUntil = this.clock.now() + this.openMs;
  }

  isOpen(provider: string): boolean {
    return this.state(provider).failures >= this.threshold;
  }
}
