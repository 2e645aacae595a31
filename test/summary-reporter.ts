// Prints one plain closing line, `Tests: N passed, N failed`, that any CI log reader understands.
// It must never say 0 failed when the run exits 1: a test file that cannot load, or whose
// beforeAll throws (its tests then never run and read as skipped), counts as a failure, and so
// does every unhandled error.
import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';

export function summaryLine(modules: ReadonlyArray<TestModule>, unhandledErrors: number, reason: TestRunEndReason): string {
  let passed = 0;
  let failedTests = 0;
  let skipped = 0;
  let brokenFiles = 0;
  for (const m of modules) {
    let moduleFailedTests = 0;
    let moduleSkipped = 0;
    for (const t of m.children.allTests()) {
      const state = t.result().state;
      if (state === 'passed') passed++;
      else if (state === 'failed') moduleFailedTests++;
      else moduleSkipped++;
    }
    failedTests += moduleFailedTests;
    if (m.state() === 'failed' && moduleFailedTests === 0) brokenFiles++; // tests that never ran are not "skipped"
    else skipped += moduleSkipped;
  }
  let failed = failedTests + brokenFiles + unhandledErrors;
  const why: string[] = [];
  if (brokenFiles) why.push(`${brokenFiles} test ${brokenFiles === 1 ? 'file' : 'files'} failed to load or set up`);
  if (unhandledErrors) why.push(`${unhandledErrors} unhandled ${unhandledErrors === 1 ? 'error' : 'errors'}`);
  if (reason === 'failed' && failed === 0) {
    failed = 1;
    why.push('the run failed: see the errors above');
  }
  if (reason === 'interrupted') why.push('interrupted');
  return `Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${why.length ? ` (${why.join('; ')})` : ''}`;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>, reason: TestRunEndReason): void {
    process.stdout.write(`\n${summaryLine(testModules, unhandledErrors.length, reason)}\n`);
  }
}
