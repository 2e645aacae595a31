// Makes the two example workbooks: examples/greeting-cards.csv (work-anniversary cards for
// 20 people) and examples/campaign.xlsx (a formatted product campaign sheet plus a "Notes"
// sheet). They hold inputs only; Rowshot adds the output columns on the first run.
// Deterministic (fixed dates, fixed zip timestamps), so re-running gives the same bytes.
//   node bin/run-ts.mjs examples/make-workbooks.ts
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXED_DATE = new Date('2025-01-06T09:00:00Z');

// ------------------------------------------------------------------ greeting cards (CSV)

interface Person {
  name: string;
  team: string;
  years: number;
  pack?: '';
  ratios?: string;
  logo?: 'no';
  prompt?: string;
}

const PROMPT = 'Warm celebratory work-anniversary card for {{Name}} from the {{Team}} team, confetti, soft light';

const PEOPLE: Person[] = [
  { name: 'Aisha Bello', team: 'Engineering', years: 5 },
  { name: 'Kenji Watanabe', team: 'Design', years: 3, ratios: '1:1, 9:16' },
  { name: 'Priya Raman', team: 'Finance', years: 10, prompt: 'Elegant gold-foil work-anniversary card for {{Name}} from the {{Team}} team, ten candles, warm bokeh' },
  { name: 'Mateus Oliveira', team: 'Sales', years: 2 },
  { name: 'Siobhán O’Connor', team: 'Customer Success', years: 7, ratios: '4:5' },
  { name: 'Lars Johansson', team: 'Operations', years: 1 },
  { name: 'Chloé Martin', team: 'Marketing', years: 4, logo: 'no' },
  { name: 'Oluwaseun Adeyemi', team: 'Engineering', years: 6 },
  { name: 'Mei Lin Chen', team: 'People', years: 12, ratios: '1:1, 9:16' },
  { name: 'Diego Ramírez', team: 'Sales', years: 3, pack: '' },
  { name: 'Hannah Schmidt', team: 'Finance', years: 8 },
  { name: 'Arjun Mehta', team: 'Engineering', years: 2, ratios: '4:5' },
  { name: 'Fatima Zahra El Idrissi', team: 'Design', years: 5 },
  { name: 'Tomasz Kowalski', team: 'Operations', years: 15, prompt: 'Festive work-anniversary card for {{Name}} from the {{Team}} team, paper lanterns, streamers, golden hour light' },
  { name: 'Amara Okafor', team: 'Customer Success', years: 1, logo: 'no' },
  { name: 'Yuki Tanaka', team: 'Marketing', years: 9, pack: '' },
  { name: 'Rafael Costa', team: 'Engineering', years: 4 },
  { name: 'Ingrid Nilsen', team: 'People', years: 20, ratios: '1:1, 9:16' },
  { name: 'Omar Haddad', team: 'Sales', years: 6, pack: '', logo: 'no' },
  { name: 'Grace Kim', team: 'Design', years: 3 },
];

export function greetingCardsCsv(): string {
  const header = ['Name', 'Team', 'Years', 'Prompt', 'Headline', 'Subline', 'Reference pack', 'Aspect ratios', 'Logo'];
  const rows = PEOPLE.map((p) => [
    p.name,
    p.team,
    String(p.years),
    p.prompt ?? PROMPT,
    p.years === 1 ? 'Happy first work anniversary, {{Name}}!' : 'Happy {{Years}} years, {{Name}}!',
    p.years >= 10 ? 'A decade and more of great work. Thank you from the {{Team}} team' : 'With thanks from the {{Team}} team',
    p.pack ?? 'celebration',
    p.ratios ?? '1:1',
    p.logo ?? 'yes',
  ]);
  // A UTF-8 BOM and CRLF: what Excel's "CSV UTF-8" writes, so accented names open correctly.
  return stringify([header, ...rows], { bom: true, record_delimiter: 'windows' });
}

// ------------------------------------------------------------------ campaign (XLSX)

const PRODUCTS: { product: string; tagline: string; ratios: string; variants: number }[] = [
  { product: 'Aurora Desk Lamp', tagline: 'Glow where you work', ratios: '1:1, 4:5, 16:9', variants: 2 },
  { product: 'Tidewater Bottle', tagline: 'Cold for 24 hours', ratios: '1:1, 9:16', variants: 1 },
  { product: 'Summit Trail Pack', tagline: 'Carry less, go further', ratios: '1:1, 4:5, 16:9', variants: 1 },
  { product: 'Ember Pour-Over Kettle', tagline: 'Precision in every pour', ratios: '4:5, 16:9', variants: 2 },
  { product: 'Nimbus Wireless Earbuds', tagline: 'Quiet, on demand', ratios: '1:1, 9:16, 16:9', variants: 1 },
  { product: 'Fern Linen Throw', tagline: 'Soft as a Sunday', ratios: '1:1, 4:5', variants: 2 },
];

const CAMPAIGN_PROMPT = 'Studio product photo of the {{Product}} on a warm oak table, morning window light, soft shadows, shallow depth of field';

export async function campaignXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Rowshot examples';
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;

  const ws = wb.addWorksheet('Campaign', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: 'Product', key: 'product', width: 26 },
    { header: 'Tagline', key: 'tagline', width: 26 },
    { header: 'Prompt', key: 'prompt', width: 60 },
    { header: 'Headline', key: 'headline', width: 14 },
    { header: 'Subline', key: 'subline', width: 14 },
    { header: 'Reference pack', key: 'pack', width: 16 },
    { header: 'Aspect ratios', key: 'ratios', width: 18 },
    { header: 'Variants', key: 'variants', width: 10 },
    { header: 'Logo', key: 'logo', width: 8 },
  ];
  const header = ws.getRow(1);
  header.height = 22;
  header.eachCell((cell) => {
    cell.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF2F5D62' } };
    cell.alignment = { vertical: 'middle' };
  });
  for (const p of PRODUCTS) {
    const row = ws.addRow({
      product: p.product,
      tagline: p.tagline,
      prompt: CAMPAIGN_PROMPT,
      headline: '{{Product}}',
      subline: '{{Tagline}}',
      pack: 'campaign',
      ratios: p.ratios,
      variants: p.variants,
      logo: 'yes',
    });
    row.getCell('prompt').alignment = { wrapText: true, vertical: 'top' };
    row.getCell('product').font = { bold: true };
  }

  const notes = wb.addWorksheet('Notes');
  notes.getColumn(1).width = 90;
  notes.getCell('A1').value = 'Spring launch: approved product names and taglines (legal sign-off 2025-01-06). Do not edit the Campaign sheet headers.';

  // Re-zipped with fixed timestamps so the committed file only changes when its content does.
  const files = unzipSync(new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer));
  for (const name of Object.keys(files)) if (name.endsWith('/')) delete files[name];
  return Buffer.from(zipSync(files, { level: 6, mtime: FIXED_DATE }));
}

/** Writes both workbooks into `dir` (tests use this for pristine copies: the quick start writes results into the committed ones). */
export async function writeExampleWorkbooks(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'greeting-cards.csv'), greetingCardsCsv());
  await writeFile(path.join(dir, 'campaign.xlsx'), await campaignXlsx());
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeExampleWorkbooks(HERE);
  console.log('wrote examples/greeting-cards.csv and examples/campaign.xlsx');
}
