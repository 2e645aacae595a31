// The spreadsheet's "on form submit" trigger: installed for a user while they own an enabled
// On form submit schedule, removed when they own none. Add-ons may keep one trigger of each
// event type per user and document, so one trigger serves all of a user's form schedules.
import { FORM_SUBMIT_HANDLER } from '../entry-points';
import type { Services } from '../services/ports';
import { currentUserId } from '../settings/user-id';
import { readSchedules } from './schedule-store';

export function formTriggerWanted(s: Services): boolean {
  const me = currentUserId(s);
  return readSchedules(s.documentProperties).some((x) => x.enabled && x.recurrence.every === 'form_submit' && x.ownerId === me);
}

/** Installs or removes this user's form-submit trigger to match formTriggerWanted; answers it. */
export function refreshFormTrigger(s: Services): boolean {
  const wanted = formTriggerWanted(s);
  const mine = s.triggers.list().filter((t) => t.handler === FORM_SUBMIT_HANDLER);
  const keep = wanted ? mine[0] : undefined;
  for (const t of mine) if (t !== keep) s.triggers.delete(t.id);
  if (wanted && !keep) s.triggers.createFormSubmit(FORM_SUBMIT_HANDLER);
  return wanted;
}
