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

/** Turns zod issues into the `invalidFields` list of a 400 problem: one entry per bad field. */
export function issuesToFields(issues: readonly { path: readonly PropertyKey[]; message: string }[]): InvalidField[] {
  return issues.map((i) => ({
    field: i.path.length === 0 ? '(body)' : i.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '['),
    message: i.message,
  }));
}
