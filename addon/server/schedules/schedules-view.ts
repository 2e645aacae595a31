// What the Schedules sidebar shows: the schedules (whose each is: `ownedByMe`), the run log and
// where they apply. Owner ids stay on the server.
import type { Schedule, SchedulesView } from '../rpc';
import type { Services } from '../services/ports';
import { currentUserId } from '../settings/user-id';
import { readRuns } from './run-log';
import type { StoredSchedule } from './schedule-store';

export function scheduleView(stored: StoredSchedule, me: string): Schedule {
  const { ownerId, ...schedule } = stored;
  return { ...schedule, ownedByMe: ownerId === me };
}

export function schedulesView(s: Services, schedules: readonly StoredSchedule[], triggerInstalled: boolean, notice?: string): SchedulesView {
  const me = currentUserId(s);
  const view: SchedulesView = {
    schedules: schedules.map((x) => scheduleView(x, me)),
    runs: readRuns(s.documentProperties),
    timeZone: s.spreadsheet.timeZone(),
    sheets: s.spreadsheet.sheets(),
    triggerInstalled,
  };
  if (notice !== undefined) view.notice = notice;
  return view;
}
