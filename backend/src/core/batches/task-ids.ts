// The fields every task body names its batch by. Checked when a task arrives, so a malformed or
// forged body is dropped (2xx, logged) instead of reaching layout.ts and failing with a 5xx that
// Cloud Tasks would retry until its attempts run out.
import { z } from '../../../../shared/index';
import { BATCH_ID_PATTERN, TENANT_PATTERN } from '../layout';

export const TaskTenant = z.string().check(z.regex(TENANT_PATTERN));
export const TaskBatchId = z.string().check(z.regex(BATCH_ID_PATTERN));
/** Row indices, chunks and generations: whole numbers from 0. */
export const TaskCount = z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));
