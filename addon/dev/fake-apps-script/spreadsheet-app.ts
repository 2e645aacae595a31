// SpreadsheetApp and the Spreadsheet it returns, over a Workbook. Each method counts as a call.
import type { ExecutionState } from './execution';
import { exception } from './realm';
import { FakeRange, FakeRangeList, FakeSheet } from './sheet-api';
import type { FakeUi } from './ui';
import type { Workbook } from './workbook';

export interface DataValidation {
  values: string[];
  showDropdown: boolean;
  allowInvalid: boolean;
}

/** Sheets refuses a dropdown list of more than 500 items. */
const MAX_LIST_ITEMS = 500;

export interface FakeSpreadsheetApp {
  getActiveSpreadsheet(): FakeSpreadsheet;
  getUi(): FakeUi;
  newDataValidation(): FakeDataValidationBuilder;
}

export function createSpreadsheetApp(state: ExecutionState, spreadsheet: FakeSpreadsheet, ui: FakeUi): FakeSpreadsheetApp {
  return {
    getActiveSpreadsheet(): FakeSpreadsheet {
      state.calls.hit('SpreadsheetApp.getActiveSpreadsheet');
      return spreadsheet;
    },
    getUi(): FakeUi {
      state.calls.hit('SpreadsheetApp.getUi');
      if (state.mode !== 'editor') throw exception(state.realm, 'Cannot call SpreadsheetApp.getUi() from this context.');
      return ui;
    },
    newDataValidation(): FakeDataValidationBuilder {
      state.calls.hit('SpreadsheetApp.newDataValidation');
      return new FakeDataValidationBuilder(state);
    },
  };
}

export class FakeSpreadsheet {
  constructor(
    private readonly state: ExecutionState,
    readonly workbook: Workbook,
  ) {}

  getId(): string {
    this.state.calls.hit('Spreadsheet.getId');
    return this.workbook.id;
  }

  getUrl(): string {
    this.state.calls.hit('Spreadsheet.getUrl');
    return `https://docs.google.com/spreadsheets/d/${this.workbook.id}/edit`;
  }

  getSpreadsheetTimeZone(): string {
    this.state.calls.hit('Spreadsheet.getSpreadsheetTimeZone');
    return this.workbook.timeZone;
  }

  getActiveSheet(): FakeSheet {
    this.state.calls.hit('Spreadsheet.getActiveSheet');
    return new FakeSheet(this.state, this.workbook.activeSheet);
  }

  getSheets(): FakeSheet[] {
    this.state.calls.hit('Spreadsheet.getSheets');
    return this.workbook.sheets.map((s) => new FakeSheet(this.state, s));
  }

  getActiveRangeList(): FakeRangeList | null {
    this.state.calls.hit('Spreadsheet.getActiveRangeList');
    return new FakeRangeList(this.state, this.selectedRanges());
  }

  getActiveRange(): FakeRange | null {
    this.state.calls.hit('Spreadsheet.getActiveRange');
    // Apps Script answers the last range selected.
    return this.selectedRanges().at(-1) ?? null;
  }

  toast(message: string, title?: string, _timeoutSeconds?: number): void {
    this.state.calls.hit('Spreadsheet.toast');
    this.workbook.toasts.push({ message: String(message), title: title === undefined ? '' : String(title) });
  }

  private selectedRanges(): FakeRange[] {
    const sheet = this.workbook.activeSheet;
    return this.workbook.selection.map((r) => new FakeRange(this.state, sheet, r.row, r.column, r.numRows, r.numColumns));
  }
}

export class FakeDataValidationBuilder {
  private values: string[] = [];
  private showDropdown = true;
  private allowInvalid = true;

  constructor(private readonly state: ExecutionState) {}

  requireValueInList(values: readonly string[], showDropdown?: boolean): FakeDataValidationBuilder {
    this.state.calls.hit('DataValidationBuilder.requireValueInList');
    if (values.length > MAX_LIST_ITEMS) {
      throw exception(this.state.realm, `The data validation rule has more than ${MAX_LIST_ITEMS} items.`);
    }
    this.values = values.map(String);
    this.showDropdown = showDropdown ?? true;
    return this;
  }

  setAllowInvalid(allowInvalid: boolean): FakeDataValidationBuilder {
    this.state.calls.hit('DataValidationBuilder.setAllowInvalid');
    this.allowInvalid = allowInvalid;
    return this;
  }

  build(): DataValidation {
    this.state.calls.hit('DataValidationBuilder.build');
    return { values: [...this.values], showDropdown: this.showDropdown, allowInvalid: this.allowInvalid };
  }
}
