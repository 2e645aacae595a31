// The server entry point: the only file that reads the environment and listens.
import { loadConfig } from './config';
import { createRowshot } from './compose';
import { DataDirBusyError } from './data-dir-lock';

export async function serve(env: Record<string, string | undefined>): Promise<number> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    console.error(loaded.message);
    return 1;
  }
  const rowshot = await createRowshot(loaded.config);
  let url: string;
  try {
    ({ url } = await rowshot.listen());
  } catch (err) {
    console.error(err instanceof DataDirBusyError || (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? (err as Error).message : String(err));
    return 1;
  }
  rowshot.deps.log.info(
    { url, mode: loaded.config.ROWSHOT_MODE, devKeyFile: rowshot.devKeyFile },
    rowshot.devKeyFile ? `Rowshot is listening on ${url}; the development API key is in ${rowshot.devKeyFile}` : `Rowshot is listening on ${url} (${loaded.config.ROWSHOT_MODE} mode)`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      rowshot.deps.log.info({ signal }, 'draining: no new tasks, waiting for in-flight work');
      void rowshot.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
