// console as Apps Script's execution log: lines are recorded for tests (and echoed when asked).

export interface LogLine {
  level: 'log' | 'info' | 'warn' | 'error';
  message: string;
}

export function createConsole(lines: LogLine[], echo: boolean) {
  const write = (level: LogLine['level']) => (...args: unknown[]) => {
    const message = args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
    lines.push({ level, message });
    if (echo) console[level](`[apps-script] ${message}`);
  };
  return { log: write('log'), info: write('info'), warn: write('warn'), error: write('error') };
}

function safeJson(value: unknown): string {
  if (value instanceof Error || Object.prototype.toString.call(value) === '[object Error]') return String((value as Error).stack ?? value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
