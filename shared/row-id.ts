// Row IDs, one rule for both sides: which ids a sheet may keep (the same rule the batch contract
// checks, so an id kept here is never refused by the API) and how a new one is made. No zod and
// no Node API: the add-on and the CLI's workbook preparation both call these on every row.

export const ROW_ID_MAX_LENGTH = 64;
/**
 * Not blank, no surrounding spaces, no control characters (C0, DEL or C1), and no lone UTF-16
 * surrogate: those have no UTF-8 form, so two different ones would encode to the same bytes (and
 * the same storage key). A key or file name encodes everything else safely and injectively.
 */
export const ROW_ID_TEXT_PATTERN =
  /^(?![^]*(?:[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]))[^\u0000-\u001f\u007f-\u009f\s](?:[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u001f\u007f-\u009f\s])?$/;
export const ROW_ID_TEXT_MESSAGE = 'Row ID must not be blank, start or end with a space, or contain control characters or broken (lone surrogate) characters';

/** Whether `text` may stay as a row's ID; rows with any other text get a new one. */
export function isUsableRowId(text: string): boolean {
  return text.length >= 1 && text.length <= ROW_ID_MAX_LENGTH && ROW_ID_TEXT_PATTERN.test(text);
}

// Crockford's base32 in lower case: no i, l, o, u, so IDs survive being read aloud or retyped.
const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';
const NEW_ID_CHARS = 10;

/** The shape of the IDs `newRowId` makes. */
export const NEW_ROW_ID_PATTERN = /^r_[0-9a-hjkmnp-tv-z]{10}$/;

/**
 * `r_` + 10 base32 characters, one from the low 5 bits of each of the first 10 `randomBytes`
 * (50 bits when they are uniformly random). The caller brings the randomness: crypto on Node,
 * the bytes of a UUID in Apps Script.
 */
export function newRowId(randomBytes: ArrayLike<number>): string {
  if (randomBytes.length < NEW_ID_CHARS) throw new Error(`newRowId needs ${NEW_ID_CHARS} random bytes, got ${randomBytes.length}`);
  let id = 'r_';
  for (let i = 0; i < NEW_ID_CHARS; i++) id += BASE32[(randomBytes[i] ?? 0) & 31];
  return id;
}
