// The review columns: a reviewer's decision per row (`Review`: Approve or Changes) and what to
// change (`Feedback`). One rule for the add-on, the CLI and the backend.

export const REVIEW_DECISIONS = ['Approve', 'Changes'] as const;
export type ReviewDecision = 'approve' | 'changes';

const APPROVE = new Set(['approve', 'approved', 'ok', 'yes', '✓', '✔']);
const CHANGES = new Set(['changes', 'change', 'requestchanges', 'changesrequested', 'revise', 'redo']);

/** A Review cell's decision (case, spaces and dashes ignored); null when empty or anything else. */
export function parseReview(cell: string): ReviewDecision | null {
  const key = cell.trim().toLowerCase().replace(/[\s_-]+/g, '');
  if (APPROVE.has(key)) return 'approve';
  if (CHANGES.has(key)) return 'changes';
  return null;
}

/** The cells Apply review reads of one row (trimmed text). */
export interface ReviewCells {
  review: string;
  feedback: string;
  status: string;
  rowId: string;
  batchId: string;
}

/** What Apply review does with a row: nothing, approve it, send it back, or skip it saying why. */
export type ReviewAction =
  | { kind: 'none' }
  | { kind: 'approve'; rowId: string; batchId: string }
  | { kind: 'changes'; rowId: string; batchId: string; feedback: string }
  | { kind: 'skip'; reason: string };

/** One rule for the add-on's Apply review and `rowshot revise`. */
export function reviewAction(c: ReviewCells): ReviewAction {
  const decision = parseReview(c.review);
  if (decision === null) return { kind: 'none' };
  const said = decision === 'approve' ? 'Approve' : 'Changes';
  if (c.rowId === '' || c.batchId === '' || c.status.toUpperCase() !== 'DONE') return { kind: 'skip', reason: `Review says ${said} but the row is not DONE yet (run it first, then review it)` };
  if (decision === 'approve') return { kind: 'approve', rowId: c.rowId, batchId: c.batchId };
  if (c.feedback === '') return { kind: 'skip', reason: 'Review says Changes but Feedback is empty (say what to change)' };
  return { kind: 'changes', rowId: c.rowId, batchId: c.batchId, feedback: c.feedback };
}
