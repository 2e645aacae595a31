// What kind of execution the bundle runs in. Apps Script refuses some services outside the
// editor: no Ui in a time-driven trigger, no writes or triggers in a custom function.
import type { CallRecorder } from './call-counter';
import { exception, type Realm } from './realm';

export type ExecutionMode = 'editor' | 'trigger' | 'customFunction';

export interface ExecutionState {
  mode: ExecutionMode;
  realm: Realm;
  calls: CallRecorder;
}

/** Throws as Apps Script does when a custom function calls a method that needs authorization. */
export function refuseInCustomFunction(state: ExecutionState, method: string): void {
  if (state.mode === 'customFunction') throw exception(state.realm, `You do not have permission to call ${method}`);
}
