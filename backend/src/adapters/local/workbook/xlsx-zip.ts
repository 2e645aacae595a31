// Zip-level help for exceljs, which is slow with many embedded images: it reads every
// image through jszip/pako streams, and writes deflate every JPEG again in pure JS although
// images do not compress.
//
// - `stripMedia` + `attachPlaceholders` keep the image bytes away from exceljs: it loads the
//   workbook with empty media files and works with placeholders. With 10,000 thumbnails,
//   loading went from ~10–20 s to ~2.3 s on a busy 2-core machine.
// - `repackXlsx` takes exceljs' uncompressed output, puts the original image bytes back in
//   place of the placeholders, deflates the XML parts with fflate and stores the images as
//   they are. With 2,000 25 KB thumbnails: write 3.9 s → 1.3 s, same file size.
import { randomBytes } from 'node:crypto';
import { strFromU8, unzipSync, Zip, ZipDeflate, zipSync } from 'fflate';

export interface StrippedXlsx {
  /** The workbook with empty media files, for exceljs to load. */
  zip: Buffer;
  /** Original media bytes by zip entry name (`xl/media/image1.png`). */
  originals: Map<string, Uint8Array>;
}

const PLACEHOLDER_PREFIX = 'ROWSHOT-MEDIA-PLACEHOLDER:';

/**
 * Empties every `xl/media/*` file before exceljs loads the workbook. exceljs still reads
 * the drawings, so pictures can be listed, moved and removed; `attachPlaceholders` then gives
 * each image a placeholder that `repackXlsx` swaps back for the original bytes. An empty
 * file also skips exceljs' fixed per-image cost (a 1 MB buffer each): 10,000 pictures load
 * in ~2.3 s instead of ~10–20 s. `drop` removes the media files instead (read-only use).
 */
export function stripMedia(buf: Buffer, options: { drop?: boolean } = {}): StrippedXlsx {
  const files = unzipSync(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  const originals = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) {
    if (!name.startsWith('xl/media/') || name.endsWith('/')) continue;
    if (options.drop) {
      delete files[name];
    } else {
      originals.set(name, data);
      files[name] = new Uint8Array(0);
    }
  }
  return { zip: Buffer.from(zipSync(files, { level: 0 })), originals };
}

interface LoadedMedium {
  type: string;
  name?: string;
  extension?: string;
  buffer?: Buffer | null;
}

/**
 * Gives each image exceljs loaded empty a placeholder buffer naming its original bytes;
 * returns placeholder → original bytes for `repackXlsx`. A random token per load means no
 * real image can be mistaken for a placeholder.
 */
export function attachPlaceholders(media: LoadedMedium[], originals: ReadonlyMap<string, Uint8Array>): Map<string, Uint8Array> {
  const token = randomBytes(8).toString('hex');
  const byPlaceholder = new Map<string, Uint8Array>();
  for (const m of media) {
    if (m.type !== 'image' || (m.buffer && m.buffer.length > 0)) continue;
    const entry = `xl/media/${m.name}.${m.extension}`;
    const placeholder = `${PLACEHOLDER_PREFIX}${token}:${entry}`;
    const original = originals.get(entry);
    if (original !== undefined) byPlaceholder.set(placeholder, original);
    m.buffer = Buffer.from(placeholder, 'latin1');
  }
  return byPlaceholder;
}

/** Entries handled between yields to the event loop, so a big workbook does not stall a server. */
const ENTRIES_PER_TICK = 100;

/**
 * Re-packs exceljs' uncompressed output: placeholders replaced by the original bytes, XML
 * deflated, images stored. Throws rather than ever writing a placeholder into a workbook.
 */
export async function repackXlsx(stored: Uint8Array, media: ReadonlyMap<string, Uint8Array> = new Map()): Promise<Buffer> {
  const files = unzipSync(stored);
  const chunks: Uint8Array[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const zip = new Zip((err, chunk, final) => {
      if (err) {
        reject(err);
        return;
      }
      chunks.push(chunk);
      if (final) resolve();
    });
    void (async () => {
      try {
        let n = 0;
        for (const [name, raw] of Object.entries(files)) {
          if (name.endsWith('/')) continue; // folder entries: not needed in a package
          let data: Uint8Array = raw;
          const isMedia = name.startsWith('xl/media/');
          if (isMedia && raw.length < 256) {
            const text = strFromU8(raw, true);
            if (text.startsWith(PLACEHOLDER_PREFIX)) {
              const original = media.get(text);
              if (original === undefined) throw new Error(`image ${name} was lost while rewriting the workbook`);
              data = original;
            }
          }
          // Images: deflate level 0 (stored blocks) rather than the "stored" method, so every
          // entry has the common deflate + data-descriptor form that streaming zips use.
          const entry = new ZipDeflate(name, { level: isMedia && isPrecompressed(name) ? 0 : 6 });
          zip.add(entry);
          entry.push(data, true);
          if (++n % ENTRIES_PER_TICK === 0) await new Promise((r) => setImmediate(r));
        }
        zip.end();
      } catch (err) {
        reject(err);
      }
    })();
  });
  await done;
  return Buffer.concat(chunks);
}

function isPrecompressed(name: string): boolean {
  return /\.(png|jpe?g|gif|webp)$/i.test(name);
}
