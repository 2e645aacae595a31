// SheetTarget for local workbooks (.csv / .xlsx): results are written into the rows they
// belong to, found by Row ID, with one read and one atomic write per call. With `links:
// 'files'` the images are copied next to the workbook so the folder is self-contained.
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileBaseName, UniqueNames } from '../../../../../shared/file-names';
import { cellToText, mapHeaders, type CellInput, type ColumnMapping, type TargetRef } from '../../../../../shared/index';
import { mapLimit } from '../../../core/concurrency';
import { rowSegment } from '../../../core/layout';
import type { AssetLink, RowImageWrite, RowWrite, SheetTarget, TargetCheckOptions, WriteOutcome } from '../../../ports/sheet-target';
import { AllowedRoots, isInside } from './allowed-paths';
import { atomicWriteFile } from './atomic-write';
import { editWorkbook, readWorkbook, workbookFormat } from './read-workbook';
import { writeResultRow, type RowAssets } from './result-row-cells';
import { ensureOutputColumns } from './row-ids';
import { cellsOf, fsError, WorkbookError, type WorkbookFormat } from './workbook';
import { embeddableThumbnail } from './xlsx-file';

export interface WorkbookTargetOptions {
  /** The bytes of a stored asset, or null when it no longer exists. */
  readAsset: (tenant: string, key: string) => Promise<Buffer | null>;
  /** Folders this target may write into (workbooks and asset folders). Empty: none. */
  allowedRoots: string[];
  /** Assets read and copied at once (default 8). */
  concurrency?: number;
}

type WorkbookTargetRef = Extract<TargetRef, { kind: 'workbook' }>;

interface WriteContext {
  tenant: string;
  format: WorkbookFormat;
  links: 'files' | 'urls';
  workbookDir: string;
  /** Real path of the assets folder (links: 'files'). */
  assetsDir: string;
  rowDirs: Map<string, Promise<string>>;
  /** The batch's file-name template (null: `<size>-v<variant>`). */
  nameTemplate: string | null;
}

export class WorkbookTarget implements SheetTarget {
  readonly kinds = ['workbook'] as const;
  private readonly roots: AllowedRoots;

  constructor(private readonly options: WorkbookTargetOptions) {
    this.roots = new AllowedRoots(options.allowedRoots);
  }

  /**
   * Checked when a batch is accepted, so a batch never runs against a workbook it cannot
   * write: inside the allowed roots (with its assets folder), a .csv/.xlsx file that exists,
   * opens, has the sheet and a Row ID column, in a folder we may write to. Reads the file once.
   */
  async checkTarget(target: TargetRef, opts: TargetCheckOptions = { rowIdsPending: false }): Promise<string | null> {
    if (target.kind !== 'workbook') return `the workbook target cannot write to a ${target.kind} target`;
    try {
      const resolved = await this.resolvePaths(target);
      if (typeof resolved === 'string') return resolved;
      const { file } = resolved;
      const name = `"${path.basename(file)}"`;
      try {
        await access(file, fsConstants.R_OK | fsConstants.W_OK);
        // The temp file and rename need the folder to be writable too.
        await access(path.dirname(file), fsConstants.W_OK);
      } catch (err) {
        throw fsError(err, name);
      }
      const table = await readWorkbook(file, target.sheet === undefined ? {} : { sheet: target.sheet });
      if (!opts.rowIdsPending && mapHeaders(table.headers).rowId === undefined) {
        return `${name} has no Row ID column; prepare it first (the CLI adds Row IDs) so results can be matched to rows`;
      }
      return null;
    } catch (err) {
      if (err instanceof WorkbookError) return err.message;
      return `${JSON.stringify(path.basename(target.path))} could not be checked (${err instanceof Error ? err.message : String(err)})`;
    }
  }

  /** The real workbook path and assets folder, or why they are not allowed. */
  private async resolvePaths(target: WorkbookTargetRef): Promise<{ file: string; assetsDir: string } | string> {
    const file = await this.roots.resolve(target.path);
    if (file === null) return `"${target.path}" is outside the folders this server may write to`;
    workbookFormat(file);
    if ((target.links ?? 'files') === 'urls') return { file, assetsDir: '' };
    const workbookDir = path.dirname(file);
    const wanted = target.assetsDir !== undefined
      ? path.resolve(workbookDir, target.assetsDir)
      : path.join(workbookDir, `${path.basename(file, path.extname(file))}-assets`);
    const assetsDir = await this.roots.resolve(wanted);
    if (assetsDir === null) return `the assets folder "${target.assetsDir ?? wanted}" is outside the folders this server may write to`;
    return { file, assetsDir };
  }

  async write(target: TargetRef, tenant: string, rows: readonly RowWrite[], columns: ColumnMapping = {}): Promise<WriteOutcome> {
    if (target.kind !== 'workbook') {
      return { ok: false, kind: 'permanent', reason: `the workbook target cannot write to a ${target.kind} target` };
    }
    try {
      return await this.writeWorkbook(target, tenant, rows, columns);
    } catch (err) {
      if (err instanceof WorkbookError) return { ok: false, kind: err.kind, reason: err.message };
      const name = `"${path.basename(target.path)}"`;
      if (typeof (err as NodeJS.ErrnoException | undefined)?.code === 'string') {
        const e = fsError(err, name);
        return { ok: false, kind: e.kind, reason: e.message };
      }
      // A bug rather than an expected failure; transient so a fixed deployment can retry.
      return { ok: false, kind: 'transient', reason: `writing results to ${name} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private async writeWorkbook(target: WorkbookTargetRef, tenant: string, rows: readonly RowWrite[], columns: ColumnMapping): Promise<WriteOutcome> {
    const resolved = await this.resolvePaths(target);
    if (typeof resolved === 'string') return { ok: false, kind: 'permanent', reason: resolved };
    const { file, assetsDir } = resolved;
    const format = workbookFormat(file);
    const links = target.links ?? 'files';
    const workbookDir = path.dirname(file);
    if (rows.length === 0) return { ok: true, written: 0, missingRowIds: [] };

    // The last write for a Row ID wins if one arrives twice.
    const byId = new Map<string, RowWrite>();
    for (const r of rows) byId.set(r.rowId, r);
    const ctx: WriteContext = { tenant, format, links, workbookDir, assetsDir, rowDirs: new Map(), nameTemplate: target.fileNameTemplate ?? null };
    // Kept across the retries of editWorkbook, so assets are copied once.
    const assets = new Map<string, RowAssets>();

    return editWorkbook(file, target.sheet === undefined ? {} : { sheet: target.sheet }, async (sheet) => {
      const mapping = mapHeaders(sheet.headers, columns);
      const idCol = mapping.rowId === undefined ? -1 : sheet.headers.indexOf(mapping.rowId);
      if (idCol < 0) {
        throw new WorkbookError('no_row_id_column', `"${path.basename(file)}" has no Row ID column, so results cannot be matched to rows (was it deleted or renamed?)`);
      }
      // First occurrence wins if a row was copy-pasted with its ID.
      const rowNumberById = new Map<string, number>();
      for (const row of sheet.dataRows()) {
        const id = cellToText(row.values[idCol] ?? null).trim();
        if (id !== '' && !rowNumberById.has(id)) rowNumberById.set(id, row.rowNumber);
      }
      const found: { write: RowWrite; rowNumber: number }[] = [];
      const missingRowIds: string[] = [];
      for (const write of byId.values()) {
        const rowNumber = rowNumberById.get(write.rowId);
        if (rowNumber === undefined) missingRowIds.push(write.rowId);
        else found.push({ write, rowNumber });
      }
      const outcome: WriteOutcome = { ok: true, written: found.length, missingRowIds };
      if (found.length === 0) return { result: outcome, changed: false };

      // After the first failure no new copy starts: the write fails anyway, and copies still
      // going would run on after the workbook's lock is released, filling the disk for nothing.
      let failed = false;
      // The row's own cells fill a file-name template's placeholders.
      const valuesByRow = ctx.nameTemplate === null ? null : new Map(sheet.dataRows().map((r) => [r.rowNumber, r.values]));
      const cellsAt = (rowNumber: number): Record<string, CellInput> => cellsOf(sheet.headers, valuesByRow?.get(rowNumber) ?? [], sheet.format);
      await mapLimit(found.filter((f) => !assets.has(f.write.rowId)), Math.max(1, this.options.concurrency ?? 8), async ({ write, rowNumber }) => {
        if (failed) return;
        try {
          assets.set(write.rowId, await this.prepareAssets(write, ctx, valuesByRow === null ? {} : cellsAt(rowNumber)));
        } catch (err) {
          failed = true;
          throw err;
        }
      });
      const { columns: c } = ensureOutputColumns(sheet, columns);
      // A re-run row keeps its previous images until it is final (see replacesImages).
      for (const { write, rowNumber } of found) writeResultRow(sheet, rowNumber, c, write, assets.get(write.rowId)!);
      return { result: outcome, changed: true };
    });
  }

  /** Copies (links: 'files') or links (links: 'urls') a row's images; reads the thumbnail to embed in xlsx. */
  private async prepareAssets(write: RowWrite, ctx: WriteContext, cells: Record<string, CellInput>): Promise<RowAssets> {
    const out: RowAssets = { imageLines: [], thumbLines: [], embed: null, approvedLines: [] };
    const placed = await this.placeImages(write, write.images, write.version ?? 1, ctx, cells);
    out.imageLines = placed.map((p) => p.image);
    out.thumbLines = placed.map((p) => p.thumb);
    const thumb = placed[0]?.thumbData ?? null;
    if (ctx.format === 'xlsx' && thumb !== null) out.embed = await embeddableThumbnail(thumb);
    // The approved version's files have the names that version was written with.
    if (write.approved) out.approvedLines = (await this.placeImages(write, write.approved.images, write.approved.version, ctx, cells, false)).map((p) => p.image);
    return out;
  }

  private async placeImages(
    write: RowWrite, images: readonly RowImageWrite[], version: number, ctx: WriteContext, cells: Record<string, CellInput>, withThumbs = true,
  ): Promise<{ image: string; thumb: string; thumbData: Buffer | null }[]> {
    const out: { image: string; thumb: string; thumbData: Buffer | null }[] = [];
    // Each row has its own folder, so names need only be unique within the row.
    const names = new UniqueNames();
    for (const [i, img] of images.entries()) {
      const variant = Number.isInteger(img.variant) ? img.variant : 1;
      // A later version gets its own file: the one before stays as it was.
      const name = ctx.nameTemplate === null
        ? `${ratioSlug(img.size)}-v${variant}${version > 1 ? `-version${version}` : ''}`
        // No extension: copyAsset adds it from the bytes.
        : names.take(fileBaseName(ctx.nameTemplate, { cells, rowId: write.rowId, aspectRatio: img.size, variant, version }));
      if (ctx.links === 'files') {
        const rowDir = await this.rowDir(write.rowId, ctx);
        const image = (await this.copyAsset(img.image, rowDir, name, ctx)).line;
        if (!withThumbs) {
          out.push({ image, thumb: '', thumbData: null });
          continue;
        }
        const copied = await this.copyAsset(img.thumbnail, rowDir, `${name}-thumb`, ctx);
        out.push({ image, thumb: copied.line, thumbData: i === 0 ? copied.data : null });
      } else {
        const thumbData = withThumbs && i === 0 && ctx.format === 'xlsx' ? await this.readAsset(ctx.tenant, img.thumbnail.key) : null;
        out.push({ image: img.image.url, thumb: img.thumbnail.url, thumbData });
      }
    }
    return out;
  }

  private async readAsset(tenant: string, key: string): Promise<Buffer | null> {
    try {
      return await this.options.readAsset(tenant, key);
    } catch (err) {
      throw new WorkbookError('io', `could not read image ${key} from storage (${err instanceof Error ? err.message : String(err)})`, 'transient', { cause: err });
    }
  }

  /**
   * Copies one asset to `<rowDir>/<name>.<ext>` and returns the cell line: the path relative
   * to the workbook's folder, or the capability URL when the asset no longer exists.
   */
  private async copyAsset(link: AssetLink, rowDir: string, name: string, ctx: WriteContext): Promise<{ line: string; data: Buffer | null }> {
    const data = await this.readAsset(ctx.tenant, link.key);
    if (data === null) return { line: link.url, data: null };
    const dest = path.join(rowDir, `${name}.${extensionOf(data, link.key)}`);
    try {
      await copyFile(dest, data);
    } catch (err) {
      throw fsError(err, `the image file "${path.relative(ctx.workbookDir, dest)}"`);
    }
    return { line: path.relative(ctx.workbookDir, dest).split(path.sep).join('/'), data };
  }

  /** `<assetsDir>/<rowId>/`, created once per write and checked to really be inside assetsDir. */
  private rowDir(rowId: string, ctx: WriteContext): Promise<string> {
    let dir = ctx.rowDirs.get(rowId);
    if (dir === undefined) {
      dir = (async () => {
        // The store's injective segment: `SKU:12` and `SKU_12` get folders of their own (also on
        // case-insensitive disks), and `.`/`..` cannot occur.
        const wanted = path.join(ctx.assetsDir, rowSegment(rowId));
        try {
          await mkdir(wanted, { recursive: true });
          const real = await realpath(wanted);
          if (!isInside(ctx.assetsDir, real) || real === ctx.assetsDir) {
            throw new WorkbookError('forbidden', `the image folder for row ${rowId} points outside the assets folder`);
          }
          return real;
        } catch (err) {
          throw fsError(err, `the assets folder "${path.relative(ctx.workbookDir, wanted)}"`);
        }
      })();
      ctx.rowDirs.set(rowId, dir);
    }
    return dir;
  }
}

/** `1080x1350` stays; `1:1` (older records) → `1x1`; anything unexpected becomes `_`. */
function ratioSlug(ratio: string): string {
  return ratio.replace(/:/g, 'x').replace(/[^A-Za-z0-9.]/g, '_') || 'image';
}

/** The file type from the bytes (what the data is), else from the key, else `bin`. */
function extensionOf(data: Buffer, key: string): string {
  if (data.length >= 8 && data.readUInt32BE(0) === 0x89504e47) return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (data.length >= 4 && data.toString('latin1', 0, 4) === 'GIF8') return 'gif';
  if (data.length >= 12 && data.toString('latin1', 4, 12) === 'ftypavif') return 'avif';
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(key);
  return m ? m[1]!.toLowerCase() : 'bin';
}

/**
 * Copies one asset file. Identical files (a re-sent row) are left alone; a new file is
 * created exclusively (`wx`: never through a planted symlink); an existing, different file
 * is replaced atomically (temp + rename), because the workbook may already link to it.
 * Asset files are not fsync'd: syncing 20,000 small files made a 10,000-row write take
 * ~17 s instead of ~3 s. After a power cut an image may be truncated until its row is
 * written again (the bytes are compared then). The workbook itself is always fsync'd, and
 * written only after every copy finished, so it never links to a file still being written.
 */
async function copyFile(dest: string, data: Buffer): Promise<void> {
  let size: number | null = null;
  try {
    size = (await stat(dest)).size;
  } catch {
    // absent
  }
  if (size === null) {
    try {
      await writeFile(dest, data, { flag: 'wx', mode: 0o644 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        await rm(dest, { force: true }).catch(() => undefined);
        throw err;
      }
    }
  } else if (size === data.length && (await readFile(dest)).equals(data)) {
    return;
  }
  await atomicWriteFile(dest, data, { mode: 0o644, durable: false });
}
