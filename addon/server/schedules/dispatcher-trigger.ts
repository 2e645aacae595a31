// The one hourly trigger an editor add-on may keep per user and document. It belongs to the user
// who created it, so `list()` shows only ours. One rule decides whether this user needs it: they
// own an enabled schedule, or a run of theirs still has results to pull into the sheet (or a
// finished scheduled run still waits for its e-mail). It is
// refreshed after a run is submitted, when schedules are saved, and at the end of every dispatch
// (so it removes itself once nothing is left).
import { isMine, pendingRuns } from '../batch/history';
import { DISPATCH_HANDLER } from '../entry-points';
import { unnotifiedRuns } from '../notify/notify';
import type { Services, TriggerPort } from '../services/ports';
import { currentUserId } from '../settings/user-id';
import { readSchedules } from './schedule-store';

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

/**
 * Whether this user's trigger has work: an enabled schedule of theirs, or a run of theirs not
 * final-and-synced (other editors' runs are pulled by their own triggers). Schedules saved before
 * owners existed run for whichever trigger fires: they keep an installed trigger, never add one.
 */
export function dispatcherWanted(s: Services): boolean {
  const me = currentUserId(s);
  const enabled = readSchedules(s.documentProperties).filter((x) => x.enabled);
  if (enabled.some((x) => x.ownerId === me)) return true;
  if (pendingRuns(s).some((r) => isMine(r, me))) return true;
  if (unnotifiedRuns(s).length > 0) return true;
  return enabled.some((x) => x.ownerId === undefined) && isDispatcherInstalled(s.triggers);
}

/** Installs or removes this user's dispatcher trigger to match `dispatcherWanted`; answers it. */
export function refreshDispatcherTrigger(s: Services): boolean {
  const wanted = dispatcherWanted(s);
  syncDispatcherTrigger(s.triggers, wanted);
  return wanted;
}
