// The "New pack" form: choose or drop up to 6 images plus a logo; each is uploaded at once,
// one at a time, with its own progress; then Create sends the upload ids in list order.
import type { PackImageMode } from '../../../shared/contracts/packs';
import { MAX_PACK_IMAGES } from '../../../shared/limits';
import type { PackView, UploadView } from '../../server/rpc';
import { byId, el, replace, showBanner } from '../common/dom';
import { call, callOrShow, errorText } from '../common/rpc';
import { makeSortable, moveButtons } from './sortable';
import { modeSelect } from './mode-select';
import { prepareUpload } from './upload';

type Status = 'waiting' | 'uploading' | 'done' | 'failed';
interface Entry {
  key: string;
  file: File;
  preview: string;
  status: Status;
  message: string;
  upload: UploadView | null;
  mode: PackImageMode;
}

let entries: Entry[] = [];
let logoKey: string | null = null;
let nextKey = 1;
let queue: Promise<void> = Promise.resolve();

const STATUS_TEXT: Record<Status, string> = { waiting: 'Waiting…', uploading: 'Uploading…', done: 'Uploaded', failed: 'Failed' };

function styleImages(): Entry[] {
  return entries.filter((e) => e.key !== logoKey);
}

/** Create is usable once every chosen image is uploaded and one is not the logo. */
export function refreshButton(): void {
  const ready = entries.length > 0 && entries.every((e) => e.status === 'done') && styleImages().length > 0;
  byId<HTMLButtonElement>('create').disabled = !ready;
}

function setStatus(entry: Entry, status: Status, message = ''): void {
  entry.status = status;
  entry.message = message;
  const item = document.querySelector<HTMLElement>(`#new-images [data-id="${entry.key}"]`);
  if (item) {
    const progress = item.querySelector('progress');
    if (progress) {
      if (status === 'uploading') progress.removeAttribute('value');
      else progress.value = status === 'done' ? 1 : 0;
    }
    const text = item.querySelector('.status');
    if (text) text.textContent = message ? `${STATUS_TEXT[status]}: ${message}` : STATUS_TEXT[status];
    item.dataset.status = status;
  }
  refreshButton();
}

function render(): void {
  const list = byId('new-images');
  replace(list, ...entries.map((entry, i) => {
    const label = `image ${i + 1} (${entry.file.name})`;
    const isLogo = entry.key === logoKey;
    const logo = el('input', { type: 'radio', name: 'logo', value: entry.key, checked: isLogo, 'aria-label': `Use ${label} as the logo` });
    logo.addEventListener('change', () => {
      logoKey = entry.key;
      render();
    });
    const remove = el('button', { type: 'button', class: 'small danger', 'aria-label': `Remove ${label}` }, '✕');
    remove.addEventListener('click', () => {
      entries = entries.filter((e) => e !== entry);
      if (logoKey === entry.key) logoKey = null;
      URL.revokeObjectURL(entry.preview);
      render();
    });
    const item = el('li', { 'data-id': entry.key, 'data-status': entry.status, class: 'new-image' });
    item.append(
      el('img', { class: 'thumb', src: entry.upload?.thumbnailUrl ?? entry.preview, alt: entry.file.name }),
      el('div', { class: 'grow' },
        el('div', { class: 'file-name' }, entry.file.name),
        el('progress', { max: 1, 'aria-label': `Upload of ${entry.file.name}`, ...(entry.status === 'uploading' ? {} : { value: entry.status === 'done' ? 1 : 0 }) }),
        el('div', { class: 'status muted', 'aria-live': 'polite' }, entry.message ? `${STATUS_TEXT[entry.status]}: ${entry.message}` : STATUS_TEXT[entry.status]),
        isLogo ? null : modeSelect(entry.mode, label, (mode) => { entry.mode = mode; }),
        el('div', { class: 'row' }, el('label', { class: 'inline' }, logo, 'Logo'), moveButtons(item, label, reorder), remove)));
    return item;
  }));
  makeSortable(list, reorder);
  refreshButton();
}

function reorder(keys: string[]): void {
  entries = keys.map((k) => entries.find((e) => e.key === k)).filter((e): e is Entry => e !== undefined);
}

async function uploadOne(entry: Entry): Promise<void> {
  if (!entries.includes(entry)) return;
  setStatus(entry, 'uploading');
  let result;
  try {
    result = await call('uploadPackImage', await prepareUpload(entry.file));
  } catch (err) {
    setStatus(entry, 'failed', err instanceof Error ? err.message : String(err));
    return;
  }
  if (!result.ok) {
    setStatus(entry, 'failed', errorText(result.error));
    return;
  }
  entry.upload = result.value;
  const img = document.querySelector<HTMLImageElement>(`#new-images [data-id="${entry.key}"] img`);
  if (img) img.src = result.value.thumbnailUrl;
  setStatus(entry, 'done');
}

export function addFiles(files: Iterable<File>): void {
  const images = [...files].filter((f) => f.type.startsWith('image/') || f.type === '');
  const room = MAX_PACK_IMAGES + 1 - entries.length;
  if (images.length > room) showBanner('error', `A pack holds up to ${MAX_PACK_IMAGES} images and a logo; ${images.length - Math.max(room, 0)} were left out.`);
  for (const file of images.slice(0, Math.max(room, 0))) {
    const entry: Entry = { key: `n${nextKey++}`, file, preview: URL.createObjectURL(file), status: 'waiting', message: '', upload: null, mode: 'style_and_composition' };
    entries.push(entry);
    queue = queue.then(() => uploadOne(entry));
  }
  render();
}

/** Create clicked: null when nothing was created (the banner says why). */
export async function createFromForm(): Promise<PackView | null> {
  const name = byId<HTMLInputElement>('pack-name').value.trim();
  if (name === '') {
    byId('pack-name').setAttribute('aria-invalid', 'true');
    showBanner('error', 'Give the pack a name.');
    return null;
  }
  byId('pack-name').setAttribute('aria-invalid', 'false');
  const style = styleImages();
  if (style.length > MAX_PACK_IMAGES) {
    showBanner('error', `A pack holds up to ${MAX_PACK_IMAGES} images besides the logo; remove ${style.length - MAX_PACK_IMAGES}.`);
    return null;
  }
  const logo = entries.find((e) => e.key === logoKey);
  const pack = await callOrShow('createPack', {
    name,
    images: style.map((e) => ({ uploadId: e.upload?.uploadId ?? '', mode: e.mode })),
    logoUploadId: logo?.upload?.uploadId ?? null,
  });
  if (!pack) return null;
  for (const e of entries) URL.revokeObjectURL(e.preview);
  entries = [];
  logoKey = null;
  byId<HTMLInputElement>('pack-name').value = '';
  render();
  return pack;
}
