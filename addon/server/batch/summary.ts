// A backend batch status as the sidebar shows it (JSON-safe, small enough to keep in history).
import { isFinalBatch, type BatchStatus } from '../../../shared/index';
import type { BatchSummary } from '../rpc';

export function toSummary(status: BatchStatus): BatchSummary {
  return {
    id: status.id,
    name: status.name,
    state: status.state,
    createdAt: status.createdAt,
    rowCount: status.rowCount,
    counts: { ...status.counts },
    progress: status.progress,
    etaSeconds: status.etaSeconds,
    estimatedUsd: status.cost.estimatedUsd,
    actualUsd: status.cost.actualUsd,
    lastWriteError: status.lastWriteError,
    ...(status.approvedRows ? { approvedRows: status.approvedRows } : {}),
  };
}

export const isFinal = (state: BatchSummary['state']): boolean => isFinalBatch(state);

/** Changes whenever a row changes state: a sync with the same signature has nothing new to pull. */
export const progressSignature = (b: BatchSummary): string => `${b.state} ${JSON.stringify(b.counts)} ${b.actualUsd}`;
