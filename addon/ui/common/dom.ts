// Tiny DOM helpers shared by the sidebars: element lookup, element building, the banner,
// the inline delete confirmation.

/** The element with this id; throws early when the page and the script disagree. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/** Builds an element: `el('button', { type: 'button', class: 'link' }, 'Delete')`. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

export interface InlineConfirm {
  /** The box's accessible name, e.g. "Delete Leaves?". */
  label: string;
  /** The question shown, with what deleting does. */
  text: string;
  /** Runs on Delete, with the button busy; the box stays until the caller re-renders. */
  confirm: () => Promise<unknown>;
  /** Another action than deleting (e.g. "Run anyway"): its button's caption; "Cancel" puts `actions` back. */
  yes?: string;
}

/**
 * Swaps `actions` for an inline "Delete / Keep" box (no modal: Sheets sidebars have no room for
 * one). Keep puts `actions` back; focus starts on Keep, so Enter does not delete by accident.
 */
export function confirmInline(actions: HTMLElement, ask: InlineConfirm): void {
  const yes = ask.yes === undefined
    ? el('button', { type: 'button', class: 'small danger confirm-delete' }, 'Delete')
    : el('button', { type: 'button', class: 'small primary confirm-yes' }, ask.yes);
  const no = el('button', { type: 'button', class: 'small confirm-no' }, ask.yes === undefined ? 'Keep' : 'Cancel');
  const box = el('div', { class: 'confirm', role: 'alertdialog', 'aria-label': ask.label }, el('p', {}, ask.text), el('div', { class: 'actions' }, yes, no));
  yes.addEventListener('click', () => void whileBusy(yes, ask.confirm));
  no.addEventListener('click', () => box.replaceWith(actions));
  actions.replaceWith(box);
  no.focus();
}

export type BannerKind = 'error' | 'success' | 'info';

/**
 * The page's one banner (`#banner`): errors are announced at once (role=alert), success and
 * information politely (role=status).
 */
export function showBanner(kind: BannerKind, message: string): void {
  const banner = byId('banner');
  banner.className = `banner banner-${kind}`;
  banner.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  banner.textContent = message;
  banner.hidden = false;
}

export function clearBanner(): void {
  const banner = byId('banner');
  banner.hidden = true;
  banner.textContent = '';
}

/** Disables a button while `work` runs, so a double click cannot start it twice. */
export async function whileBusy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T | undefined> {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** A random id for an idempotent request (crypto.randomUUID needs a secure context). */
export function newRequestId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
