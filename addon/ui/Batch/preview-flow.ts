// Preview: one row of the scope made now and shown here. A paid row shows its price and is made
// only after "Make preview"; the price confirmed is sent back, so a row whose price changed
// since asks again.
import type { PreviewView, Scope } from '../../server/rpc';
import { byId, clearBanner, el, replace, showBanner } from '../common/dom';
import { plural, usd } from '../common/format';
import { callOrShow } from '../common/rpc';
import { textDefault } from './run-flow';

let pending: { scope: Scope; usd: number } | null = null;

function hideAsk(): void {
  pending = null;
  byId('preview-confirm').hidden = true;
}

function render(view: PreviewView): void {
  const made = view.made;
  if (!made) return;
  byId('preview-view').hidden = false;
  const cost = made.costUsd > 0 ? `, ${usd(made.costUsd)}` : ', free';
  byId('preview-text').textContent = `Row ${view.row}: ${plural(made.images.length, 'image')} (${made.provider}${cost})`;
  replace(byId('preview-images'), ...made.images.map((img) =>
    el('li', {},
      el('a', { href: img.url, target: '_blank', rel: 'noopener', title: `Open ${img.aspectRatio} v${img.variant} full size` },
        el('img', { src: img.thumbnailUrl, alt: `Row ${view.row}, ${img.aspectRatio}, variant ${img.variant}`, loading: 'lazy' })),
      el('span', { class: 'muted' }, `${img.aspectRatio} · v${img.variant}`))));
  replace(byId('preview-notes'), ...made.notes.map((n) => el('li', {}, n)));
}

async function ask(scope: Scope, confirmedUsd?: number): Promise<void> {
  const text = textDefault();
  const view = await callOrShow('previewRow', { scope, ...(confirmedUsd === undefined ? {} : { confirmedUsd }), ...(text ? { textDefault: text } : {}) });
  if (!view) return;
  if (view.needsConfirmation) {
    pending = { scope, usd: view.estimatedUsd };
    const flag = view.flag ? ` It will fail: ${view.flag}.` : '';
    byId('preview-confirm-text').textContent = `A preview of row ${view.row} makes ${plural(view.images, 'image')} and costs ${usd(view.estimatedUsd)}.${flag} Make it?`;
    byId('preview-confirm').hidden = false;
    byId('preview-make').focus();
    return;
  }
  hideAsk();
  render(view);
}

export async function preview(scope: Scope): Promise<void> {
  clearBanner();
  hideAsk();
  await ask(scope);
}

export async function confirmPreview(): Promise<void> {
  if (!pending) return;
  const { scope, usd: price } = pending;
  await ask(scope, price);
}

export function cancelPreview(): void {
  hideAsk();
  showBanner('info', 'No preview was made.');
}
