// The brand kit of a pack, edited inline: colours, scrim, text position and alignment, logo
// corner, headline size limit, safe margin, and the fonts (kit-fonts.ts). Empty means automatic
// (the field is reset); the backend checks every field against the shared schema and the
// banner names each bad one.
import type { BrandKitPatch, BrandKitStyle } from '../../../shared/contracts/brand-kit';
import type { PackView } from '../../server/rpc';
import { el, showBanner, whileBusy } from '../common/dom';
import { callOrShow } from '../common/rpc';
import { kitFonts } from './kit-fonts';

const CHOICES = {
  scrim: ['none', 'gradient', 'band', 'plate'],
  position: ['top', 'center', 'bottom'],
  align: ['start', 'center', 'end'],
  logoPosition: ['top-left', 'top-right', 'bottom-left', 'bottom-right'],
} as const;

function choice(name: keyof typeof CHOICES, label: string, current: string | undefined): HTMLLabelElement {
  const select = el('select', { name, 'aria-label': label },
    el('option', { value: '', selected: current === undefined }, 'Automatic'),
    ...CHOICES[name].map((v) => el('option', { value: v, selected: v === current }, v)));
  return el('label', { class: 'kit-field' }, `${label} `, select);
}

function text(name: string, label: string, current: string | number | undefined, placeholder: string): HTMLLabelElement {
  return el('label', { class: 'kit-field' }, `${label} `, el('input', { type: 'text', name, 'aria-label': label, value: current === undefined ? '' : String(current), placeholder }));
}

/** The form's values as a patch: an empty field resets, a number field is sent as a number. */
function patchOf(form: HTMLFormElement, style: BrandKitStyle): BrandKitPatch {
  const value = (name: string): string => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value.trim() ?? '';
  const patch: Record<string, unknown> = {};
  for (const name of ['headlineColor', 'sublineColor', ...Object.keys(CHOICES)]) patch[name] = value(name) === '' ? null : value(name);
  // Not a number: sent as typed, so the backend names the field instead of it being dropped.
  const num = (v: string, scale = 1): number | string => (/^\d+(\.\d+)?$/.test(v) ? Number(v) / scale : v);
  const max = value('headlineMax');
  patch.headlineSize = max === '' ? (style.headlineSize?.min === undefined ? null : { min: style.headlineSize.min }) : { ...style.headlineSize, max: num(max) };
  const margin = value('safeMargin');
  patch.safeMargin = margin === '' ? null : num(margin, 100);
  return patch as BrandKitPatch;
}

export function kitForm(pack: PackView, done: (updated: PackView | null) => void): HTMLFormElement {
  const style = pack.brandKit?.style ?? {};
  const save = el('button', { type: 'submit', class: 'small primary' }, 'Save brand kit');
  const cancel = el('button', { type: 'button', class: 'small' }, 'Cancel');
  // A font change is saved at once; Cancel then still shows the pack with its new fonts.
  let fontChanged: PackView | null = null;
  const form = el('form', { class: 'kit', 'aria-label': `Brand kit of ${pack.name}` },
    text('headlineColor', 'Headline colour', style.headlineColor, '#rrggbb or auto'),
    text('sublineColor', 'Subline colour', style.sublineColor, 'same as headline'),
    choice('scrim', 'Scrim', style.scrim),
    choice('position', 'Text position', style.position === 'auto' ? undefined : style.position),
    choice('align', 'Alignment', style.align),
    choice('logoPosition', 'Logo corner', style.logoPosition === 'auto' ? undefined : style.logoPosition),
    text('headlineMax', 'Largest headline (px)', style.headlineSize?.max, 'automatic'),
    text('safeMargin', 'Safe margin (% of short edge)', style.safeMargin === undefined ? undefined : Math.round(style.safeMargin * 1000) / 10, '7'),
    kitFonts(pack, (updated) => { fontChanged = updated; }),
    el('div', { class: 'actions' }, save, cancel));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void whileBusy(save, async () => {
      const updated = await callOrShow('updatePack', { id: pack.id, brandKit: patchOf(form, style) });
      if (!updated) return; // the banner says which fields are wrong; the form stays open
      showBanner('success', `Saved the brand kit of “${pack.name}” (version ${updated.brandKit?.version ?? 1}). New rows use it.`);
      done(updated);
    });
  });
  cancel.addEventListener('click', () => done(fontChanged));
  return form;
}
