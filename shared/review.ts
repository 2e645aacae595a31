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
