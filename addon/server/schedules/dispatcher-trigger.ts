// The one hourly trigger an editor add-on may keep per user and document. It belongs to the user
// who created it, so `list()` shows only ours: install it when this user enables a schedule,
// never twice, and remove it when no enabled schedule is left.
import { DISPATCH_HANDLER } from '../entry-points';
import type { TriggerPort } from '../services/ports';

export function isDispatcherInstalled(triggers: TriggerPort): boolean {
  return triggers.list().some((t) => t.handler === DISPATCH_HANDLER);
}

/** Makes the user's dispatcher triggers exactly one (`wanted`) or none. */
export function syncDispatcherTrigger(triggers: TriggerPort, wanted: boolean): void {
  const mine = triggers.list().filter((t) => t.handler === DISPATCH_HANDLER);
  const keep = wanted ? mine[0] : undefined;
  for (const t of mine) if (t !== keep) triggers.delete(t.id);
  if (wanted && !keep) triggers.createHourly(DISPATCH_HANDLER);
}
