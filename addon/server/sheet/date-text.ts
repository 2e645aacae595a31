// A date cell as text, the way the spreadsheet shows its wall clock: Sheets hands dates over as
// instants, and the date people typed is the one in the SPREADSHEET's time zone (not the
// script's, not UTC). `yyyy-MM-dd` at midnight there (a plain date), else `yyyy-MM-dd HH:mm`.
// Pure: Apps Script V8 has Intl with full time zone data.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** A Date, also one made in another realm (a vm, another frame) where `instanceof Date` fails. */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

/** '' for an invalid date. An unknown time zone falls back to UTC rather than failing the read. */
export function dateText(date: Date, timeZone: string): string {
  const t = date.getTime();
  if (Number.isNaN(t)) return '';
  let format: Intl.DateTimeFormat;
  try {
    format = formatFor(timeZone);
  } catch {
    format = formatFor('UTC');
  }
  const p: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = part.value;
  // Some engines print midnight as 24 even with h23.
  const hour = p.hour === '24' ? '00' : (p.hour ?? '00');
  const day = `${p.year ?? ''}-${p.month ?? ''}-${p.day ?? ''}`;
  return hour === '00' && p.minute === '00' && p.second === '00' ? day : `${day} ${hour}:${p.minute ?? '00'}`;
}
