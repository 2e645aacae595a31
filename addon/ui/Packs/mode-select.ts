// The per-image mode: style only, or style and composition (layout too).
import type { PackImageMode } from '../../../shared/contracts/packs';
import { el } from '../common/dom';

const MODES: Record<PackImageMode, string> = {
  style_and_composition: 'Style + layout',
  style_only: 'Style only',
};

export function modeSelect(current: PackImageMode, label: string, onChange: (mode: PackImageMode) => void): HTMLSelectElement {
  const select = el('select', { class: 'mode', 'aria-label': `How ${label} is used` },
    ...(Object.entries(MODES) as [PackImageMode, string][]).map(([value, text]) => el('option', { value, selected: value === current }, text)));
  select.addEventListener('change', () => onChange(select.value === 'style_only' ? 'style_only' : 'style_and_composition'));
  return select;
}
