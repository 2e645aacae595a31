// Date cells become the text the spreadsheet shows, in ITS time zone: a date typed as 2024-05-01
// in a Berlin sheet must reach prompts as 2024-05-01, not as 2024-04-30T22:00:00.000Z.
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { toCell } from '../../../../addon/server/services/apps-script';
import { dateText, isDate } from '../../../../addon/server/sheet/date-text';

describe('dateText', () => {
  it('gives a plain date at midnight in the spreadsheet\'s zone, and the time otherwise', () => {
    expect(dateText(new Date('2024-04-30T22:00:00.000Z'), 'Europe/Berlin')).toBe('2024-05-01');
    expect(dateText(new Date('2024-05-01T07:30:00.000Z'), 'Europe/Berlin')).toBe('2024-05-01 09:30');
    expect(dateText(new Date('2024-05-01T00:00:00.000Z'), 'UTC')).toBe('2024-05-01');
    expect(dateText(new Date('2024-05-01T07:30:45.000Z'), 'UTC')).toBe('2024-05-01 07:30');
    // The same instant is a plain date in one zone and a time in another.
    expect(dateText(new Date('2024-05-01T00:00:00.000Z'), 'Europe/Berlin')).toBe('2024-05-01 02:00');
    // Winter time: Berlin is UTC+1.
    expect(dateText(new Date('2024-01-14T23:00:00.000Z'), 'Europe/Berlin')).toBe('2024-01-15');
  });

  it('answers "" for an invalid date and falls back to UTC for a zone Intl does not know', () => {
    expect(dateText(new Date(Number.NaN), 'UTC')).toBe('');
    expect(dateText(new Date('2024-05-01T00:00:00.000Z'), 'Mars/Olympus_Mons')).toBe('2024-05-01');
  });

  it('recognises dates made in another realm (Apps Script hands the bundle its own Date objects)', () => {
    const foreign: unknown = vm.runInNewContext('new Date(Date.UTC(2024, 4, 1))');
    expect(foreign instanceof Date).toBe(false);
    expect(isDate(foreign)).toBe(true);
    expect(isDate('2024-05-01')).toBe(false);
  });
});

describe('toCell (the adapter)', () => {
  it('renders dates in the spreadsheet\'s zone and asks for the zone only when a date shows up', () => {
    let asked = 0;
    const zone = () => (asked++, 'Europe/Berlin');
    expect([toCell('x', zone), toCell(3, zone), toCell(null, zone), toCell(true, zone)]).toEqual(['x', 3, '', true]);
    expect(asked).toBe(0);
    expect(toCell(new Date('2024-04-30T22:00:00.000Z'), zone)).toBe('2024-05-01');
    expect(toCell(new Date('2024-04-30T22:00:00.000Z'), () => 'UTC')).toBe('2024-04-30 22:00');
    expect(asked).toBe(1);
  });
});
