// Help sidebar: static how-to; links to the API description of the configured backend.
import { SIZE_PRESETS } from '../../../shared/sizes';
import { byId } from '../common/dom';
import { call } from '../common/rpc';

// The presets table is shared/sizes.ts's, so the sidebar lists exactly what rows accept.
const presets = byId<HTMLTableSectionElement>('size-presets');
for (const p of SIZE_PRESETS) {
  const tr = document.createElement('tr');
  for (const text of [p.name, `${p.width}×${p.height}`]) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  presets.append(tr);
}

byId('close').addEventListener('click', () => window.google?.script.host.close());

void call('getSettings').then((result) => {
  if (!result.ok || result.value.backendUrl === '') return;
  const link = byId<HTMLAnchorElement>('api-docs');
  link.href = `${result.value.backendUrl.replace(/\/+$/, '')}/openapi.json`;
  link.hidden = false;
});
