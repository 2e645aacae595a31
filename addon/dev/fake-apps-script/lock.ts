// LockService's document lock. The lock's state belongs to the document, so two executions on
// the same fake document (two loaded bundles, or one execution re-entered from a fetch
// handler) contend for it. Apps Script releases an execution's locks when it ends.

export interface DocumentLockState {
  /** The execution holding the lock, or null. */
  holder: number | null;
  /** How many tryLock calls were refused: a test's proof that contention happened. */
  refused: number;
}

export interface LockEnv {
  /** A waiting tryLock lets the fake clock move by its timeout, as real waiting would. */
  wait: (ms: number) => void;
  /** The id of the execution currently running, or 0 outside any. */
  currentExecution: () => number;
}

export class FakeLock {
  constructor(
    private readonly state: DocumentLockState,
    private readonly env: LockEnv,
  ) {}

  tryLock(timeoutInMillis: number): boolean {
    const me = this.env.currentExecution();
    if (this.state.holder === null || this.state.holder === me) {
      this.state.holder = me;
      return true;
    }
    this.state.refused++;
    this.env.wait(Math.max(0, Number(timeoutInMillis) || 0));
    return false;
  }

  releaseLock(): void {
    if (this.state.holder === this.env.currentExecution()) this.state.holder = null;
  }
}

export function createLockService(state: DocumentLockState, env: LockEnv) {
  return {
    getDocumentLock: () => new FakeLock(state, env),
  };
}

export function releaseLocksOf(state: DocumentLockState, execution: number): void {
  if (state.holder === execution) state.holder = null;
}
