// Help sidebar: static how-to; links to the API description of the configured backend.
import { byId } from '../common/dom';
import { call } from '../common/rpc';

byId('close').addEventListener('click', () => window.google?.script.host.close());

void call('getSettings').then((result) => {
  if (!result.ok || result.value.backendUrl === '') return;
  const link = byId<HTMLAnchorElement>('api-docs');
  link.href = `${result.value.backendUrl.replace(/\/+$/, '')}/openapi.json`;
  link.hidden = false;
});
