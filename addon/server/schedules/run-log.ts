// The run log: the last 50 scheduled runs. 50 runs do not fit in one 9 KB property value, so
// they live in a ring of pages (`rowshot.scheduleRuns.0` … `.5`), each up to 10 runs and 9 KB,
// tagged with a sequence number; appending rewrites one page only.
import type { PropertyStore } from '../services/ports';
import type { ScheduleRun } from '../rpc';
import { MAX_VALUE_BYTES, parseJson, utf8Bytes } from '../services/property-limits';

export const MAX_RUNS = 50;
export const RUN_PAGE_PREFIX = 'rowshot.scheduleRuns.';
const PAGE_SIZE = 10;
/** One more page than 50 needs, so the newest page may be nearly empty while 50 runs remain. */
const PAGES = MAX_RUNS / PAGE_SIZE + 1;
/** Bytes, so that 10 runs of even non-Latin text fit in one page. */
const MAX_MESSAGE_BYTES = 300;

type Page = { seq: number; runs: ScheduleRun[] };

function isPage(v: unknown): v is Page {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return typeof p.seq === 'number' && Array.isArray(p.runs);
}

function isRun(v: unknown): v is ScheduleRun {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.scheduleId === 'string' && typeof r.at === 'string' && typeof r.outcome === 'string' && typeof r.message === 'string';
}

function readPages(props: PropertyStore): (Page | null)[] {
  return Array.from({ length: PAGES }, (_, i) => {
    const v = parseJson(props.get(RUN_PAGE_PREFIX + i));
    return isPage(v) ? v : null;
  });
}

/** One line, at most MAX_MESSAGE_BYTES, ending in "…" when cut. */
export function shortenMessage(message: string): string {
  let text = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (utf8Bytes(text) <= MAX_MESSAGE_BYTES) return text;
  while (utf8Bytes(text) > MAX_MESSAGE_BYTES - 3) text = text.slice(0, -1);
  if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1); // never leave half a surrogate pair
  return `${text}…`;
}

/** Newest first, at most 50. */
export function readRuns(props: PropertyStore): ScheduleRun[] {
  const pages = readPages(props).filter((p): p is Page => p !== null).sort((a, b) => a.seq - b.seq);
  return pages.flatMap((p) => p.runs.filter(isRun)).slice(-MAX_RUNS).reverse();
}

export function appendRun(props: PropertyStore, run: ScheduleRun): void {
  const entry: ScheduleRun = { ...run, message: shortenMessage(run.message) };
  const pages = readPages(props);
  let newest = -1;
  pages.forEach((p, i) => {
    if (p && (newest < 0 || p.seq > (pages[newest]?.seq ?? -1))) newest = i;
  });
  const head = pages[newest];
  if (head && head.runs.length < PAGE_SIZE) {
    const grown = JSON.stringify({ seq: head.seq, runs: [...head.runs, entry] });
    if (utf8Bytes(grown) <= MAX_VALUE_BYTES) {
      props.set(RUN_PAGE_PREFIX + newest, grown);
      return;
    }
  }
  // Start a page in an empty slot, else over the oldest page.
  let slot = pages.findIndex((p) => p === null);
  if (slot < 0) slot = pages.reduce((oldest, p, i) => ((p?.seq ?? 0) < (pages[oldest]?.seq ?? 0) ? i : oldest), 0);
  props.set(RUN_PAGE_PREFIX + slot, JSON.stringify({ seq: (head?.seq ?? -1) + 1, runs: [entry] }));
}
