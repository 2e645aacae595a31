// The server entry point: the only file that reads the environment and listens.
import { loadConfig } from './config';
import { createRowshot } from './compose';

export async function serve(env: Record<string, string | undefined>): Promise<number> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    console.error(loaded.message);
    return 1;
  }
  const rowshot = await createRowshot(loaded.config);
  const { url } = await rowshot.listen();
  rowshot.deps.log.info({ url, devKeyFile: rowshot.devKeyFile }, `Rowshot is listening on ${url}; the development API key is in ${rowshot.devKeyFile}`);
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
