import { describe, expect, it } from 'vitest';
import { parseReview, reviewAction } from '../../shared/review';

const row = (review: string, extra: Partial<Parameters<typeof reviewAction>[0]> = {}) =>
  reviewAction({ review, feedback: '', status: 'DONE', rowId: 'r_1', batchId: 'b_1', ...extra });

describe('the review rule', () => {
  it('reads decisions ignoring case and spaces', () => {
    expect(['Approve', 'approved', ' OK ', 'Changes', 'request changes', 'maybe', ''].map(parseReview)).toEqual(['approve', 'approve', 'approve', 'changes', 'changes', null, null]);
  });

  it('approves DONE rows, sends back Changes with feedback, and names the rows it skips', () => {
    expect(row('')).toEqual({ kind: 'none' });
    expect(row('Approve')).toEqual({ kind: 'approve', rowId: 'r_1', batchId: 'b_1' });
    expect(row('Changes', { feedback: 'warmer' })).toEqual({ kind: 'changes', rowId: 'r_1', batchId: 'b_1', feedback: 'warmer' });
    expect(row('Changes')).toEqual({ kind: 'skip', reason: 'Review says Changes but Feedback is empty (say what to change)' });
    expect(row('Approve', { status: 'FAILED: x' })).toEqual({ kind: 'skip', reason: 'Review says Approve but the row is not DONE yet (run it first, then review it)' });
    expect(row('Changes', { feedback: 'x', batchId: '' }).kind).toBe('skip');
  });
});
