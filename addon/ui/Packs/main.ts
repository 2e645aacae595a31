// Packs sidebar: the gallery and the New pack form.
import type { PackView } from '../../server/rpc';
import { byId, clearBanner, showBanner, whileBusy } from '../common/dom';
import { plural } from '../common/format';
import { callOrShow } from '../common/rpc';
import { addFiles, createFromForm, refreshButton } from './create-form';
import { packCard, renderGallery, type GalleryEvents } from './gallery';

let packs: PackView[] = [];

const events: GalleryEvents = {
  changed(pack) {
    packs = packs.map((p) => (p.id === pack.id ? pack : p));
    // Re-render just this card, so focus elsewhere in the gallery stays put.
    document.querySelector(`#packs [data-pack-id="${CSS.escape(pack.id)}"]`)?.replaceWith(packCard(pack, events));
  },
  deleted(id) {
    packs = packs.filter((p) => p.id !== id);
    renderGallery(packs, events);
  },
};

async function loadPacks(): Promise<void> {
  const list = await callOrShow('listPacks');
  byId('packs').setAttribute('aria-busy', 'false');
  if (!list) return;
  packs = list;
  renderGallery(packs, events);
}

const fileInput = byId<HTMLInputElement>('pack-files');
fileInput.addEventListener('change', () => {
  clearBanner();
  if (fileInput.files) addFiles(fileInput.files);
  fileInput.value = '';
});

const dropZone = byId('drop-zone');
dropZone.addEventListener('dragover', (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  e.preventDefault();
  dropZone.classList.add('over');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('over'));
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  dropZone.classList.remove('over');
  if (e.dataTransfer?.files) addFiles(e.dataTransfer.files);
});

const createButton = byId<HTMLButtonElement>('create');
byId('create-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void whileBusy(createButton, async () => {
    clearBanner();
    const pack = await createFromForm();
    if (!pack) return;
    showBanner('success', `Created “${pack.name}” with ${plural(pack.images.length, 'image')}.`);
    packs = [...packs.filter((p) => p.id !== pack.id), pack];
    renderGallery(packs, events);
  }).then(refreshButton); // whileBusy re-enabled it; the form decides whether it can be used
});

const dropdownButton = byId<HTMLButtonElement>('dropdown');
dropdownButton.addEventListener('click', () => void whileBusy(dropdownButton, async () => {
  const added = await callOrShow('applyPackDropdown');
  if (added) showBanner('success', `Added a dropdown of ${plural(added.packs, 'pack')} to ${plural(added.rows, 'row')} of the Reference pack column.`);
}));

void loadPacks();
