// `npm start` for the add-on: the backend on its embedded defaults, the built add-on in the
// harness with Settings filled in, and a page with a spreadsheet grid, the Extensions menu and
// the sidebar. The sheet is a local workbook file, saved after every change. The add-on signs
// in with Google as in Sheets: the harness mints the ID tokens with a local key, and the
// embedded backend is told that key's certs endpoint and client id (no key to paste).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from '../../../backend/src/cli/api-client';
import { syncPackDir } from '../../../backend/src/cli/pack-dir';
import { createRowshot, LOCAL_TENANT } from '../../../backend/src/compose';
import { loadConfig } from '../../../backend/src/config';
import { greetingCardsCsv } from '../../../examples/make-workbooks';
import { makeFakeGoogleIdentity } from '../fake-apps-script/index';
import { AddonHarness, googleSignInEnv, gridOf, startGoogleCerts, writeGrid, type SheetSnapshot } from '../harness/index';

const PAGE = new URL('./page.html', import.meta.url);
const EXAMPLE_PACKS = new URL('../../../examples/packs', import.meta.url);
/** The playground's editor and the OAuth client id its ID tokens are for. */
const PLAYGROUND_USER = 'alice@example.com';
const PLAYGROUND_CLIENT_ID = 'rowshot-playground.apps.googleusercontent.com';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { workbook: { type: 'string' } }, allowPositionals: false });
  const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? 8090);
  if (!Number.isInteger(playgroundPort) || playgroundPort < 0 || playgroundPort > 65535) {
    console.error(`Invalid configuration: PLAYGROUND_PORT: expected a port number (got "${process.env.PLAYGROUND_PORT}")`);
    return 1;
  }
  const identity = makeFakeGoogleIdentity(PLAYGROUND_CLIENT_ID);
  const certs = await startGoogleCerts(identity);
  // The backend's own log lines would drown the one line this prints; ROWSHOT_LOG_LEVEL overrides.
  // Sign-in is the playground's own: its editor belongs to the embedded tenant (the dev key's).
  const loaded = loadConfig({ ROWSHOT_LOG_LEVEL: 'warn', ...process.env, ...googleSignInEnv(identity, certs, LOCAL_TENANT, [PLAYGROUND_USER]) });
  if (!loaded.ok) {
    console.error(loaded.message);
    await certs.close();
    return 1;
  }
  const rowshot = await createRowshot(loaded.config);
  const { port: backendPort } = await rowshot.listen();
  const backendUrl = `http://localhost:${backendPort}`;
  const apiKey = rowshot.devKeyFile ? (await readFile(rowshot.devKeyFile, 'utf8')).trim() : '';

  const workbook = values.workbook ? path.resolve(values.workbook) : path.resolve(loaded.config.ROWSHOT_DATA_DIR, 'playground', 'greeting-cards.csv');
  if (!values.workbook) {
    await mkdir(path.dirname(workbook), { recursive: true });
    // A pristine copy on every start: the committed example may hold results of the README's
    // quick start (every row DONE, image paths relative to examples/).
    await writeFile(workbook, greetingCardsCsv());
  }
  // The example sheet names the example packs (celebration, campaign): create them as
  // `rowshot run` would, so its rows do not fail with "pack not found".
  await syncPackDir(new ApiClient(backendUrl, apiKey), EXAMPLE_PACKS.pathname, path.join(loaded.config.ROWSHOT_DATA_DIR, 'cli-packs.json'), backendUrl.replace(/:\d+$/, ''));

  // Saves run one after another, so an older snapshot never overwrites a newer one.
  let saving: Promise<void> = Promise.resolve();
  const save = (sheet: SheetSnapshot): Promise<void> => {
    saving = saving.then(() => writeGrid(workbook, gridOf(sheet))).catch((err: unknown) => {
      console.error(`Could not save ${workbook}: ${err instanceof Error ? err.message : String(err)}`);
    });
    return saving;
  };

  const page = await readFile(PAGE, 'utf8');
  const harness = await AddonHarness.start({
    backendUrl,
    identity,
    user: PLAYGROUND_USER,
    sheet: workbook,
    port: playgroundPort,
    onSheetChange: save,
    routes: [async (req, res, url) => {
      if (req.method !== 'GET' || url.pathname !== '/') return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page);
      return true;
    }],
  });
  const port = new URL(harness.url).port;
  console.log(`Playground: http://localhost:${port}/  (backend ${backendUrl})`);
  console.log(values.workbook
    ? `Sheet: ${workbook}, rewritten after every change.`
    : `Sheet: a fresh copy of the greeting-cards example (${workbook}), made anew on every start; --workbook FILE binds your own.`);
  console.log(`Add-on signed in with Google as ${PLAYGROUND_USER} (ID tokens from a local stand-in for Google's keys; Settings can switch to the API key in ${rowshot.devKeyFile ?? 'the data folder'}).`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await harness.close();
  await saving;
  await rowshot.close();
  await certs.close();
  return 0;
}

process.exitCode = await main();
