// Reordering a list two ways: HTML5 drag and drop for the mouse, and earlier/later buttons for
// the keyboard. Both end in `onReorder(ids)` with the new order of `data-id`s.
import { el } from '../common/dom';

export function idsOf(list: HTMLElement): string[] {
  return [...list.children].map((c) => (c as HTMLElement).dataset.id ?? '').filter((id) => id !== '');
}

/** Earlier/later buttons for one item; `label` names the item for screen readers. */
export function moveButtons(item: HTMLElement, label: string, onReorder: (ids: string[]) => void): HTMLElement {
  const move = (delta: -1 | 1, button: HTMLButtonElement) => {
    const list = item.parentElement;
    if (!list) return;
    const sibling = delta < 0 ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) return;
    if (delta < 0) list.insertBefore(item, sibling);
    else list.insertBefore(sibling, item);
    button.focus();
    onReorder(idsOf(list));
  };
  const earlier = el('button', { type: 'button', class: 'small move-earlier', 'aria-label': `Move ${label} earlier`, title: 'Move earlier' }, '◀');
  const later = el('button', { type: 'button', class: 'small move-later', 'aria-label': `Move ${label} later`, title: 'Move later' }, '▶');
  earlier.addEventListener('click', () => move(-1, earlier));
  later.addEventListener('click', () => move(1, later));
  return el('span', { class: 'move' }, earlier, later);
}

/** Makes the list's children draggable; dropping one calls `onReorder` with the new order. */
export function makeSortable(list: HTMLElement, onReorder: (ids: string[]) => void): void {
  let dragged: HTMLElement | null = null;
  let before = '';
  for (const child of [...list.children] as HTMLElement[]) child.draggable = true;
  list.addEventListener('dragstart', (e) => {
    dragged = (e.target as HTMLElement).closest<HTMLElement>('[data-id]');
    if (!dragged || !e.dataTransfer) return;
    before = idsOf(list).join('\n');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', dragged.dataset.id ?? '');
    dragged.classList.add('dragging');
  });
  list.addEventListener('dragover', (e) => {
    if (!dragged) return;
    e.preventDefault();
    const over = (e.target as HTMLElement).closest<HTMLElement>('[data-id]');
    if (!over || over === dragged || over.parentElement !== list) return;
    // Take the place of the item under the pointer, whichever way the list runs (a grid of
    // tiles, a column of new images): coming from before it, go after it, and vice versa.
    const fromBefore = (dragged.compareDocumentPosition(over) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    list.insertBefore(dragged, fromBefore ? over.nextSibling : over);
  });
  list.addEventListener('drop', (e) => e.preventDefault());
  list.addEventListener('dragend', () => {
    if (!dragged) return;
    dragged.classList.remove('dragging');
    dragged = null;
    const ids = idsOf(list);
    if (ids.join('\n') !== before) onReorder(ids);
  });
}
