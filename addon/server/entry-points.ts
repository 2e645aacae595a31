// Names the outside world calls us by. The build fails when a menu item, trigger or sidebar
// names a function the entry file does not export (see addon/build/check-entry-points.ts).
import type { MenuItem } from './services/ports';

export const MENU_TITLE = 'Rowshot';

/** Extensions → Rowshot, in the order the product spec gives. `null` is a separator. */
export const MENU_ITEMS: readonly (MenuItem | null)[] = [
  { caption: 'Run batch…', handler: 'showBatchSidebar' },
  { caption: 'Reference packs…', handler: 'showPacksSidebar' },
  { caption: 'Schedules…', handler: 'showSchedulesSidebar' },
  { caption: 'Settings…', handler: 'showSettingsSidebar' },
  null,
  { caption: 'Sync results now', handler: 'syncResultsNow' },
  { caption: 'Add review columns', handler: 'addReviewColumns' },
  { caption: 'Apply review (feedback and approvals)', handler: 'applyReview' },
  { caption: 'Help', handler: 'showHelp' },
];

/** The one time-driven trigger an editor add-on may keep per user and document. */
export const DISPATCH_HANDLER = 'rowshotDispatch';
/** The installable "on form submit" trigger of the spreadsheet (one per user and document). */
export const FORM_SUBMIT_HANDLER = 'rowshotFormSubmit';
export const TRIGGER_HANDLERS: readonly string[] = [DISPATCH_HANDLER, FORM_SUBMIT_HANDLER];

/** Sidebars: `addon/ui/<file>/` builds to `dist/addon/<file>.html`. */
export const SIDEBARS = {
  Batch: 'Rowshot · Run batch',
  Packs: 'Rowshot · Reference packs',
  Schedules: 'Rowshot · Schedules',
  Settings: 'Rowshot · Settings',
  Help: 'Rowshot · Help',
} as const;
export type SidebarFile = keyof typeof SIDEBARS;

/** Custom functions: each must carry `@customfunction` JSDoc in index.ts. */
export const CUSTOM_FUNCTIONS: readonly string[] = ['ROWSHOT_COST', 'ROWSHOT_PROMPT', 'ROWSHOT_STATUS'];
