// Reads the email claim of a Google ID token for display ("signed in as …"). It does not verify
// anything: the backend does. Apps Script has neither atob nor TextDecoder, so base64url and
// UTF-8 are decoded here.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64UrlBytes(text: string): number[] | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return bytes;
}

/** The token's `email` claim, or null when it has none or is not a JWT. */
export function idTokenEmail(token: string): string | null {
  const bytes = base64UrlBytes(token.split('.')[1] ?? '');
  if (bytes === null || bytes.length === 0) return null;
  try {
    const json = decodeURIComponent(bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
    const payload = JSON.parse(json) as { email?: unknown };
    return typeof payload.email === 'string' ? payload.email : null;
  } catch {
    return null;
  }
}
