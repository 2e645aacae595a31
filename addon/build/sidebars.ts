// addon/ui/<Name>/ → dist/addon/<Name>.html, self-contained: HtmlService serves one file, so
// the sidebar's script and styles are inlined at the markers of its index.html.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { BuildError } from './build-error';
import { formatMessage } from './bundle-server';

export const CSS_MARKER = '<!-- rowshot:css -->';
export const JS_MARKER = '<!-- rowshot:js -->';

export async function buildSidebar(uiDir: string, name: string, warnings: string[] = []): Promise<string> {
  const dir = path.join(uiDir, name);
  if (!(await isDirectory(dir))) throw new BuildError('sidebar_invalid', `sidebar ${name}: folder ${dir} is missing`);
  const html = await readOrNull(path.join(dir, 'index.html'));
  if (html === null) throw new BuildError('sidebar_invalid', `sidebar ${name}: ${path.join(dir, 'index.html')} is missing`);
  checkMarkers(name, html);
  const js = await bundleScript(name, path.join(dir, 'main.ts'), warnings);
  const base = await readOrNull(path.join(uiDir, 'common', 'base.css'));
  if (base === null) throw new BuildError('sidebar_invalid', `sidebar ${name}: ${path.join(uiDir, 'common', 'base.css')} is missing`);
  const css = [base, await readOrNull(path.join(dir, 'style.css'))].filter((c): c is string => c !== null).join('\n');
  // Function replacers: a `$&` in the script must not be read as a replacement pattern.
  const out = html
    .replace(CSS_MARKER, () => `<style>\n${css.replace(/<\/style/gi, '<\\/style')}\n</style>`)
    .replace(JS_MARKER, () => `<script>\n${js.replace(/<\/script/gi, '<\\/script')}\n</script>`);
  checkSelfContained(name, out);
  return out;
}

function checkMarkers(name: string, html: string): void {
  const css = html.indexOf(CSS_MARKER);
  const js = html.indexOf(JS_MARKER);
  const headEnd = html.search(/<\/head>/i);
  const bodyEnd = html.search(/<\/body>/i);
  if (css < 0 || headEnd < 0 || css > headEnd) {
    throw new BuildError('sidebar_invalid', `sidebar ${name}: index.html needs ${CSS_MARKER} inside <head>`);
  }
  if (js < 0 || bodyEnd < 0 || js > bodyEnd || js < headEnd) {
    throw new BuildError('sidebar_invalid', `sidebar ${name}: index.html needs ${JS_MARKER} at the end of <body>`);
  }
}

function checkSelfContained(name: string, html: string): void {
  if (/<script\b[^>]*\bsrc\s*=/i.test(html)) {
    throw new BuildError('sidebar_invalid', `sidebar ${name}: a <script src> remains; HtmlService serves one file, inline it`);
  }
  if (/<link\b[^>]*\brel\s*=\s*["']?stylesheet/i.test(html)) {
    throw new BuildError('sidebar_invalid', `sidebar ${name}: a stylesheet <link> remains; put the CSS in style.css`);
  }
}

async function bundleScript(name: string, main: string, warnings: string[]): Promise<string> {
  try {
    const result = await esbuild.build({
      entryPoints: [main],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2019',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
      outfile: `${name}.js`,
    });
    warnings.push(...result.warnings.map((w) => `sidebar ${name}: ${formatMessage(w)}`));
    return result.outputFiles[0]?.text ?? '';
  } catch (err) {
    const first = (err as { errors?: esbuild.Message[] }).errors?.[0];
    const text = first ? formatMessage(first) : ((err as Error).message.split('\n')[0] ?? 'esbuild failed');
    throw new BuildError('sidebar_invalid', `sidebar ${name}: ${text}`, { cause: err });
  }
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
