// In-memory stand-ins for the stateful Apps Script services behind our ports (the boundary):
// PropertiesService, CacheService, LockService, ScriptApp's triggers and the clock. They keep the
// real services' rules the tests rely on: a property value over 9 KB of UTF-8 is refused, a
// cached value expires, a document lock is held by one execution at a time.
import type { CachePort, Clock, LockPort, PropertyStore, TriggerInfo, TriggerPort } from '../../../../addon/server/services/ports';

export class MemoryProperties implements PropertyStore {
  readonly map = new Map<string, string>();
  get(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  set(key: string, value: string): void {
    // As PropertiesService: "Argument too large" past 9 KB of UTF-8 per value.
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > 9 * 1024) throw new Error(`Argument too large: property ${key} is ${bytes} bytes, the limit is 9 KB`);
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

/** A clock the test sets or moves; every execution of a test world reads the same one. */
export class ManualClock implements Clock {
  private at: number;
  constructor(at: Date | string) {
    this.at = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.at);
  }
  set(at: Date | string | number): void {
    this.at = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

export class MemoryCache implements CachePort {
  readonly map = new Map<string, { value: string; until: number }>();
  constructor(private readonly clock: Clock) {}
  get(key: string): string | null {
    const hit = this.map.get(key);
    return hit && hit.until > this.clock.now().getTime() ? hit.value : null;
  }
  put(key: string, value: string, seconds: number): void {
    this.map.set(key, { value, until: this.clock.now().getTime() + seconds * 1000 });
  }
}

/**
 * One document's lock. Each `handle()` is one LockService.getDocumentLock() of one execution:
 * it takes the lock only if nobody holds it, and releases it only if it holds it.
 */
export class MemoryDocumentLock {
  holder: LockPort | null = null;
  /** How many tryLock calls found the lock taken. */
  refused = 0;

  get held(): boolean {
    return this.holder !== null;
  }

  handle(): LockPort {
    const me: LockPort = {
      // A real tryLock waits up to the timeout; here the holder can only be in the same call stack, so waiting cannot help.
      tryLock: () => {
        if (this.holder !== null && this.holder !== me) {
          this.refused++;
          return false;
        }
        this.holder = me;
        return true;
      },
      release: () => {
        if (this.holder === me) this.holder = null;
      },
    };
    return me;
  }

  /** Another execution (a sidebar save, another trigger) takes the lock and keeps it until released. */
  takenElsewhere(): LockPort {
    const other = this.handle();
    if (!other.tryLock(0)) throw new Error('the document lock is already held');
    return other;
  }
}

/** ScriptApp's triggers of one user on this document. */
export class MemoryTriggers implements TriggerPort {
  triggers: TriggerInfo[] = [];
  /** How many createHourly calls were made. */
  created = 0;
  list(): TriggerInfo[] {
    return this.triggers.map((t) => ({ ...t }));
  }
  createHourly(handler: string): TriggerInfo {
    const t = { id: `t${++this.created}`, handler };
    this.triggers.push(t);
    return { ...t };
  }
  createFormSubmit(handler: string): TriggerInfo {
    const t = { id: `f${++this.created}`, handler };
    this.triggers.push(t);
    return { ...t };
  }
  delete(id: string): void {
    this.triggers = this.triggers.filter((t) => t.id !== id);
  }
}
