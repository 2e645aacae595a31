// Settings sidebar: backend URL, API key (never shown back, only its last characters),
// confirmation threshold, who writes results; Save and Test connection.
import type { SaveSettingsInput, SettingsView } from '../../server/rpc';
import { byId, clearBanner, showBanner, whileBusy } from '../common/dom';
import { call, callOrShow, errorText } from '../common/rpc';

const form = byId<HTMLFormElement>('settings-form');
const backendUrl = byId<HTMLInputElement>('backendUrl');
const apiKey = byId<HTMLInputElement>('apiKey');
const apiKeyHint = byId('apiKeyHint');
const confirmAbove = byId<HTMLInputElement>('confirmAboveUsd');
const backendWrites = byId<HTMLInputElement>('backendWrites');
const saveButton = byId<HTMLButtonElement>('save');
const testButton = byId<HTMLButtonElement>('test');

let saved: SettingsView | null = null;

function render(view: SettingsView): void {
  saved = view;
  backendUrl.value = view.backendUrl;
  apiKey.value = '';
  apiKey.placeholder = view.apiKeySaved ? 'Leave empty to keep the saved key' : 'Paste your API key';
  apiKeyHint.textContent = view.apiKeySaved ? `Saved key …${view.apiKeyHint}` : 'No key saved yet.';
  confirmAbove.value = String(view.confirmAboveUsd);
  backendWrites.checked = view.backendWrites;
}

function formInput(): SaveSettingsInput {
  const input: SaveSettingsInput = { backendUrl: backendUrl.value.trim(), backendWrites: backendWrites.checked };
  if (apiKey.value.trim() !== '') input.apiKey = apiKey.value.trim();
  const threshold = Number(confirmAbove.value);
  if (confirmAbove.value.trim() !== '' && Number.isFinite(threshold)) input.confirmAboveUsd = threshold;
  return input;
}

function dirty(): boolean {
  if (!saved) return true;
  const input = formInput();
  return input.apiKey !== undefined || input.backendUrl !== saved.backendUrl || input.backendWrites !== saved.backendWrites
    || (input.confirmAboveUsd !== undefined && input.confirmAboveUsd !== saved.confirmAboveUsd);
}

function markInvalid(fields: { field: string }[] = []): void {
  for (const input of [backendUrl, apiKey, confirmAbove]) {
    input.setAttribute('aria-invalid', String(fields.some((f) => f.field === input.name)));
  }
}

async function save(): Promise<boolean> {
  const result = await call('saveSettings', formInput());
  if (!result.ok) {
    markInvalid(result.error.fields);
    showBanner('error', errorText(result.error));
    return false;
  }
  markInvalid();
  render(result.value);
  return true;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void whileBusy(saveButton, async () => {
    clearBanner();
    if (await save()) showBanner('success', 'Settings saved.');
  });
});

// Testing what is on screen is what people mean, so unsaved changes are saved first.
testButton.addEventListener('click', () => {
  void whileBusy(testButton, async () => {
    clearBanner();
    if (dirty() && !(await save())) return;
    showBanner('info', 'Testing the connection…');
    const check = await callOrShow('testConnection');
    if (check) showBanner('success', check.message);
  });
});

void callOrShow('getSettings').then((view) => {
  if (view) render(view);
});
