// The builder turns an entry + sidebars into what clasp pushes: Code.js with one top-level
// function per export (JSDoc kept), self-contained sidebar HTML, and the manifest.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildReport } from '../../../addon/build/build-addon';
import { createFakeAppsScript, topLevelFunctions } from '../../../addon/dev/fake-apps-script/index';
import { buildFixture, fixture } from './fixture-build';

let report: BuildReport;
let code: string;

beforeAll(async () => {
  report = await buildFixture();
  code = await readFile(path.join(report.outDir, 'Code.js'), 'utf8');
});
afterAll(async () => {
  await rm(report.outDir, { recursive: true, force: true });
});

describe('Code.js', () => {
  it('writes one file per output and reports each with its size', () => {
    expect(report.files.map((f) => f.name).sort()).toEqual(['Code.js', 'Demo.html', 'appsscript.json']);
    for (const file of report.files) expect(file.bytes).toBeGreaterThan(0);
    expect(report.exports).toEqual(['DOUBLE', 'onInstall', 'onOpen', 'ping', 'showDemo', 'tick']);
  });

  it('keeps a custom function JSDoc, @customfunction included, right above its top-level function', () => {
    // Sheets reads the comment of the top-level function: without it, no autocomplete.
    const stub = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\nfunction DOUBLE\(value\) \{/.exec(code);
    expect(stub, 'no JSDoc directly above function DOUBLE').not.toBeNull();
    expect(stub?.[1]).toContain('@customfunction');
    expect(stub?.[1]).toContain('@param {number} value The number to double.');
  });

  it('declares every export as a top-level function that Apps Script can call', () => {
    const fake = createFakeAppsScript();
    const context = fake.load(code, { modes: { DOUBLE: 'customFunction' } });
    expect(topLevelFunctions(context).sort()).toEqual(report.exports);
    expect(context.DOUBLE(21)).toBe(42);
    expect(context.ping('sheet')).toBe('pong sheet');
    context.onOpen();
    expect(context.tick()).toBe(1);
  });

  it('is one IIFE under the Rowshot global, minified but with readable names', () => {
    expect(code).toMatch(/var Rowshot=\(\(\)=>\{/);
    expect(code).toContain('function normalizeHeader(header)');
    expect(code).not.toMatch(/^(import|export)\b/m);
  });
});

describe('sidebars', () => {
  it('inlines the script and both style sheets, leaving no external reference', async () => {
    const html = await readFile(path.join(report.outDir, 'Demo.html'), 'utf8');
    expect(html).not.toMatch(/<script\b[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toContain('rowshot:js');
    expect(html).not.toContain('rowshot:css');
    const style = /<head>[\s\S]*<style>([\s\S]*)<\/style>[\s\S]*<\/head>/.exec(html)?.[1] ?? '';
    expect(style).toContain('font-family: sans-serif'); // common/base.css
    expect(style).toContain('rebeccapurple'); // Demo/style.css
    const body = /<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '';
    expect(body).toContain('querySelector(".demo-title")');
  });

  it('escapes a closing script tag inside the bundled code, so the element ends only once', async () => {
    const html = await readFile(path.join(report.outDir, 'Demo.html'), 'utf8');
    expect(html.match(/<\/script/gi)).toHaveLength(1);
    expect(html).toContain('<\\/script>');
  });

  it('fails when an external script or stylesheet remains in index.html', async () => {
    await expect(buildFixture({ uiDir: fixture('ui-external') })).rejects.toMatchObject({
      code: 'sidebar_invalid',
      message: expect.stringMatching(/sidebar Demo: a (<script src>|stylesheet <link>) remains/),
    });
  });

  it('fails naming a sidebar whose folder is missing', async () => {
    await expect(buildFixture({ entryPoints: fixture('server/entry-points-extra-sidebar.ts') })).rejects.toMatchObject({
      code: 'sidebar_invalid',
      message: expect.stringMatching(/^sidebar Gone: folder .*Gone is missing$/),
    });
  });
});
