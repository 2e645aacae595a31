// The `Reference images` cell: a row's own product or reference photos, as https links, Google
// Drive links of files shared "anyone with the link" (turned into their download link), or
// upload ids from POST /v1/uploads. One rule for the add-on, the CLI and the backend.

/** Items in one row's Reference images cell. */
export const MAX_ROW_REFERENCES = 6;
/** Longest link accepted (a data: URL or a pasted page is not a link to an image). */
const MAX_URL_LENGTH = 2048;
const UPLOAD_ID = /^u_[a-z2-7]{16}$/;

export type RowReference = { kind: 'url'; url: string } | { kind: 'upload'; id: string };

export type ReferencesParse = { ok: true; references: RowReference[] } | { ok: false; reasons: string[] };

/** Items are separated by line breaks or commas (a comma never appears unescaped in a link Rowshot takes). */
export function parseReferenceImages(cell: string): ReferencesParse {
  const items = cell.split(/[\n\r,]+/).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) return { ok: true, references: [] };
  const reasons: string[] = [];
  if (items.length > MAX_ROW_REFERENCES) reasons.push(`Reference images lists ${items.length} images; the limit is ${MAX_ROW_REFERENCES}`);
  const references: RowReference[] = [];
  const seen = new Set<string>();
  items.slice(0, MAX_ROW_REFERENCES).forEach((item, i) => {
    const ref = parseOne(item);
    if (typeof ref === 'string') {
      reasons.push(`Reference image ${i + 1} ${ref}`);
      return;
    }
    const key = ref.kind === 'url' ? ref.url : ref.id;
    if (!seen.has(key)) references.push(ref);
    seen.add(key);
  });
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, references };
}

// Apps Script has no URL class: links are read with one pattern (the backend parses them fully).
const LINK = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\s]+)([^?#\s]*)(\?[^#\s]*)?(#\S*)?$/i;

function parseOne(item: string): RowReference | string {
  if (UPLOAD_ID.test(item)) return { kind: 'upload', id: item };
  const shown = item.length > 60 ? `${item.slice(0, 57)}…` : item;
  if (item.length > MAX_URL_LENGTH) return `is longer than ${MAX_URL_LENGTH} characters`;
  const m = LINK.exec(item);
  if (!m) return `is not an https link, a Google Drive link or an upload id (got "${shown}")`;
  const [, scheme = '', host = '', path = '', query = ''] = m;
  if (scheme.toLowerCase() !== 'https') return `must be an https link (got "${shown}")`;
  if (host.includes('@')) return 'must not carry a user name or password';
  return { kind: 'url', url: driveDownloadUrl(host.toLowerCase(), path, query) ?? item };
}

/**
 * A Drive file's download link, for the links Drive's Share button gives
 * (`/file/d/<id>/view`, `/open?id=<id>`, `/uc?id=<id>`); null for any other link.
 */
export function driveDownloadUrl(host: string, path: string, query: string): string | null {
  if (host !== 'drive.google.com' && host !== 'docs.google.com') return null;
  const id = /^\/file\/d\/([\w-]{10,})/.exec(path)?.[1] ?? (/^\/(open|uc)$/.test(path) ? /[?&]id=([\w-]{10,})(&|$)/.exec(query)?.[1] : undefined);
  return id ? `https://drive.google.com/uc?export=download&id=${id}` : null;
}
