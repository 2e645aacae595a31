// Apps Script only calls top-level functions of the script (menu items, triggers, custom
// functions, google.script.run). The IIFE bundle keeps everything under one global, so the
// footer declares one forwarding function per export, with the export's JSDoc copied above it.
import type { ExportDoc } from './entry-docs';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function globalStubs(globalName: string, exportNames: readonly string[], docs: ReadonlyMap<string, ExportDoc>): string {
  const lines: string[] = [];
  for (const name of exportNames) {
    if (!IDENTIFIER.test(name) || name === 'default') continue;
    const doc = docs.get(name);
    if (doc?.jsDoc) lines.push(reindent(doc.jsDoc));
    const params = (doc?.params ?? []).filter((p) => IDENTIFIER.test(p)).join(', ');
    lines.push(`function ${name}(${params}) { return ${globalName}.${name}.apply(this, arguments); }`);
  }
  return lines.join('\n');
}

/** The comment as found in the source may be indented; top-level stubs start at column 0. */
function reindent(jsDoc: string): string {
  return jsDoc
    .split('\n')
    .map((line, i) => (i === 0 ? line.trim() : ` ${line.trim()}`))
    .join('\n');
}
