// Utilities: base64Decode answers a signed byte array (-128…127) as Apps Script does; sleep
// moves the fake clock instead of blocking.
import { randomUUID } from 'node:crypto';
import { exception, type Realm } from './realm';

const MAX_SLEEP_MS = 300_000;

export function createUtilities(realm: Realm, sleep: (ms: number) => void, uuid: () => string = randomUUID) {
  return {
    base64Decode(encoded: string): number[] {
      const text = String(encoded).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
        throw exception(realm, 'Could not decode string.');
      }
      return [...Buffer.from(text, 'base64')].map((b) => (b > 127 ? b - 256 : b));
    },
    getUuid: (): string => uuid(),
    sleep(milliseconds: number): void {
      if (milliseconds > MAX_SLEEP_MS) throw exception(realm, `Invalid argument: milliseconds (at most ${MAX_SLEEP_MS})`);
      sleep(Math.max(0, milliseconds));
    },
  };
}
