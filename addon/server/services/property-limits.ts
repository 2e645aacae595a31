// PropertiesService refuses a value over 9 KB. We measure UTF-8 bytes (Apps Script has no
// TextEncoder) and keep a margin under 9,216.
export const MAX_VALUE_BYTES = 9_000;

export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdfff) bytes += 2; // each half of a 4-byte pair
    else bytes += 3;
  }
  return bytes;
}

/** Parses our own JSON; a value someone broke by hand reads as absent rather than failing every call. */
export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
