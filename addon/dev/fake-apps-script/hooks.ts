// How loadBundle talks to the fakes it runs with: the fake clock behind the context's Date, the
// context's own Error and Date for values the fakes create, and execution boundaries.
import type { ExecutionMode } from './execution';
import type { Realm } from './realm';

export const FAKE_HOOKS: unique symbol = Symbol.for('rowshot.fake-apps-script.hooks');

/**
 * Marks an argument that must reach the bundle as it is, with its methods (a trigger's event
 * object and its Range), instead of as JSON-like data as google.script.run passes arguments.
 */
export const LIVE_ARGUMENT: unique symbol = Symbol.for('rowshot.fake-apps-script.live-argument');

export interface FakeHooks {
  now(): number;
  bindRealm(realm: Realm): void;
  /** A top-level function starts running; answers the execution's id. */
  begin(mode: ExecutionMode | undefined): number;
  /** It returned or threw: Apps Script releases the execution's locks. */
  end(id: number): void;
}
