// The server entry point: the only file that reads the environment and listens.
import { loadConfig } from './config';
import { createRowshot, type Rowshot } from './compose';
import type { Logger } from './core/deps';
import { DataDirBusyError } from './data-dir-lock';
import { readableDestination } from './http/log-lines';
import { createLogger } from './http/logger';
import { fdDestination } from './http/log-destination';
import { fsFaultText } from './fs-fault-text';

export async function serve(env: Record<string, string | undefined>, opts: { logFormat?: 'text' | 'json' } = {}): Promise<number> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    console.error(loaded.message);
    return 1;
  }
  let rowshot: Rowshot | undefined;
  let url: string;
  try {
    rowshot = await createRowshot(loaded.config, opts.logFormat === 'text' ? { logger: createLogger(loaded.config.ROWSHOT_LOG_LEVEL, readableDestination(fdDestination(1))) } : {});
    ({ url } = await rowshot.listen());
  } catch (err) {
    // A full or read-only data folder at start-up: one line saying so, not a stack trace.
    const disk = fsFaultText(err);
    console.error(disk ?? (err instanceof DataDirBusyError || (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? (err as Error).message : String(err)));
    await rowshot?.close().catch(() => undefined);
    return 1;
  }
  rowshot.deps.log.info(
    { url, mode: loaded.config.ROWSHOT_MODE, devKeyFile: rowshot.devKeyFile },
    rowshot.devKeyFile ? `Rowshot is listening on ${url}; the development API key is in ${rowshot.devKeyFile}` : `Rowshot is listening on ${url} (${loaded.config.ROWSHOT_MODE} mode)`,
  );
  // The first SIGTERM or SIGINT drains; a second one kills the process at once (Node's default).
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const on = (name: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(name);
    };
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });
  return drain(rowshot, rowshot.deps.log, signal, loaded.config.ROWSHOT_DRAIN_TIMEOUT_MS);
}

/**
 * Stops listening and dispatching, lets in-flight requests finish, and returns the exit code.
 * Past the deadline the process exits at once: what was still running is abandoned, and its task
 * comes back (Cloud Tasks retries the push; a row's claim expires after ROWSHOT_CLAIM_TTL_MS).
 */
async function drain(rowshot: Rowshot, log: Logger, signal: string, deadlineMs: number): Promise<number> {
  const started = Date.now();
  // close() stops listening before its first await, so once this line is out, connections are refused.
  const closed = rowshot.close().then(
    () => 'drained' as const,
    (err: unknown) => (log.error({ err }, 'draining failed: exiting with work possibly still in flight'), 'failed' as const),
  );
  log.info({ signal, deadlineMs }, 'draining: no new connections or tasks, waiting for in-flight work');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  const outcome = await Promise.race([closed, deadline]);
  clearTimeout(timer);
  if (outcome === 'drained') {
    log.info({ signal, ms: Date.now() - started }, 'drained: in-flight work finished, exiting');
    // Idle client pools (gRPC channels, keep-alive agents) may hold the event loop open; do not
    // let them keep a drained process waiting for its SIGKILL.
    setTimeout(() => process.exit(0), 1000).unref();
    return 0;
  }
  if (outcome === 'deadline') {
    log.warn({ signal, deadlineMs }, `drain deadline passed after ${deadlineMs} ms: exiting with work still in flight (it will be retried)`);
  }
  // Open sockets and running calls would otherwise keep the process alive until it is killed.
  process.exit(1);
}
