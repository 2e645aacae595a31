// Structured JSON logs, one line per event. `severity` follows Cloud Logging's field names so
// the same lines read well locally and on Cloud Run. Secrets are redacted by path.
import { pino, type DestinationStream } from 'pino';
import { fdDestination } from './log-destination';
import type { Logger } from '../core/deps';
import { traceFields } from './trace-context';

const SEVERITY: Record<string, string> = { trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR', fatal: 'CRITICAL' };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }) },
      mixin: traceFields,
      redact: { paths: ['authorization', 'apiKey', 'key', 'headers.authorization', 'headers["x-api-key"]', 'secret'], censor: '[redacted]' },
    },
    // Standard output through a destination that drops a line it cannot write (log-destination.ts).
    destination ?? fdDestination(1),
  );
}
