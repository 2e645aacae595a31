// Yes/no cells as people type them: English words and letters, 1/0, check marks, a Sheets
// checkbox (TRUE/FALSE), and yes/no/true/false in the ten commonest UI languages (English,
// Chinese, Spanish, Hindi, Arabic, Portuguese, Russian, Japanese, German, French) plus Italian,
// Korean and Dutch, which spreadsheet users also type.
import { normalizeHeader } from './sheet-convention';

const YES = [
  'yes', 'y', 'true', '1', 'on', '✓', '✔', '✔️', '☑', '☑️', '✅',
  '是', '对', '真', '是的', // Chinese
  'sí', 'si', 'verdadero', // Spanish, Italian "si"
  'हाँ', 'हां', 'सही', // Hindi
  'نعم', 'صح', // Arabic
  'sim', 'verdadeiro', // Portuguese
  'да', 'истина', // Russian
  'はい', '真', // Japanese
  'ja', 'wahr', // German, Dutch "ja"
  'oui', 'vrai', // French
  'sì', 'vero', // Italian
  '예', '네', '참', // Korean
  'waar', // Dutch
];
const NO = [
  'no', 'n', 'false', '0', 'off', '✗', '✘', '❌', '☐', '×',
  '否', '不', '错', '假', '不是', // Chinese
  'falso', // Spanish, Portuguese, Italian
  'नहीं', 'गलत', // Hindi
  'لا', 'خطأ', // Arabic
  'não', 'nao', // Portuguese
  'нет', 'ложь', // Russian
  'いいえ', '偽', // Japanese
  'nein', 'falsch', // German
  'non', 'faux', // French
  '아니요', '아니오', '거짓', // Korean
  'nee', 'onwaar', // Dutch
];

// Case- and accent-insensitive (`SÍ`, `Nao`), as headers are; check marks keep their symbol.
const key = (text: string): string => normalizeHeader(text) || text.trim();
const YES_KEYS = new Set(YES.map(key));
const NO_KEYS = new Set(NO.map(key));

/** true, false, or null when the text is not a yes/no answer. An empty cell is no. */
export function parseYesNo(text: string): boolean | null {
  const t = text.trim();
  if (t === '') return false;
  const k = key(t);
  if (YES_KEYS.has(k)) return true;
  if (NO_KEYS.has(k)) return false;
  return null;
}
