// The architecture as a rule CI enforces: the core and the ports never import an adapter, an
// HTTP framework, sharp, a Google SDK or Apps Script; shared/ imports only zod and itself (it
// runs on Apps Script too); the add-on's server code imports no Node API. Each import is read
// with TypeScript's own pre-processor, so `import type`, re-exports and `import()` all count.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every module a file imports, resolved to a project-relative path for relative imports. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles.map((f) => (f.fileName.startsWith('.') ? path.join(path.dirname(file), f.fileName) : f.fileName));
}

const APPS_SCRIPT_GLOBALS = /\b(SpreadsheetApp|ScriptApp|PropertiesService|UrlFetchApp|HtmlService|CacheService|LockService|MailApp|Utilities)\./;

function violations(dir: string, forbidden: (spec: string) => boolean, alsoText?: RegExp): string[] {
  const found: string[] = [];
  for (const file of sources(dir)) {
    for (const spec of importsOf(file)) if (forbidden(spec)) found.push(`${file} imports ${spec}`);
    if (alsoText) {
      const code = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest);
      // Comments may name Apps Script; only code counts.
      const text = code.statements.map((s) => s.getText(code)).join('\n');
      if (alsoText.test(text)) found.push(`${file} uses ${alsoText.exec(text)?.[0]}`);
    }
  }
  return found;
}

const isPackage = (spec: string) => !spec.startsWith('backend') && !spec.startsWith('shared') && !spec.startsWith('addon') && !spec.startsWith('test') && !path.isAbsolute(spec);
const FRAMEWORKS = /^(express|sharp|googleapis|google-auth-library|@google\/|@google-cloud\/|exceljs|harfbuzzjs|node:http|node:https|undici)(\/|$)/;

describe('import rules', () => {
  it('the core imports no adapter, framework, sharp, Google SDK or Apps Script', () => {
    const bad = (spec: string) =>
      FRAMEWORKS.test(spec) ||
      /^backend\/src\/(adapters|http|render|cli)\//.test(spec) ||
      /^backend\/src\/(compose|compose-[a-z-]+|wiring|main|config)$/.test(spec) ||
      spec.startsWith('addon/');
    expect(violations('backend/src/core', bad, APPS_SCRIPT_GLOBALS)).toEqual([]);
  });

  it('the ports name only shared types and each other', () => {
    const bad = (spec: string) => isPackage(spec) ? !spec.startsWith('node:') : !/^(shared|backend\/src\/ports)\//.test(spec);
    expect(violations('backend/src/ports', bad)).toEqual([]);
  });

  it('shared/ imports only zod and itself, and no Node API', () => {
    const bad = (spec: string) => (isPackage(spec) ? !/^zod(\/|$)/.test(spec) : !spec.startsWith('shared/'));
    expect(violations('shared', bad)).toEqual([]);
  });

  it("the add-on's server code imports no Node API or npm package but zod", () => {
    const bad = (spec: string) => (isPackage(spec) ? !/^zod(\/|$)/.test(spec) : !/^(addon\/server|shared)\//.test(spec));
    expect(violations('addon/server', bad)).toEqual([]);
  });

  it('catches a forbidden import (the rule is not vacuous)', () => {
    expect(violations('backend/src/adapters', (spec) => FRAMEWORKS.test(spec)).length).toBeGreaterThan(0);
  });
});

describe('core state', () => {
  it('the core keeps no module-level mutable state (it lives in CoreState, made by the composition root)', () => {
    const found: string[] = [];
    for (const file of sources('backend/src/core')) {
      const sf = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
      for (const st of sf.statements) {
        if (!ts.isVariableStatement(st)) continue;
        const isLet = (st.declarationList.flags & ts.NodeFlags.Let) !== 0;
        for (const d of st.declarationList.declarations) {
          const init = d.initializer?.getText(sf) ?? '';
          if (isLet || /^new (Map|Set|WeakMap|WeakSet)\b/.test(init) || /^\[\s*\]$/.test(init)) found.push(`${file}: ${d.name.getText(sf)}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
