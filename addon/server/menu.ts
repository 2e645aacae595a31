// Extensions → Rowshot: the add-on menu, the sidebars it opens, and "Sync results now".
import { MENU_ITEMS, MENU_TITLE, SIDEBARS, type SidebarFile } from './entry-points';
import { withDocumentLock } from './lock';
import { toRpcError } from './result';
import type { Services } from './services/ports';
import { syncNow } from './sync/sync-all';

export function installMenu(s: Services): void {
  s.ui.createMenu(MENU_TITLE, MENU_ITEMS);
}

export function showSidebar(s: Services, file: SidebarFile): void {
  s.ui.showSidebar(file, SIDEBARS[file]);
}

/** Pulls results into the sheet and says what happened in a toast (it never throws at the user). */
export function syncResultsNow(s: Services): void {
  menuAction(s, 'sync failed', () => syncNow(s).message);
}

/** A menu item's work under the document lock, its outcome (or its failure) in a toast. */
export function menuAction(s: Services, failure: string, body: () => string): void {
  try {
    s.ui.toast(withDocumentLock(s, body), MENU_TITLE);
  } catch (e) {
    s.ui.toast(toRpcError(e).message, `${MENU_TITLE}: ${failure}`);
  }
}
