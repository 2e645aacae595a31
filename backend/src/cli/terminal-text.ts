// Text that came from data (cells, headers, file names, model answers, server problems) is
// printed only after this: control characters (C0, DEL, C1 — which carry escape sequences
// such as an OSC title or a screen clear) and bidirectional overrides become a visible "?",
// so a row cannot drive the user's terminal or disguise what is printed.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** One line of data text: line breaks and tabs become spaces. */
export function terminalSafe(text: string): string {
  return text.replace(/[\t\n]/g, ' ').replace(CONTROL, '?');
}

/** A message of several lines (our own line breaks kept), each line made safe. */
export function terminalSafeLines(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}
