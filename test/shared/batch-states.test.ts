import { describe, expect, it } from 'vitest';
import { BATCH_STATES, FINAL_BATCH_STATES, isFinalBatch } from '../../shared/index';

describe('final batch states', () => {
  it('are DONE and CANCELLED: a batch accepted or running is not finished', () => {
    expect(FINAL_BATCH_STATES).toEqual(['DONE', 'CANCELLED']);
    expect(BATCH_STATES.filter(isFinalBatch)).toEqual(['DONE', 'CANCELLED']);
    expect(isFinalBatch('ACCEPTED')).toBe(false);
    expect(isFinalBatch('RUNNING')).toBe(false);
  });
});
