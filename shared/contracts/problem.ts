// RFC 7807 problem details, as every v1 error body.
import * as z from '../zod';

export const InvalidField = z.object({ field: z.string(), message: z.string() });
export type InvalidField = z.infer<typeof InvalidField>;

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.optional(z.string()),
  instance: z.optional(z.string()),
  code: z.string(),
  invalidFields: z.optional(z.array(InvalidField)),
  estimate: z.optional(z.unknown()),
});
export type Problem = z.infer<typeof Problem>;

const fieldName = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? '(body)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');

/** Turns zod issues into the `invalidFields` list of a 400 problem: one entry per bad field; an object's unknown keys are listed one by one, under their own names. */
export function issuesToFields(issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: readonly string[] }[]): InvalidField[] {
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys' && i.keys
      ? i.keys.map((k) => ({ field: fieldName([...i.path, k]), message: 'unknown field (names are case-sensitive; check the spelling)' }))
      : [{ field: fieldName(i.path), message: i.message }],
  );
}
