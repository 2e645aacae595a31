// Log lines go straight to a file descriptor with writeSync. A failed write (a full disk, a
// closed or full pipe) drops that line and nothing else: logging never throws into the code
// that logs, never queues lines in memory, and resumes by itself once the disk has room again.
import { mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { DestinationStream } from 'pino';

export interface SafeDestination extends DestinationStream {
  /** Lines lost to failed writes since the start. */
  dropped(): number;
}

type WriteSync = (fd: number, buf: Buffer, offset: number) => number;

/** `write` is the fs boundary (tests inject a full disk there). */
export function fdDestination(fd: number | null, write: WriteSync = writeSync): SafeDestination {
  let dropped = 0;
  return {
    write(line: string) {
      if (fd === null) {
        dropped++;
        return;
      }
      const buf = Buffer.from(line);
      try {
        for (let off = 0; off < buf.length;) off += write(fd, buf, off);
      } catch {
        dropped++;
      }
    },
    dropped: () => dropped,
  };
}

/** Appends to a file; a folder that cannot be written loses the lines, never the process. */
export function fileDestination(file: string): SafeDestination {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    return fdDestination(openSync(file, 'a'));
  } catch {
    return fdDestination(null);
  }
}
