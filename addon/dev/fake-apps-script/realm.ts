// Errors and dates the fakes hand to the bundle must come from the bundle's own realm (its vm
// context), or `err instanceof Error` and `v instanceof Date` would be false there, unlike in
// Apps Script. loadBundle binds the context's constructors; until then, Node's are used.

export interface Realm {
  Error: ErrorConstructor;
  Date: DateConstructor;
}

export function createRealm(): Realm {
  return { Error, Date };
}

/** An Apps Script service error: `String(err)` reads `Exception: <message>`, as in Apps Script. */
export function exception(realm: Realm, message: string): Error {
  const err = new realm.Error(message);
  err.name = 'Exception';
  return err;
}
