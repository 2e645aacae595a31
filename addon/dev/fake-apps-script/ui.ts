// Ui (add-on menu, sidebar, alert) and HtmlService.createHtmlOutputFromFile, recording what
// the user would see.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { exception, type Realm } from './realm';

export interface RecordedMenu {
  title: string;
  /** `null` for a separator. */
  items: ({ caption: string; handler: string } | null)[];
}

export interface RecordedSidebar {
  file: string;
  title: string;
  /** The HTML when the fake reads files from a folder, else null. */
  html: string | null;
}

export interface RecordedAlert {
  title: string;
  prompt: string;
  buttons: string;
}

export interface UiRecord {
  menus: RecordedMenu[];
  sidebars: RecordedSidebar[];
  alerts: RecordedAlert[];
}

const BUTTON_SET = { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO', YES_NO_CANCEL: 'YES_NO_CANCEL' } as const;
const BUTTON = { OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE' } as const;

export class FakeMenu {
  private readonly items: RecordedMenu['items'] = [];

  constructor(
    private readonly title: string,
    private readonly record: UiRecord,
  ) {}

  addItem(caption: string, functionName: string): FakeMenu {
    this.items.push({ caption: String(caption), handler: String(functionName) });
    return this;
  }

  addSeparator(): FakeMenu {
    this.items.push(null);
    return this;
  }

  addToUi(): void {
    // A second onOpen replaces the menu, as in Sheets.
    this.record.menus = this.record.menus.filter((m) => m.title !== this.title);
    this.record.menus.push({ title: this.title, items: [...this.items] });
  }
}

export class FakeHtmlOutput {
  private title = '';

  constructor(
    readonly file: string,
    readonly html: string | null,
  ) {}

  setTitle(title: string): FakeHtmlOutput {
    this.title = String(title);
    return this;
  }

  getTitle(): string {
    return this.title;
  }
}

export class FakeUi {
  readonly ButtonSet = BUTTON_SET;
  readonly Button = BUTTON;

  constructor(
    private readonly addonName: string,
    readonly record: UiRecord,
    private readonly realm: Realm,
  ) {}

  /** Extensions → <add-on name>. */
  createAddonMenu(): FakeMenu {
    return new FakeMenu(this.addonName, this.record);
  }

  showSidebar(output: FakeHtmlOutput): void {
    if (!(output instanceof FakeHtmlOutput)) throw exception(this.realm, 'Invalid argument: userInterface');
    this.record.sidebars.push({ file: output.file, title: output.getTitle(), html: output.html });
  }

  /** `alert(prompt)` or `alert(title, prompt, buttons)`; the fake user clicks OK. */
  alert(titleOrPrompt: string, prompt?: string, buttons?: string): string {
    const title = prompt === undefined ? '' : String(titleOrPrompt);
    this.record.alerts.push({ title, prompt: String(prompt ?? titleOrPrompt), buttons: buttons ?? BUTTON_SET.OK });
    return BUTTON.OK;
  }
}

/** HtmlService: files come from `htmlDir` (e.g. a built dist/addon) when given; else any name is accepted. */
export function createHtmlService(realm: Realm, htmlDir: string | undefined) {
  return {
    createHtmlOutputFromFile(name: string): FakeHtmlOutput {
      const base = String(name).replace(/\.html$/, '');
      if (htmlDir === undefined) return new FakeHtmlOutput(base, null);
      const file = path.join(htmlDir, `${base}.html`);
      if (!existsSync(file)) throw exception(realm, `No HTML file named ${base} was found.`);
      return new FakeHtmlOutput(base, readFileSync(file, 'utf8'));
    },
  };
}
