// appsscript.json for dist/addon: the repository's manifest, with urlFetchWhitelist narrowed to
// the backend's origin alone when ROWSHOT_ADDON_BACKEND_URL names it (Marketplace review wants
// the add-on to reach exactly its backend, not every `*.run.app` service).
import { BuildError } from './build-error';

export const BACKEND_URL_VAR = 'ROWSHOT_ADDON_BACKEND_URL';

export function buildManifest(manifestText: string, backendUrl: string | undefined): string {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch (err) {
    throw new BuildError('manifest_invalid', `appsscript.json is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) {
    throw new BuildError('manifest_invalid', 'appsscript.json must hold a JSON object');
  }
  const out = { ...(manifest as Record<string, unknown>) };
  if (backendUrl !== undefined && backendUrl.trim() !== '') {
    out.urlFetchWhitelist = [whitelistPrefix(backendUrl.trim())];
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** `https://host[:port]/`: Apps Script requires https and a path (at least `/`) in each prefix. */
function whitelistPrefix(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BuildError('bad_backend_url', `${BACKEND_URL_VAR} is not a URL: "${value}"`);
  }
  if (url.protocol !== 'https:') {
    throw new BuildError('bad_backend_url', `${BACKEND_URL_VAR} must be an https:// URL (Apps Script fetches only https), got "${value}"`);
  }
  return `${url.origin}/`;
}
