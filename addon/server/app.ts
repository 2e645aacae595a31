// Every entry point's body: build the Services for this one call (lazily, nothing at load
// time), run the use case, and hand google.script.run a Result. index.ts only re-exposes these
// as top-level functions.
import type { ColumnMapping } from '../../shared/index';
import { connect } from './api/connect';
import { cancelRun, downloadAll, retryFailedRun } from './batch/control';
import { previewRow } from './batch/preview';
import { estimateRun } from './batch/estimate';
import { getRunProgress } from './batch/progress';
import { listSheetRuns } from './batch/runs-list';
import { startRun } from './batch/start';
import { rowshotCost } from './custom-functions/cost';
import { rowshotPrompt } from './custom-functions/prompt';
import { rowshotStatus } from './custom-functions/status';
import { withDocumentLock } from './lock';
import { installMenu, menuAction, showSidebar, syncResultsNow } from './menu';
import { addReviewColumns, applyReview } from './batch/review';
import { applyPackDropdown, insertPackName } from './packs/pack-cells';
import { createPack, deletePack, listPacks, setPackFont, updatePack, uploadPackImage } from './packs/packs';
import { guard, messageOf, toRpcError } from './result';
import type { Result, ServerFunctions } from './rpc';
import { dispatch } from './schedules/dispatcher';
import { refreshDispatcherTrigger } from './schedules/dispatcher-trigger';
import { getScheduleTest, runScheduleNow, testSchedule } from './schedules/schedule-actions';
import { deleteSchedule, getSchedules, saveSchedule } from './schedules/schedules-rpc';
import { onFormResponse } from './schedules/form-response';
import { createAppsScriptServices, formSubmitRow } from './services/apps-script';
import type { Services } from './services/ports';
import { googleEmail, testConnection } from './settings/connection';
import { readSettings, saveSettings, settingsView } from './settings/settings-store';
import { getSheetContext, saveColumnMapping } from './sheet/sheet-context';
import { syncNow } from './sync/sync-all';

export interface App extends ServerFunctions {
  onOpen(): void;
  onInstall(): void;
  showBatchSidebar(): void;
  showPacksSidebar(): void;
  showSchedulesSidebar(): void;
  showSettingsSidebar(): void;
  showHelp(): void;
  syncResultsNow(): void;
  addReviewColumns(): void;
  applyReview(): void;
  rowshotDispatch(): void;
  rowshotFormSubmit(e: unknown): void;
  ROWSHOT_COST(prompts: unknown, sizes?: unknown, variants?: unknown, model?: unknown): number | string;
  ROWSHOT_PROMPT(template: unknown, headers: unknown, values: unknown): string | string[][];
  ROWSHOT_STATUS(batchId: unknown): string;
}

export function createApp(makeServices: () => Services): App {
  /** A google.script.run function: its value or its failure as a Result, never a throw. */
  const rpc = <A extends unknown[], T>(body: (s: Services, ...args: A) => T) =>
    (...args: A): Result<T> => guard(() => body(makeServices(), ...args));
  /** The same for functions that already answer a Result. */
  const rpcResult = <A extends unknown[], T>(body: (s: Services, ...args: A) => Result<T>) =>
    (...args: A): Result<T> => {
      try {
        return body(makeServices(), ...args);
      } catch (e) {
        return { ok: false, error: toRpcError(e) };
      }
    };
  /** The spreadsheet's time zone for a custom function: the services are built only if a date needs it. */
  const sheetZone = (): (() => string) => {
    let zone: string | null = null;
    return () => (zone ??= makeServices().spreadsheet.timeZone());
  };
  /** A custom function shows its error in the cell, as text: it never throws. */
  const custom = <T>(name: string, body: () => T): T | string => {
    try {
      return body();
    } catch (e) {
      return `${name}: ${messageOf(e)}`;
    }
  };

  return {
    onOpen: () => installMenu(makeServices()),
    onInstall: () => installMenu(makeServices()),
    showBatchSidebar: () => showSidebar(makeServices(), 'Batch'),
    showPacksSidebar: () => showSidebar(makeServices(), 'Packs'),
    showSchedulesSidebar: () => showSidebar(makeServices(), 'Schedules'),
    showSettingsSidebar: () => showSidebar(makeServices(), 'Settings'),
    showHelp: () => showSidebar(makeServices(), 'Help'),
    syncResultsNow: () => syncResultsNow(makeServices()),
    addReviewColumns() {
      const s = makeServices();
      menuAction(s, 'could not add the review columns', () => {
        const { added } = addReviewColumns(s);
        return added.length > 0
          ? `Added ${added.join(', ')}. Mark rows Approve or Changes (say what to change in Feedback), then Apply review.`
          : 'The review columns are already here (the Review dropdown was refreshed).';
      });
    },
    applyReview() {
      const s = makeServices();
      menuAction(s, 'could not apply the review', () => applyReview(s, s.clock.now().toISOString()).message);
    },
    rowshotDispatch() {
      const s = makeServices();
      dispatch(s);
      // Last: the trigger removes itself once this user has no schedule and no run left to pull.
      try {
        refreshDispatcherTrigger(s);
      } catch (e) {
        s.log(`The hourly trigger could not be updated: ${messageOf(e)}`);
      }
    },

    rowshotFormSubmit(e) {
      const s = makeServices();
      const response = formSubmitRow(e);
      if (response === null) {
        s.log('rowshotFormSubmit runs from the spreadsheet\'s form-submit trigger: it was called without a form response.');
        return;
      }
      onFormResponse(s, response);
    },

    getSettings: rpc((s) => settingsView(readSettings(s.userProperties), googleEmail(s))),
    saveSettings: rpc((s, input) => settingsView(saveSettings(s.userProperties, input), googleEmail(s))),
    testConnection: rpc((s) => testConnection(s)),

    getSheetContext: rpc((s) => getSheetContext(s)),
    saveColumnMapping: rpc((s, mapping: ColumnMapping) => saveColumnMapping(s, mapping)),
    estimateRun: rpc((s, scope) => estimateRun(s, scope)),
    startRun: rpc((s, input) => startRun(s, input)),
    previewRow: rpc((s, input) => previewRow(s, input)),
    getRunProgress: rpc((s, batchId) => getRunProgress(s, batchId)),
    cancelRun: rpc((s, batchId) => cancelRun(s, batchId)),
    retryFailedRun: rpc((s, batchId) => retryFailedRun(s, batchId)),
    downloadLink: rpc((s, input) => downloadAll(s, input)),
    listSheetRuns: rpc((s) => listSheetRuns(s)),
    syncNow: rpc((s) => {
      connect(s);
      return withDocumentLock(s, () => syncNow(s));
    }),

    listPacks: rpc((s) => listPacks(s)),
    uploadPackImage: rpc((s, input) => uploadPackImage(s, input)),
    createPack: rpc((s, input) => createPack(s, input)),
    updatePack: rpc((s, input) => updatePack(s, input)),
    setPackFont: rpc((s, input) => setPackFont(s, input)),
    deletePack: rpc((s, id) => deletePack(s, id)),
    insertPackName: rpc((s, name) => insertPackName(s, name)),
    applyPackDropdown: rpc((s) => applyPackDropdown(s)),

    getSchedules: rpcResult((s) => getSchedules(s)),
    saveSchedule: rpcResult((s, input) => saveSchedule(s, input)),
    deleteSchedule: rpcResult((s, id) => deleteSchedule(s, id)),
    runScheduleNow: rpc((s, input) => runScheduleNow(s, input)),
    testSchedule: rpc((s, input) => testSchedule(s, input)),
    getScheduleTest: rpc((s, input) => getScheduleTest(s, input)),

    ROWSHOT_COST: (prompts, sizes, variants, model) => custom('ROWSHOT_COST', () => rowshotCost(sheetZone(), prompts, sizes, variants, model)),
    ROWSHOT_PROMPT: (template, headers, values) => custom('ROWSHOT_PROMPT', () => rowshotPrompt(sheetZone(), template, headers, values)),
    ROWSHOT_STATUS: (batchId) => custom('ROWSHOT_STATUS', () => rowshotStatus(makeServices(), batchId)),
  };
}

/** The add-on as Apps Script runs it: real services, built per call. */
export const app: App = createApp(() => createAppsScriptServices());
