// ScriptApp's installable triggers (time-driven and the spreadsheet's form submit) and identity
// tokens. Triggers belong to a user and a document; an editor add-on may keep one trigger of each
// event type per user per document, a time-driven one running at most hourly. getIdentityToken
// mints a Google ID token for the current user (identity.ts); a custom function may not ask for one.
import type { ExecutionState } from './execution';
import { mintGoogleIdToken, type FakeGoogleIdentity } from './identity';
import { refuseInCustomFunction } from './execution';
import { exception } from './realm';
import type { FakeSpreadsheet } from './spreadsheet-app';

export interface TriggerRecord {
  id: string;
  handler: string;
  user: string;
  /** `clock`: time-driven, every `everyHours`; `formSubmit`: the spreadsheet's form-submit event. */
  event: 'clock' | 'formSubmit';
  everyHours: number | null;
}

export class FakeTrigger {
  constructor(readonly record: TriggerRecord) {}

  getUniqueId(): string {
    return this.record.id;
  }

  getHandlerFunction(): string {
    return this.record.handler;
  }
}

const ALLOWED_HOURS = [1, 2, 4, 6, 8, 12];

export interface IdentityTokens {
  identity: FakeGoogleIdentity | null;
  /** The manifest's oauthScopes (null: every scope granted). */
  scopes: readonly string[] | null;
  now(): number;
}

export function createScriptApp(
  state: ExecutionState,
  triggers: TriggerRecord[],
  user: () => string,
  spreadsheet: FakeSpreadsheet,
  newId: () => string,
  tokens: IdentityTokens = { identity: null, scopes: null, now: Date.now },
) {
  const mine = () => triggers.filter((t) => t.user === user());
  const add = (handler: string, event: TriggerRecord['event'], everyHours: number | null): FakeTrigger => {
    if (mine().some((t) => t.event === event)) {
      const kind = event === 'clock' ? 'time-based' : 'form submit';
      throw exception(state.realm, `This add-on has created too many ${kind} triggers in this document for this Google user account.`);
    }
    const record: TriggerRecord = { id: newId(), handler, user: user(), event, everyHours };
    triggers.push(record);
    return new FakeTrigger(record);
  };
  const builder = (handler: string) => {
    let everyHours: number | null = null;
    const clock = {
      everyHours(n: number) {
        if (!ALLOWED_HOURS.includes(n)) throw exception(state.realm, `Invalid argument: hours (${n}); an add-on trigger runs every 1, 2, 4, 6, 8 or 12 hours`);
        everyHours = n;
        return clock;
      },
      create(): FakeTrigger {
        if (everyHours === null) throw exception(state.realm, 'The trigger needs a schedule: call everyHours(n) before create().');
        return add(handler, 'clock', everyHours);
      },
    };
    const forSpreadsheet = (document: unknown) => {
      if (document !== spreadsheet) throw exception(state.realm, 'Invalid argument: an add-on may only add triggers to the spreadsheet it runs in');
      return { onFormSubmit: () => ({ create: (): FakeTrigger => add(handler, 'formSubmit', null) }) };
    };
    return { timeBased: () => clock, forSpreadsheet };
  };
  return {
    getUserTriggers(document: FakeSpreadsheet): FakeTrigger[] {
      refuseInCustomFunction(state, 'ScriptApp.getUserTriggers');
      if (document !== spreadsheet) throw exception(state.realm, 'Invalid argument: document (the fake knows one spreadsheet)');
      return mine().map((t) => new FakeTrigger(t));
    },
    newTrigger(functionName: string) {
      refuseInCustomFunction(state, 'ScriptApp.newTrigger');
      return builder(String(functionName));
    },
    /** Null when the fake has no identity or the manifest lacks the openid scope, as Apps Script gives none then. */
    getIdentityToken(): string | null {
      refuseInCustomFunction(state, 'ScriptApp.getIdentityToken');
      return tokens.identity === null ? null : mintGoogleIdToken(tokens.identity, user(), tokens.now(), tokens.scopes);
    },
    deleteTrigger(trigger: FakeTrigger): void {
      refuseInCustomFunction(state, 'ScriptApp.deleteTrigger');
      const i = triggers.findIndex((t) => t.id === trigger.getUniqueId() && t.user === user());
      if (i < 0) throw exception(state.realm, 'No trigger with that id belongs to this user.');
      triggers.splice(i, 1);
    },
  };
}
