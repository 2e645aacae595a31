// Runs a built Code.js in a vm context whose globals are the fakes, the way Apps Script runs it:
// no Node globals, Date on the fake clock, and each top-level function call an execution (its
// arguments arrive as JSON-like values of the context, its locks are released when it ends).
import vm from 'node:vm';
import type { ExecutionMode } from './execution';
import { FAKE_HOOKS, LIVE_ARGUMENT, type FakeHooks } from './hooks';

export interface LoadBundleOptions {
  /** The kind of execution per top-level function (e.g. triggers, custom functions); default editor. */
  modes?: Readonly<Record<string, ExecutionMode>>;
}

const DECLARED = Symbol('declared top-level functions');

/** Date in the context reads the fake clock when called with no argument. Returns the real Date. */
const FAKE_DATE = `(function (now) {
  var RealDate = Date;
  function FakeDate() {
    if (!new.target) return new RealDate(now()).toString();
    return arguments.length === 0 ? new RealDate(now()) : new RealDate(...arguments);
  }
  Object.defineProperty(FakeDate, 'name', { value: 'Date' });
  FakeDate.prototype = RealDate.prototype;
  FakeDate.now = function () { return now(); };
  FakeDate.parse = RealDate.parse;
  FakeDate.UTC = RealDate.UTC;
  globalThis.Date = FakeDate;
  return RealDate;
})`;

export function loadBundle(code: string, globals: Readonly<Record<PropertyKey, unknown>>, options: LoadBundleOptions = {}): vm.Context {
  const context = vm.createContext({ ...globals });
  const hooks = globals[FAKE_HOOKS] as FakeHooks | undefined;
  if (hooks) {
    const install = vm.runInContext(FAKE_DATE, context) as (now: () => number) => DateConstructor;
    const RealmDate = install(() => hooks.now());
    hooks.bindRealm({ Date: RealmDate, Error: vm.runInContext('Error', context) as ErrorConstructor });
  }
  const before = new Set(Object.keys(context));
  vm.runInContext(code, context, { filename: 'Code.js' });
  const toContext = vm.runInContext(`(function (json) {
    return JSON.parse(json, function (key, value) {
      var tagged = value !== null && typeof value === 'object' && typeof value[${JSON.stringify(DATE_TAG)}] === 'number' && Object.keys(value).length === 1;
      return tagged ? new Date(value[${JSON.stringify(DATE_TAG)}]) : value;
    });
  })`, context) as (json: string) => unknown[];
  const declared = Object.keys(context).filter((n) => !before.has(n) && typeof context[n] === 'function');
  Object.defineProperty(context, DECLARED, { value: declared });
  for (const name of declared) {
    const original = context[name] as (...args: unknown[]) => unknown;
    context[name] = function execution(this: unknown, ...args: unknown[]): unknown {
      const id = hooks?.begin(options.modes?.[name]);
      try {
        return original.apply(this, marshal(args, toContext));
      } finally {
        if (id !== undefined) hooks?.end(id);
      }
    };
  }
  return context;
}

/** The context's top-level functions: after loadBundle, the ones Code.js declared (what Apps Script can call). */
export function topLevelFunctions(context: vm.Context): string[] {
  return [...(((context as Record<PropertyKey, unknown>)[DECLARED] as string[] | undefined) ?? [])];
}

/** How a Date crosses into the context (JSON would turn it into a string). */
const DATE_TAG = '\u0000date';

/**
 * google.script.run and Sheets pass JSON-like values; hand them over as the context's own
 * objects. Dates stay dates, of the context's realm, as Sheets passes date cells to custom functions.
 */
function marshal(args: unknown[], toContext: (json: string) => unknown[]): unknown[] {
  if (args.some((a) => typeof a === 'object' && a !== null && LIVE_ARGUMENT in a)) return args;
  try {
    const json = JSON.stringify(args, function (this: Record<string, unknown>, key: string, value: unknown) {
      const raw = this[key];
      return Object.prototype.toString.call(raw) === '[object Date]' ? { [DATE_TAG]: (raw as Date).getTime() } : value;
    });
    return json === undefined ? args : toContext(json);
  } catch {
    return args;
  }
}
