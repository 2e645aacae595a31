// Two editors on one document: each editor's hourly trigger runs only that editor's schedules,
// with that editor's own API key; saving another's schedule takes it over.
import { describe, expect, it } from 'vitest';
import { readRuns } from '../../../../addon/server/schedules/run-log';
import { readSchedules, SCHEDULES_KEY } from '../../../../addon/server/schedules/schedule-store';
import { getSchedules, saveSchedule } from '../../../../addon/server/schedules/schedules-rpc';
import { FakeBackend } from '../helpers/fake-backend';
import { anotherEditor, configure, memoryServices } from '../helpers/memory-services';
import { add, BOB_KEY, dispatcherOf, posted, sheets } from './dispatch-fixture';

describe('dispatch with two editors on one document', () => {
  function twoEditors() {
    const backend = new FakeBackend();
    backend.otherKeys.push(BOB_KEY);
    const alice = memoryServices({ sheets: sheets(), http: backend, now: '2025-01-10T08:30:00.000Z', timeZone: 'Europe/Paris' });
    configure(alice);
    // Same document (sheets, properties, lock), another person: own settings, user id and triggers.
    const bob = anotherEditor(alice);
    configure(bob, undefined, BOB_KEY);
    const mine = add(alice, { name: 'Alice hourly', sheetId: 0 });
    const his = add(bob, { name: 'Bob hourly', sheetId: 42 });
    alice.clock.set('2025-01-10T09:00:05.000Z');
    return { alice, bob, backend, mine, his };
  }

  it('each trigger runs only its owner\'s schedules (so each editor\'s own API key pays)', () => {
    const { alice, bob, backend, mine, his } = twoEditors();
    expect(alice.triggers.list()).toHaveLength(1);
    expect(bob.triggers.list()).toHaveLength(1);
    dispatcherOf(alice)();
    expect(posted(backend)).toEqual([['Products: 1 row', 'rs_test_key_1234']]);
    dispatcherOf(bob)();
    expect(posted(backend)).toEqual([['Products: 1 row', 'rs_test_key_1234'], ['Banners: 1 row', BOB_KEY]]);
    expect(readRuns(alice.documentProperties).map((r) => [r.scheduleId, r.outcome])).toEqual([[his, 'started'], [mine, 'started']]);
  });

  it('saving another editor\'s schedule takes it over, and the view says so', () => {
    const { alice, bob, backend, his } = twoEditors();
    const before = getSchedules(alice);
    expect(before.ok && before.value.schedules.map((s) => [s.name, s.ownedByMe])).toEqual([['Alice hourly', true], ['Bob hourly', false]]);
    const r = saveSchedule(alice, { id: his, name: 'Bob hourly', sheetId: 42, recurrence: { every: 'hour' }, scope: 'not_done', maxCostUsd: 3, enabled: true });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.notice).toBe('"Bob hourly" is now your schedule: it runs from your hourly trigger with your sign-in (it ran with another editor\'s sign-in).');
    expect(r.value.schedules.find((s) => s.id === his)?.ownedByMe).toBe(true);
    const bobView = saveSchedule(bob, { name: 'Bob second', sheetId: 0, recurrence: { every: 'hour' }, scope: 'all', maxCostUsd: 1, enabled: false, confirmed: true });
    if (!bobView.ok) throw new Error(bobView.error.message);
    expect(bobView.value.schedules.find((s) => s.id === his)?.ownedByMe).toBe(false);
    expect(bobView.value.notice).toBeUndefined();
    dispatcherOf(bob)();
    expect(posted(backend)).toEqual([]);
    dispatcherOf(alice)();
    expect(posted(backend)).toContainEqual(['Banners: 1 row', 'rs_test_key_1234']);
    expect([...backend.batches.values()].find((b) => b.request.name === 'Banners: 1 row')?.request.maxCostUsd).toBe(3);
  });

  it('runs a schedule saved before owners existed from anyone\'s trigger', () => {
    const { alice, bob, backend, mine } = twoEditors();
    const stored = readSchedules(alice.documentProperties).map((s) => (s.id === mine ? { ...s, ownerId: undefined } : s));
    alice.documentProperties.set(SCHEDULES_KEY, JSON.stringify(stored));
    dispatcherOf(bob)();
    expect(posted(backend)).toEqual([['Products: 1 row', BOB_KEY], ['Banners: 1 row', BOB_KEY]]);
  });
});
