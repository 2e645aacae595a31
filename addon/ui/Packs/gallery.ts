// The packs gallery: thumbnails, per-image mode and order, rename, delete, insert the name.
import type { PackImageMode } from '../../../shared/contracts/packs';
import type { PackImageView, PackView } from '../../server/rpc';
import { byId, confirmInline, el, replace, showBanner, whileBusy } from '../common/dom';
import { plural } from '../common/format';
import { callOrShow } from '../common/rpc';
import { kitForm } from './kit-form';
import { modeSelect } from './mode-select';
import { makeSortable, moveButtons } from './sortable';

export interface GalleryEvents {
  /** A pack changed on the server (rename, order, mode): re-render it. */
  changed(pack: PackView): void;
  deleted(id: string): void;
}

async function patch(pack: PackView, change: { name?: string; order?: string[]; modes?: Record<string, PackImageMode> }, events: GalleryEvents): Promise<boolean> {
  const updated = await callOrShow('updatePack', { id: pack.id, ...change });
  events.changed(updated ?? pack); // on failure, put the old state back on screen
  return updated !== null;
}

function imageTile(pack: PackView, image: PackImageView, i: number, events: GalleryEvents): HTMLLIElement {
  const label = `image ${i + 1} of ${pack.name}`;
  const tile = el('li', { 'data-id': image.id, class: 'tile' },
    el('img', { class: 'thumb', src: image.thumbnailUrl, alt: `${pack.name}: image ${i + 1}`, width: 84, height: 84, loading: 'lazy' }));
  tile.append(
    modeSelect(image.mode, label, (mode) => void patch(pack, { modes: { [image.id]: mode } }, events)),
    moveButtons(tile, label, (order) => void patch(pack, { order }, events)));
  return tile;
}

function renameForm(pack: PackView, title: HTMLElement, events: GalleryEvents): void {
  const input = el('input', { type: 'text', value: pack.name, 'aria-label': `New name for ${pack.name}`, maxlength: 100 });
  const save = el('button', { type: 'submit', class: 'small primary' }, 'Save');
  const cancel = el('button', { type: 'button', class: 'small' }, 'Cancel');
  const form = el('form', { class: 'row rename' }, el('span', { class: 'grow' }, input), save, cancel);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (name === '' || name === pack.name) return events.changed(pack);
    void whileBusy(save, async () => {
      if (await patch(pack, { name }, events)) showBanner('success', `Renamed to “${name}”. Rows that named “${pack.name}” need the new name.`);
    });
  });
  cancel.addEventListener('click', () => events.changed(pack));
  title.replaceWith(form);
  input.focus();
  input.select();
}

function deleteConfirm(pack: PackView, actions: HTMLElement, events: GalleryEvents): void {
  confirmInline(actions, {
    label: `Delete ${pack.name}?`,
    text: `Delete “${pack.name}”? Rows that name it will fail until you pick another pack.`,
    confirm: async () => {
      if (!(await callOrShow('deletePack', pack.id))) return;
      showBanner('success', `Deleted “${pack.name}”.`);
      events.deleted(pack.id);
    },
  });
}

export function packCard(pack: PackView, events: GalleryEvents): HTMLLIElement {
  const title = el('div', { class: 'card-title' }, el('strong', {}, pack.name), el('span', { class: 'muted' }, plural(pack.images.length, 'image')));
  const tiles = el('ul', { class: 'tiles', 'aria-label': `Images of ${pack.name}` }, ...pack.images.map((img, i) => imageTile(pack, img, i, events)));
  makeSortable(tiles, (order) => void patch(pack, { order }, events));
  const insert = el('button', { type: 'button', class: 'small insert' }, 'Insert name into selected cells');
  insert.addEventListener('click', () => void whileBusy(insert, async () => {
    const inserted = await callOrShow('insertPackName', pack.name);
    if (inserted) showBanner('success', `Put “${pack.name}” into ${plural(inserted.cells, 'cell')}.`);
  }));
  const rename = el('button', { type: 'button', class: 'small rename' }, 'Rename');
  rename.addEventListener('click', () => renameForm(pack, title, events));
  const remove = el('button', { type: 'button', class: 'small danger delete' }, 'Delete');
  const kit = el('button', { type: 'button', class: 'small kit-edit' }, 'Brand kit');
  const actions = el('div', { class: 'actions' }, insert, rename, kit, remove);
  kit.addEventListener('click', () => {
    const form = kitForm(pack, (updated) => (updated ? events.changed(updated) : form.replaceWith(actions)));
    actions.replaceWith(form);
    form.querySelector('input')?.focus();
  });
  remove.addEventListener('click', () => deleteConfirm(pack, actions, events));
  return el('li', { class: 'pack', 'data-pack-id': pack.id, 'data-pack-name': pack.name },
    title,
    tiles,
    pack.logo ? el('div', { class: 'row logo' }, el('span', { class: 'muted' }, 'Logo'), el('img', { class: 'logo-thumb', src: pack.logo.thumbnailUrl, alt: `${pack.name}: logo`, height: 32 })) : null,
    pack.brandKit ? el('div', { class: 'row kit-summary muted' }, kitSummary(pack.brandKit)) : null,
    pack.palette.length > 0 ? el('div', { class: 'palette', 'aria-label': 'Palette' }, ...pack.palette.map((c) => el('span', { class: 'swatch', title: c, style: `background:${/^#[0-9a-f]{3,8}$/i.test(c) ? c : 'transparent'}` }))) : null,
    actions);
}

/** One line about the kit: its version, fonts and the fields it sets. */
function kitSummary(kit: NonNullable<PackView['brandKit']>): string {
  const fonts = [...new Set([kit.headlineFont, kit.sublineFont].filter((f): f is string => f !== null))];
  const set = Object.entries(kit.style).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return `Brand kit v${kit.version}${fonts.length > 0 ? ` · ${fonts.join(', ')}` : ''}${set.length > 0 ? ` · ${set.join(', ')}` : ''}`;
}

export function renderGallery(packs: PackView[], events: GalleryEvents): void {
  const list = byId('packs');
  if (packs.length === 0) {
    replace(list, el('li', { class: 'muted' }, 'No packs yet. Create one below.'));
    return;
  }
  replace(list, ...[...packs].sort((a, b) => a.name.localeCompare(b.name)).map((p) => packCard(p, events)));
}
