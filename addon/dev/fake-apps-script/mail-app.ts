// MailApp and Session as the notifier uses them: sendEmail records the message (from the user
// the execution runs as) instead of sending it, within a daily recipient quota as Google keeps.
import type { ExecutionState } from './execution';
import { refuseInCustomFunction } from './execution';
import { exception } from './realm';

export interface SentMail {
  from: string;
  to: string;
  subject: string;
  body: string;
  htmlBody: string;
  name: string;
}

export interface MailRecord {
  sent: SentMail[];
  /** Recipients left today: 100 for a consumer account. */
  quota: number;
}

export function createMailApp(state: ExecutionState, record: MailRecord, user: () => string) {
  return {
    sendEmail(message: { to?: unknown; subject?: unknown; body?: unknown; htmlBody?: unknown; name?: unknown }): void {
      refuseInCustomFunction(state, 'MailApp.sendEmail');
      const to = typeof message?.to === 'string' ? message.to.trim() : '';
      if (!/^[^\s@,]+@[^\s@,]+$/.test(to)) throw exception(state.realm, `Invalid email: ${String(message?.to)}`);
      if (record.quota < 1) throw exception(state.realm, 'Service invoked too many times for one day: email.');
      record.quota--;
      record.sent.push({
        from: user(), to, subject: String(message.subject ?? ''), body: String(message.body ?? ''),
        htmlBody: String(message.htmlBody ?? ''), name: String(message.name ?? ''),
      });
    },
    getRemainingDailyQuota: (): number => record.quota,
  };
}

export function createSession(user: () => string) {
  return { getEffectiveUser: () => ({ getEmail: (): string => user() }) };
}
