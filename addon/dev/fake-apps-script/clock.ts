// The fake clock behind Date in the bundle, CacheService expiry, Utilities.sleep and
// LockService waits. Manual by default (tests move it); `follow` tracks real time plus the
// advances, for the playground.

export interface FakeClock {
  now(): number;
  advance(ms: number): void;
  set(time: Date | number | string): void;
}

export function createFakeClock(options: { start?: Date | number | string; follow?: boolean } = {}): FakeClock {
  const base = () => (options.follow ? Date.now() : 0);
  let offset = toMillis(options.start ?? (options.follow ? Date.now() : '2025-01-06T09:00:00.000Z')) - base();
  return {
    now: () => base() + offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`fake clock: cannot advance by ${ms} ms`);
      offset += ms;
    },
    set(time) {
      offset = toMillis(time) - base();
    },
  };
}

function toMillis(time: Date | number | string): number {
  const ms = time instanceof Date ? time.getTime() : typeof time === 'number' ? time : Date.parse(time);
  if (!Number.isFinite(ms)) throw new RangeError(`fake clock: not a time: ${String(time)}`);
  return ms;
}
