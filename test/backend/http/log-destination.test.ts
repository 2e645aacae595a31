// Logging never throws into the code that logs, and resumes once the disk has room again.
import { describe, expect, it } from 'vitest';
import { fdDestination } from '../../../backend/src/http/log-destination';
import { createLogger } from '../../../backend/src/http/logger';

describe('fdDestination', () => {
  it('drops the lines a full disk refuses, never throws, and writes again once there is space', () => {
    const written: string[] = [];
    let full = false;
    const write = (_fd: number, buf: Buffer, offset: number): number => {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      // Short writes happen (pipes): half, then the rest.
      const n = Math.max(1, Math.ceil((buf.length - offset) / 2));
      written.push(buf.subarray(offset, offset + n).toString());
      return n;
    };
    const dest = fdDestination(99, write);
    const log = createLogger('info', dest);
    log.info({}, 'before');
    full = true;
    expect(() => { for (let i = 0; i < 100; i++) log.error({ i }, 'while full'); }).not.toThrow();
    expect(dest.dropped()).toBe(100);
    full = false;
    log.info({}, 'after');
    const lines = written.join('').trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message);
    expect(lines).toEqual(['before', 'after']);
  });

  it('a destination with no file (the folder could not be opened) loses lines, not the process', () => {
    const dest = fdDestination(null);
    expect(() => createLogger('info', dest).info({}, 'x')).not.toThrow();
    expect(dest.dropped()).toBe(1);
  });
});
