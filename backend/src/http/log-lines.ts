// Readable log lines for a person at a terminal: `12:04:31 INFO  batch accepted  batchId=b_… rows=3`.
// The logger still produces its JSON events (with secrets redacted); this only re-prints them.
import type { DestinationStream } from 'pino';

const OMIT = new Set(['time', 'severity', 'message', 'level']);

export function readableLine(json: string): string {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof e.time === 'string' ? e.time.slice(11, 19) : '';
  const severity = String(e.severity ?? '').padEnd(7);
  const fields = Object.entries(e)
    .filter(([k, v]) => !OMIT.has(k) && v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`);
  return `${[time, severity, String(e.message ?? ''), ...fields].filter((p) => p !== '').join('  ').replace(/ {3,}/g, '  ')}\n`;
}

export function readableDestination(out: DestinationStream): DestinationStream {
  return { write: (msg: string) => { out.write(readableLine(msg)); } };
}

/** `--log-format`, else text on a terminal and JSON otherwise (pipes, Cloud Run). */
export function logFormat(flag: string | undefined, isTTY: boolean): 'text' | 'json' {
  if (flag === 'text' || flag === 'json') return flag;
  return isTTY ? 'text' : 'json';
}
