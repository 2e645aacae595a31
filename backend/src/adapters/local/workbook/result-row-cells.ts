// Writes one row's results into a workbook. What goes in each cell is decided once, in
// shared/result-cells.ts (also used by the Sheets target and the add-on); here a ResultCell
// only becomes a CSV field or an XLSX cell. The Image cell of an XLSX holds the embedded
// thumbnail; a CSV holds its path or URL as text.
import { resultCells, type OutputColumns, type OutputField, type ResultCell } from '../../../../../shared/index';
import type { RowWrite } from '../../../ports/sheet-target';
import type { EditableSheet } from './workbook';
import { XlsxSheet, type EmbedImage } from './xlsx-file';

/** A row's images as the workbook shows them: copied file paths (links: 'files') or URLs. */
export interface RowAssets {
  imageLines: string[];
  thumbLines: string[];
  /** The first thumbnail, ready to embed in an XLSX Image cell. */
  embed: EmbedImage | null;
  /** The approved version's images as the workbook shows them (copied paths or URLs). */
  approvedLines: string[];
}

export function writeResultRow(
  sheet: EditableSheet, rowNumber: number, columns: OutputColumns, w: RowWrite, assets: RowAssets,
): void {
  const cells = resultCells({
    state: w.state, reason: w.reason, provider: w.provider, costUsd: w.costUsd, batchId: w.batchId, updatedAt: w.updatedAt,
    // Provenance records are served, never copied: the workbook gets their links.
    images: assets.imageLines.map((url, i) => ({ url, thumbnailUrl: assets.thumbLines[i] ?? '', provenanceUrl: w.images[i]?.provenance?.url })),
    ...(w.version === undefined ? {} : { version: w.version }),
    ...(w.approved === undefined ? {} : { approved: w.approved && { version: w.approved.version, urls: assets.approvedLines } }),
  });
  for (const [field, cell] of Object.entries(cells) as [OutputField, ResultCell][]) {
    const col = columns[field];
    // A review column the sheet does not have is not written.
    if (col === undefined) continue;
    if (field === 'image' && sheet instanceof XlsxSheet) {
      sheet.setText(rowNumber, col, '');
      sheet.setImage(rowNumber, col, assets.embed);
    } else if (cell.kind === 'number') {
      sheet.setNumber(rowNumber, col, cell.value);
    } else {
      // Workbooks never get a formula: an image URL is written as text.
      sheet.setText(rowNumber, col, cell.kind === 'text' ? cell.text : cell.url);
    }
  }
}
