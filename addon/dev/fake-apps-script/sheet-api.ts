// The Apps Script Sheet, Range and RangeList over a SheetModel. Each method counts as a call.
import type { ExecutionState } from './execution';
import { refuseInCustomFunction } from './execution';
import { exception } from './realm';
import type { SheetModel, StoredValue } from './sheet-model';
import type { DataValidation } from './spreadsheet-app';

export class FakeSheet {
  constructor(
    private readonly state: ExecutionState,
    readonly model: SheetModel,
  ) {}

  getSheetId(): number {
    this.state.calls.hit('Sheet.getSheetId');
    return this.model.id;
  }

  getName(): string {
    this.state.calls.hit('Sheet.getName');
    return this.model.name;
  }

  getLastRow(): number {
    this.state.calls.hit('Sheet.getLastRow');
    return this.model.lastRow();
  }

  getLastColumn(): number {
    this.state.calls.hit('Sheet.getLastColumn');
    return this.model.lastColumn();
  }

  getFormUrl(): string | null {
    this.state.calls.hit('Sheet.getFormUrl');
    return this.model.formUrl;
  }

  getMaxColumns(): number {
    this.state.calls.hit('Sheet.getMaxColumns');
    return this.model.maxColumns;
  }

  insertColumnsAfter(afterPosition: number, howMany: number): this {
    this.state.calls.hit('Sheet.insertColumnsAfter');
    refuseInCustomFunction(this.state, 'insertColumnsAfter');
    if (afterPosition < 1 || afterPosition > this.model.maxColumns || howMany < 1) {
      throw exception(this.state.realm, 'Those columns are out of bounds.');
    }
    // Rowshot only appends at the end of the grid, so existing cells never move.
    this.model.maxColumns += howMany;
    return this;
  }

  /** Only the 4-number form the adapter uses; the checks and messages are Apps Script's. */
  getRange(row: number, column: number, numRows: number, numColumns: number): FakeRange {
    this.state.calls.hit('Sheet.getRange');
    const args = [row, column, numRows, numColumns];
    if (arguments.length !== 4 || !args.every((n) => typeof n === 'number' && Number.isInteger(n))) {
      throw exception(this.state.realm, `The parameters (${args.map((a) => typeof a).join(',')}) don't match the method signature for SpreadsheetApp.Sheet.getRange (the fake serves getRange(row, column, numRows, numColumns) only).`);
    }
    if (row < 1) throw exception(this.state.realm, 'The starting row of the range is too small.');
    if (column < 1) throw exception(this.state.realm, 'The starting column of the range is too small.');
    if (numRows < 1) throw exception(this.state.realm, 'The number of rows in the range must be at least 1.');
    if (numColumns < 1) throw exception(this.state.realm, 'The number of columns in the range must be at least 1.');
    if (row + numRows - 1 > this.model.maxRows || column + numColumns - 1 > this.model.maxColumns) {
      throw exception(this.state.realm, 'The coordinates of the range are outside the dimensions of the sheet.');
    }
    return new FakeRange(this.state, this.model, row, column, numRows, numColumns);
  }
}

export class FakeRange {
  constructor(
    private readonly state: ExecutionState,
    readonly model: SheetModel,
    private readonly row: number,
    private readonly column: number,
    private readonly numRows: number,
    private readonly numColumns: number,
  ) {}

  getSheet(): FakeSheet {
    this.state.calls.hit('Range.getSheet');
    return new FakeSheet(this.state, this.model);
  }

  getRow(): number {
    this.state.calls.hit('Range.getRow');
    return this.row;
  }

  getColumn(): number {
    this.state.calls.hit('Range.getColumn');
    return this.column;
  }

  getNumRows(): number {
    this.state.calls.hit('Range.getNumRows');
    return this.numRows;
  }

  getNumColumns(): number {
    this.state.calls.hit('Range.getNumColumns');
    return this.numColumns;
  }

  getValues(): StoredValue[][] {
    this.state.calls.hit('Range.getValues');
    const { Date: RealmDate } = this.state.realm;
    return this.model
      .read(this.row, this.column, this.numRows, this.numColumns)
      .map((cells) => cells.map((v) => (v instanceof Date ? new RealmDate(v.getTime()) : v)));
  }

  getFormulas(): string[][] {
    this.state.calls.hit('Range.getFormulas');
    return this.model.readFormulas(this.row, this.column, this.numRows, this.numColumns);
  }

  setValues(values: unknown[][]): FakeRange {
    this.state.calls.hit('Range.setValues');
    refuseInCustomFunction(this.state, 'setValues');
    if (!Array.isArray(values) || !values.every(Array.isArray)) {
      throw exception(this.state.realm, "The parameters (object) don't match the method signature for SpreadsheetApp.Range.setValues.");
    }
    if (values.length !== this.numRows) {
      throw exception(this.state.realm, `The number of rows in the data does not match the number of rows in the range. The data has ${values.length} but the range has ${this.numRows}.`);
    }
    const bad = values.find((r) => r.length !== this.numColumns);
    if (bad) {
      throw exception(this.state.realm, `The number of columns in the data does not match the number of columns in the range. The data has ${bad.length} but the range has ${this.numColumns}.`);
    }
    this.model.write(this.row, this.column, values);
    return this;
  }

  /** Replaces the rule on the range (null clears it), as Apps Script does. */
  setDataValidation(rule: DataValidation | null): FakeRange {
    this.state.calls.hit('Range.setDataValidation');
    refuseInCustomFunction(this.state, 'setDataValidation');
    const area = { row: this.row, column: this.column, numRows: this.numRows, numColumns: this.numColumns };
    const kept = this.model.validations.filter((v) => !sameArea(v, area));
    this.model.validations.splice(0, this.model.validations.length, ...kept);
    if (rule !== null) this.model.validations.push({ ...area, values: [...rule.values], allowInvalid: rule.allowInvalid });
    return this;
  }
}

export class FakeRangeList {
  constructor(
    private readonly state: ExecutionState,
    private readonly ranges: FakeRange[],
  ) {}

  getRanges(): FakeRange[] {
    this.state.calls.hit('RangeList.getRanges');
    return [...this.ranges];
  }
}

function sameArea(a: { row: number; column: number; numRows: number; numColumns: number }, b: typeof a): boolean {
  return a.row === b.row && a.column === b.column && a.numRows === b.numRows && a.numColumns === b.numColumns;
}
