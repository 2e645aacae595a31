// `npm run build:addon`: builds dist/addon/ for clasp and lists what it wrote.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildError } from './build-error';
import { buildAddon } from './build-addon';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

try {
  const report = await buildAddon({ outDir: path.join(root, 'dist/addon'), root });
  for (const warning of report.warnings) console.error(`warning: ${warning}`);
  for (const file of report.files) {
    console.log(`${path.relative(root, file.path).padEnd(32)} ${(file.bytes / 1024).toFixed(1).padStart(8)} KB`);
  }
} catch (err) {
  const message = err instanceof BuildError ? err.message : (err as Error).message.split('\n')[0];
  console.error(`build:addon failed: ${message}`);
  process.exit(1);
}
