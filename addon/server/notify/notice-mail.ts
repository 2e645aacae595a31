// The words of a schedule's e-mail: what happened, the counts and cost, up to 20 failed rows
// with their reasons, and a link to the sheet. Plain text and the same as HTML (every piece of
// user or model text escaped: a schedule name or a row's reason is never markup).
import type { RowCounts } from '../../../shared/index';
import type { MailMessage } from '../services/ports';

/** Failed rows listed in one e-mail; the rest are counted. */
export const MAX_FAILED_LISTED = 20;

export type NoticeKind = 'cannot_start' | 'cap_hit' | 'failed_rows' | 'finished';

export interface RunNotice {
  kind: NoticeKind;
  scheduleName: string;
  sheetName: string;
  /** The spreadsheet's address with `#gid=` of the sheet. */
  sheetUrl: string;
  batchId: string | null;
  /** Why it could not start or was refused (start problems); null for a finished run. */
  message: string | null;
  /** A finished run's batch state, counts and actual cost. */
  finished: { state: string; rowCount: number; counts: RowCounts; costUsd: number } | null;
  capUsd: number;
  /** At most MAX_FAILED_LISTED; `row` is the 1-based sheet row, null when the Row ID is no longer in the sheet. */
  failed: { row: number | null; rowId: string; reason: string }[];
  failedTotal: number;
}

const usd = (n: number): string => `$${n.toFixed(2)}`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function noticeSubject(n: RunNotice): string {
  const name = `“${n.scheduleName}”`;
  switch (n.kind) {
    case 'cannot_start': return `Rowshot: ${name} could not start`;
    case 'cap_hit': return `Rowshot: ${name} hit its ${usd(n.capUsd)} cost cap`;
    case 'failed_rows': return `Rowshot: ${name} finished with ${plural(n.failedTotal, 'failed row')}`;
    case 'finished': return `Rowshot: ${name} finished (${plural(n.finished?.counts.DONE ?? 0, 'row')} done)`;
  }
}

/** The message's paragraphs; a paragraph is lines, a line is text or a link. */
type Line = string | { link: string; text: string };

function paragraphs(n: RunNotice): Line[][] {
  const out: Line[][] = [[`Schedule “${n.scheduleName}” on sheet “${n.sheetName}”.`]];
  if (n.message !== null) out.push([n.message]);
  const f = n.finished;
  if (f !== null) {
    const c = f.counts;
    out.push([
      `Batch ${n.batchId ?? '?'}: ${f.state}. ${plural(f.rowCount, 'row')}: ${c.DONE} done, ${c.FAILED} failed, ${c.SKIPPED} skipped (cost cap), ${c.CANCELLED} cancelled.`,
      `Cost: ${usd(f.costUsd)} (cap ${usd(n.capUsd)} per run).`,
    ]);
    if (c.SKIPPED > 0) out.push([`${plural(c.SKIPPED, 'row was', 'rows were')} not run because the run reached its cost cap: raise the cap or run them from Run batch….`]);
  }
  if (n.failedTotal > 0) {
    const lines: Line[] = [`Failed rows (${n.failedTotal}):`];
    for (const r of n.failed) lines.push(`Row ${r.row ?? '?'} (Row ID ${r.rowId}): ${r.reason}`);
    if (n.failedTotal > n.failed.length) lines.push(`… and ${n.failedTotal - n.failed.length} more (the first ${n.failed.length} are listed).`);
    out.push(lines);
  }
  out.push([{ link: n.sheetUrl, text: 'Open the sheet' }]);
  out.push(['Choose when Rowshot e-mails you in Extensions → Rowshot → Schedules.']);
  return out;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The e-mail for one notice, without its recipient. */
export function noticeMail(n: RunNotice): Omit<MailMessage, 'to'> {
  const paras = paragraphs(n);
  const text = (l: Line): string => (typeof l === 'string' ? l : `${l.text}: ${l.link}`);
  const html = (l: Line): string => (typeof l === 'string' ? escapeHtml(l) : `<a href="${escapeHtml(l.link)}">${escapeHtml(l.text)}</a>`);
  return {
    subject: noticeSubject(n),
    body: paras.map((p) => p.map(text).join('\n')).join('\n\n'),
    htmlBody: paras.map((p) => `<p>${p.map(html).join('<br>')}</p>`).join('\n'),
  };
}
