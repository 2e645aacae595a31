// SVG text safety. User text (headline, subline) goes into SVG markup rendered by librsvg, so
// it is escaped, and characters XML 1.0 forbids (which would make librsvg reject the whole
// document) are removed first.

/** Control characters (except tab, newline, carriage return), C1 controls, U+FFFE/U+FFFF and lone surrogates. */
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML text node or attribute value; also strips characters XML forbids. */
export function escapeXml(text: string): string {
  return stripInvalidXmlChars(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A number formatted for SVG attributes: at most two decimals, no exponent. */
export function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}
