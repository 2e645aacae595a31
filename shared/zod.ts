// zod/mini keeps the Apps Script bundle small; the English locale gives readable messages,
// which end up in RFC 7807 problems and Status cells. Named re-exports (not the `z` namespace
// object, not the `zod/locales` barrel) let the bundler drop what the add-on does not use:
// re-exporting the namespace kept all of zod and every locale (~430 KB) in Code.js.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export {
  _default, array, boolean, coerce, discriminatedUnion, enum, extend, gte, int, iso, literal, lte, maxLength, minLength,
  null, nullable, number, object, optional, pipe, record, refine, regex, safeParse, strictObject, string, toJSONSchema, transform, trim, union, unknown,
} from 'zod/mini';
export type { infer, input, output, ZodMiniType } from 'zod/mini';
