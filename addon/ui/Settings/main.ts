// Settings sidebar: backend URL, how to sign in (the Google account, or an API key as the
// fallback: never shown back, only its last characters) and which is in use, confirmation
// threshold, who writes results; Save and Test connection, which also lists the models the
// backend can run.
import type { ConnectionCheck, SaveSettingsInput, SettingsView } from '../../server/rpc';
import { byId, clearBanner, showBanner, whileBusy } from '../common/dom';
import { call, callOrShow, errorText } from '../common/rpc';

const form = byId<HTMLFormElement>('settings-form');
const backendUrl = byId<HTMLInputElement>('backendUrl');
const apiKey = byId<HTMLInputElement>('apiKey');
const apiKeyHint = byId('apiKeyHint');
const apiKeyGroup = byId('apiKeyGroup');
const signInStatus = byId('signInStatus');
const signInRadios = [...document.querySelectorAll<HTMLInputElement>('#signIn input[name="signIn"]')];
const confirmAbove = byId<HTMLInputElement>('confirmAboveUsd');
const backendWrites = byId<HTMLInputElement>('backendWrites');
const saveButton = byId<HTMLButtonElement>('save');
const testButton = byId<HTMLButtonElement>('test');
const modelsSection = byId('models');
const modelList = byId('modelList');

let saved: SettingsView | null = null;

function renderModels(models: ConnectionCheck['models']): void {
  modelList.replaceChildren(...models.map((m) => {
    const li = document.createElement('li');
    li.textContent = `${m.label} (${m.id}) · ${m.priceUsd === 0 ? 'free' : `$${m.priceUsd.toFixed(3)} per image`}${m.isDefault ? ' · default' : ''}`;
    return li;
  }));
  modelsSection.hidden = models.length === 0;
}

const chosenSignIn = (): SettingsView['signIn'] => (signInRadios.find((r) => r.checked)?.value === 'api_key' ? 'api_key' : 'google');

/** Which credential the saved settings send; the key field only matters with "An API key". */
function renderSignIn(view: SettingsView): void {
  apiKeyGroup.hidden = chosenSignIn() !== 'api_key';
  if (view.signIn === 'google') {
    signInStatus.textContent = view.googleEmail === null
      ? 'In use: Google sign-in (no Google account is available here: choose an API key instead).'
      : `In use: Google sign-in as ${view.googleEmail}. No key needed.`;
  } else {
    signInStatus.textContent = view.apiKeySaved ? `In use: the API key …${view.apiKeyHint}.` : 'In use: an API key (none saved yet).';
  }
}

function render(view: SettingsView): void {
  saved = view;
  backendUrl.value = view.backendUrl;
  for (const r of signInRadios) r.checked = r.value === view.signIn;
  renderSignIn(view);
  apiKey.value = '';
  apiKey.placeholder = view.apiKeySaved ? 'Leave empty to keep the saved key' : 'Paste your API key';
  apiKeyHint.textContent = view.apiKeySaved ? `Saved key …${view.apiKeyHint}` : 'No key saved yet.';
  confirmAbove.value = String(view.confirmAboveUsd);
  backendWrites.checked = view.backendWrites;
}

function formInput(): SaveSettingsInput {
  const input: SaveSettingsInput = { backendUrl: backendUrl.value.trim(), signIn: chosenSignIn(), backendWrites: backendWrites.checked };
  if (apiKey.value.trim() !== '') input.apiKey = apiKey.value.trim();
  const threshold = Number(confirmAbove.value);
  if (confirmAbove.value.trim() !== '' && Number.isFinite(threshold)) input.confirmAboveUsd = threshold;
  return input;
}

function dirty(): boolean {
  if (!saved) return true;
  const input = formInput();
  return input.apiKey !== undefined || input.backendUrl !== saved.backendUrl || input.signIn !== saved.signIn || input.backendWrites !== saved.backendWrites
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

for (const r of signInRadios) {
  r.addEventListener('change', () => {
    apiKeyGroup.hidden = chosenSignIn() !== 'api_key';
    if (!apiKeyGroup.hidden && saved?.apiKeySaved !== true) apiKey.focus();
  });
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
    if (check) {
      showBanner('success', check.message);
      renderModels(check.models);
    }
  });
});

void callOrShow('getSettings').then((view) => {
  if (view) render(view);
});
