// Counts every call the code under test makes on SpreadsheetApp, Spreadsheet, Sheet, Range and
// friends, so a test can prove that 1,000 rows cost as many calls as 10.

export interface CallCounter {
  /** Calls since the start or the last reset(). */
  readonly total: number;
  /** By `Type.method`, e.g. `Range.getValues`. */
  readonly byMethod: Readonly<Record<string, number>>;
  count(method: string): number;
  reset(): void;
}

export interface CallRecorder extends CallCounter {
  hit(method: string): void;
}

export function createCallCounter(): CallRecorder {
  let total = 0;
  let byMethod: Record<string, number> = {};
  return {
    get total() {
      return total;
    },
    get byMethod() {
      return byMethod;
    },
    count: (method) => byMethod[method] ?? 0,
    hit(method) {
      total++;
      byMethod[method] = (byMethod[method] ?? 0) + 1;
    },
    reset() {
      total = 0;
      byMethod = {};
    },
  };
}
