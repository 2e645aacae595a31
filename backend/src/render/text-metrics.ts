// Text measurement for DejaVu Sans (regular and bold), the font the template renderer uses.
//
// Why a table: librsvg (sharp's SVG renderer) exposes no text-metrics API. Measuring by
// rendering and trimming with sharp costs several milliseconds per string, and shrink-to-fit
// needs dozens of measurements per image, which would break the 10 images/s budget. So widths
// come from the fonts' own advance widths (the `hmtx` table of DejaVuSans.ttf and
// DejaVuSans-Bold.ttf, 2048 units per em) for ASCII, Latin-1 and Latin Extended-A, plus common
// typographic punctuation. That is exact for those characters except kerning, which only ever
// narrows pairs, so estimates are slightly conservative (text never overflows because of it).
// Other scripts use the average lowercase advance, East Asian wide characters and emoji one
// em, combining marks zero. A test compares the estimate with a real librsvg render.

const UNITS_PER_EM = 2048;

/** hhea ascender / descender of both weights, in em. */
export const FONT_ASCENT = 1901 / UNITS_PER_EM;
export const FONT_DESCENT = 483 / UNITS_PER_EM;
export const FONT_FAMILY = 'DejaVu Sans';

// Advance widths for U+0020–U+007E followed by U+00A0–U+017F.
const REGULAR = [
  651,821,942,1716,1303,1946,1597,563,799,799,1024,1716,651,739,651,690,1303,1303,1303,1303,1303,1303,1303,1303,
  1303,1303,690,690,1716,1716,1716,1087,2048,1401,1405,1430,1577,1294,1178,1587,1540,604,604,1343,1141,1767,1532,1612,
  1235,1612,1423,1300,1251,1499,1401,2025,1403,1251,1403,799,690,799,1716,1024,1024,1255,1300,1126,1300,1260,721,1300,
  1298,569,569,1186,569,1995,1298,1253,1300,1300,842,1067,803,1298,1212,1675,1212,1212,1075,1303,690,1303,1716,651,
  821,1303,1303,1303,1303,690,1024,1024,2048,965,1253,1716,739,2048,1024,1024,1716,821,821,1024,1303,1303,651,1024,
  821,965,1253,1985,1985,1985,1087,1401,1401,1401,1401,1401,1401,1995,1430,1294,1294,1294,1294,604,604,604,604,1587,
  1532,1612,1612,1612,1612,1612,1716,1612,1499,1499,1499,1499,1251,1239,1290,1255,1255,1255,1255,1255,1255,2011,1126,1260,
  1260,1260,1260,569,569,569,569,1253,1298,1253,1253,1253,1253,1253,1716,1253,1298,1298,1298,1298,1212,1300,1212,1401,
  1255,1401,1255,1401,1255,1430,1126,1430,1126,1430,1126,1430,1126,1577,1300,1587,1300,1294,1260,1294,1260,1294,1260,1294,
  1260,1294,1260,1587,1300,1587,1300,1587,1300,1587,1300,1540,1298,1876,1423,604,569,604,569,604,569,604,569,604,
  569,1208,1138,604,569,1343,1186,1186,1141,569,1141,569,1141,768,1141,700,1151,582,1532,1298,1532,1298,1532,1298,
  1666,1532,1298,1612,1253,1612,1253,1612,1253,2191,2095,1423,842,1423,842,1423,842,1300,1067,1300,1067,1300,1067,1300,
  1067,1251,803,1251,803,1251,803,1499,1298,1499,1298,1499,1298,1499,1298,1499,1298,1499,1298,2025,1675,1251,1212,1251,
  1403,1075,1403,1075,1403,1075,721,
];
const BOLD = [
  713,934,1067,1716,1425,2052,1786,627,936,936,1071,1716,778,850,778,748,1425,1425,1425,1425,1425,1425,1425,1425,
  1425,1425,819,819,1716,1716,1716,1188,2048,1585,1561,1503,1700,1399,1399,1681,1714,762,762,1587,1305,2038,1714,1741,
  1501,1741,1577,1475,1397,1663,1585,2259,1579,1483,1485,936,748,936,1716,1024,1024,1382,1466,1214,1466,1389,891,1466,
  1458,702,702,1362,702,2134,1458,1407,1466,1466,1010,1219,979,1458,1335,1892,1321,1335,1192,1458,748,1458,1716,713,
  934,1425,1425,1303,1425,748,1024,1024,2048,1155,1323,1716,850,2048,1024,1024,1716,897,897,1024,1507,1303,778,1024,
  897,1155,1323,2120,2120,2120,1188,1585,1585,1585,1585,1585,1585,2222,1503,1399,1399,1399,1399,762,762,762,762,1716,
  1714,1741,1741,1741,1741,1741,1716,1741,1663,1663,1663,1663,1483,1511,1473,1382,1382,1382,1382,1382,1382,2146,1214,1389,
  1389,1389,1389,702,702,702,702,1407,1458,1407,1407,1407,1407,1407,1716,1407,1458,1458,1458,1458,1335,1466,1335,1585,
  1382,1585,1382,1585,1382,1503,1214,1503,1214,1503,1214,1503,1214,1700,1466,1716,1466,1399,1389,1399,1389,1399,1389,1399,
  1389,1399,1389,1681,1466,1681,1466,1681,1466,1681,1466,1714,1458,1994,1618,762,702,762,702,762,702,762,702,762,
  702,1524,1404,762,702,1587,1362,1362,1305,702,1305,702,1305,982,1305,1140,1315,760,1714,1458,1714,1458,1714,1458,
  2013,1714,1458,1741,1407,1741,1407,1741,1407,2390,2241,1577,1010,1577,1010,1577,1010,1475,1219,1475,1219,1475,1219,1475,
  1219,1397,979,1397,979,1397,979,1663,1458,1663,1458,1663,1458,1663,1458,1663,1458,1663,1458,2259,1892,1483,1335,1483,
  1485,1192,1485,1192,1485,1192,891,
];

const REGULAR_EXTRA: Record<number, number> = {
  0x2013: 1024, 0x2014: 2048, 0x2018: 651, 0x2019: 651, 0x201a: 651, 0x201c: 1061,
  0x201d: 1061, 0x201e: 1061, 0x2022: 1208, 0x2026: 2048, 0x20ac: 1303, 0x2122: 2048,
};
const BOLD_EXTRA: Record<number, number> = {
  0x2013: 1024, 0x2014: 2048, 0x2018: 778, 0x2019: 778, 0x201a: 778, 0x201c: 1346,
  0x201d: 1346, 0x201e: 1346, 0x2022: 1309, 0x2026: 2048, 0x20ac: 1425, 0x2122: 2048,
};

/** Average advance of a–z: the guess for letters of other scripts (Cyrillic, Greek, …). */
const REGULAR_AVERAGE = 1154;
const BOLD_AVERAGE = 1303;

function isZeroWidth(cp: number): boolean {
  return (
    (cp >= 0x0300 && cp <= 0x036f) || // combining diacritics
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space/joiners, direction marks
    (cp >= 0xfe00 && cp <= 0xfe0f) // variation selectors
  );
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f000 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Advance width of one code point in font units (2048 per em). */
function advance(cp: number, bold: boolean): number {
  const table = bold ? BOLD : REGULAR;
  let w: number | undefined;
  if (cp >= 0x20 && cp <= 0x7e) w = table[cp - 0x20];
  else if (cp >= 0xa0 && cp <= 0x17f) w = table[cp - 0xa0 + 95];
  else w = (bold ? BOLD_EXTRA : REGULAR_EXTRA)[cp];
  if (w !== undefined) return w;
  if (isZeroWidth(cp)) return 0;
  if (isWide(cp)) return UNITS_PER_EM;
  return bold ? BOLD_AVERAGE : REGULAR_AVERAGE;
}

/** Estimated advance width in px of `text` set in DejaVu Sans at `fontSize` px. */
export function measureText(text: string, fontSize: number, bold: boolean): number {
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) ?? 0;
    if (cp > 0xffff) i++;
    units += advance(cp, bold);
  }
  return (units * fontSize) / UNITS_PER_EM;
}
