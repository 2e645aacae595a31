// File names for a batch's images from a template such as `{{Name}}-{{size}}-v{{variant}}`:
// placeholders are the row's cells (matched like headers) plus `size` (`1x1`), `variant`,
// `version` and `rowId`. Names are safe on every OS (no path separators, reserved characters,
// control characters, trailing dots or spaces, Windows device names; at most 200 bytes before
// the extension) and unique within a batch (`-2`, `-3`, … on a collision, in row order).
import { normalizeHeader } from './sheet-convention';
import { cellToText } from './prompt-template';

export const MAX_FILE_NAME_TEMPLATE = 200;
const MAX_BASE_BYTES = 200;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

export interface FileNameInput {
  cells: Readonly<Record<string, string | number | boolean | null>>;
  rowId: string;
  /** Aspect ratio, e.g. `16:9` (written `16x9`). */
  aspectRatio: string;
  variant: number;
  version: number;
}

/** The template with its placeholders filled in (missing cells are empty), then made safe. */
export function fileBaseName(template: string, input: FileNameInput): string {
  const byHeader = new Map<string, string>();
  for (const [h, v] of Object.entries(input.cells)) {
    const key = normalizeHeader(h);
    if (!byHeader.has(key)) byHeader.set(key, cellToText(v));
  }
  const builtIn: Record<string, string> = {
    size: input.aspectRatio.replace(':', 'x'), variant: String(input.variant), version: String(input.version), rowid: input.rowId,
  };
  const filled = template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, name: string) => {
    const key = normalizeHeader(name);
    return byHeader.get(key) ?? builtIn[key] ?? '';
  });
  return safeBaseName(filled) || safeBaseName(`${input.rowId}-${builtIn.size}-v${input.variant}`) || 'image';
}

/** One path segment every OS accepts, without an extension. */
export function safeBaseName(text: string): string {
  let s = text
    .normalize('NFC')
    // Control characters (NUL included), path separators and characters Windows reserves.
    .replace(/[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]+/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/-{2,}/g, '-')
    .trim()
    // No leading dots (hidden files, `..`), no trailing dots or spaces (Windows drops them).
    .replace(/^[.\s-]+/, '')
    .replace(/[.\s]+$/, '');
  s = clipBytes(s, MAX_BASE_BYTES).replace(/[.\s]+$/, '');
  if (RESERVED.test(s)) s = `_${s}`;
  return s;
}

/** UTF-8 bytes of one code point (shared/ runs in Apps Script too, which has no TextEncoder). */
function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

function clipBytes(s: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    const n = utf8Length(ch.codePointAt(0) ?? 0);
    if (bytes + n > max) break;
    bytes += n;
    out += ch;
  }
  return out;
}

/**
 * Hands out names unique within one batch, case-insensitively (macOS and Windows fold case):
 * the first image keeps the name, later ones get `-2`, `-3`, … before the extension.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  /** Without `ext`, the name has none (the caller adds it, e.g. from the bytes). */
  take(base: string, ext?: string): string {
    for (let n = 1; ; n++) {
      const name = `${n === 1 ? base : `${clipBytes(base, MAX_BASE_BYTES - 6)}-${n}`}${ext === undefined ? '' : `.${ext}`}`;
      const key = name.toLowerCase();
      if (this.taken.has(key)) continue;
      this.taken.add(key);
      return name;
    }
  }
}
