// Numbers and dates as the sidebars show them.

export function usd(value: number): string {
  return value < 1 && value > 0 ? `$${value.toFixed(3)}` : `$${value.toFixed(2)}`;
}

export function percent(fraction: number): string {
  return `${Math.round(Math.max(0, Math.min(1, fraction)) * 100)}%`;
}

/** "about 2 min" / "under a minute" / "" when unknown. */
export function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return 'under a minute';
  const min = Math.round(seconds / 60);
  if (min < 90) return `about ${min} min`;
  return `about ${Math.round(min / 60)} h`;
}

/** A short date and time for an ISO string, in `timeZone` (e.g. the spreadsheet's) or the browser's. */
export function when(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
  try {
    return d.toLocaleString(undefined, timeZone ? { ...options, timeZone } : options);
  } catch {
    return d.toLocaleString(undefined, options); // an unknown zone name
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
