// A random id for the current user, kept in their user properties: it marks the schedules and
// runs that are theirs, so one editor's hourly trigger never runs (and bills) another's
// schedules. Not an e-mail: Session may not give one, and the id says nothing about the person.
import type { Services } from '../services/ports';

export const USER_ID_KEY = 'rowshot.userId';

/** The user's id, created and saved on first need. */
export function currentUserId(s: Pick<Services, 'userProperties' | 'uuid'>): string {
  const saved = s.userProperties.get(USER_ID_KEY);
  if (saved !== null && saved !== '') return saved;
  const id = `u_${s.uuid()}`;
  s.userProperties.set(USER_ID_KEY, id);
  return id;
}
