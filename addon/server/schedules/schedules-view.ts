// What the Schedules sidebar shows: the schedules, the run log and where they apply.
import type { Schedule, SchedulesView } from '../rpc';
import type { Services } from '../services/ports';
import { readRuns } from './run-log';

export function schedulesView(s: Services, schedules: Schedule[], triggerInstalled: boolean): SchedulesView {
  return {
    schedules,
    runs: readRuns(s.documentProperties),
    timeZone: s.spreadsheet.timeZone(),
    sheets: s.spreadsheet.sheets(),
    triggerInstalled,
  };
}
