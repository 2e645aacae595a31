// The brand kit's fonts in the kit form: the headline's and the subline's font, each replaced by
// choosing a TTF, OTF, WOFF or WOFF2 file (sent at once; the backend sniffs and checks it and
// makes a new kit version) or returned to Rowshot's fonts. A refused file leaves the kit as it was.
import type { PackFontPart } from '../../../shared/contracts/packs';
import type { PackView } from '../../server/rpc';
import { el, showBanner, whileBusy } from '../common/dom';
import { callOrShow } from '../common/rpc';
import { toBase64 } from './upload';

const ACCEPT = '.ttf,.otf,.woff,.woff2,font/ttf,font/otf,font/woff,font/woff2';
const PARTS: { part: Exclude<PackFontPart, 'both'>; label: string }[] = [
  { part: 'headline', label: 'Headline font' },
  { part: 'subline', label: 'Subline font' },
];

const familyOf = (pack: PackView, part: 'headline' | 'subline'): string | null =>
  (part === 'headline' ? pack.brandKit?.headlineFont : pack.brandKit?.sublineFont) ?? null;

/** `changed` gets the pack after each font change, so the card can show the new kit. */
export function kitFonts(pack: PackView, changed: (updated: PackView) => void): HTMLFieldSetElement {
  let current = pack;
  const rows = PARTS.map(({ part, label }) => {
    const name = el('span', { class: 'font-name', 'data-part': part });
    const input = el('input', { type: 'file', accept: ACCEPT, class: 'font-file', 'aria-label': `${label} file` });
    const choose = el('button', { type: 'button', class: 'small font-choose' }, 'Choose file…');
    const reset = el('button', { type: 'button', class: 'small font-reset' }, "Use Rowshot's");
    const show = (): void => {
      const family = familyOf(current, part);
      name.textContent = family ?? "Rowshot's fonts";
      reset.hidden = family === null;
    };
    const apply = async (base64: string | null, fileName: string): Promise<void> => {
      const updated = await callOrShow('setPackFont', { id: pack.id, part, fileName, base64 });
      if (!updated) return; // the banner names the file and why it was refused
      current = updated;
      show();
      changed(updated);
      const family = familyOf(updated, part);
      showBanner('success', family
        ? `${label} of “${pack.name}” is now ${family} (brand kit version ${updated.brandKit?.version ?? 1}).`
        : `${label} of “${pack.name}” is Rowshot's again (brand kit version ${updated.brandKit?.version ?? 1}).`);
    };
    choose.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (!file) return;
      void whileBusy(choose, async () => apply(await toBase64(file), file.name)).finally(() => { input.value = ''; });
    });
    reset.addEventListener('click', () => void whileBusy(reset, () => apply(null, '')));
    show();
    return el('div', { class: 'kit-field font-field' }, `${label} `, name, el('span', { class: 'font-actions' }, choose, reset, input));
  });
  return el('fieldset', { class: 'kit-fonts' }, el('legend', {}, 'Fonts'), ...rows);
}
