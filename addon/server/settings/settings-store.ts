// The user's own settings, in USER properties only: the backend URL, how to sign in and the API
// key belong to the person, not the document, so sharing a sheet never shares a key. The key never
// goes back to the browser: only whether one is saved and its last 4 characters.
import type { SaveSettingsInput, SettingsView } from '../rpc';
import { AddonError } from '../result';
import type { PropertyStore } from '../services/ports';

export const SETTINGS_KEYS = {
  backendUrl: 'rowshot.backendUrl',
  apiKey: 'rowshot.apiKey',
  signIn: 'rowshot.signIn',
  confirmAboveUsd: 'rowshot.confirmAboveUsd',
  backendWrites: 'rowshot.backendWrites',
} as const;

export const DEFAULT_CONFIRM_ABOVE_USD = 5;

/** `google`: the user's Google ID token (no key to paste); `api_key`: the key saved in Settings. */
export type SignIn = 'google' | 'api_key';
export const SIGN_IN_MODES: readonly SignIn[] = ['google', 'api_key'];

export interface Settings {
  backendUrl: string;
  signIn: SignIn;
  apiKey: string;
  confirmAboveUsd: number;
  backendWrites: boolean;
}

export function readSettings(props: PropertyStore): Settings {
  const threshold = Number(props.get(SETTINGS_KEYS.confirmAboveUsd) ?? '');
  const apiKey = props.get(SETTINGS_KEYS.apiKey) ?? '';
  const chosen = props.get(SETTINGS_KEYS.signIn);
  return {
    backendUrl: props.get(SETTINGS_KEYS.backendUrl) ?? '',
    // Never chosen: a key saved before sign-in with Google existed keeps being used.
    signIn: chosen === 'google' || chosen === 'api_key' ? chosen : apiKey !== '' ? 'api_key' : 'google',
    apiKey,
    confirmAboveUsd: props.get(SETTINGS_KEYS.confirmAboveUsd) !== null && Number.isFinite(threshold) && threshold >= 0 ? threshold : DEFAULT_CONFIRM_ABOVE_USD,
    backendWrites: props.get(SETTINGS_KEYS.backendWrites) === 'true',
  };
}

/** `googleEmail`: whom Google sign-in would send, when a token was at hand. */
export function settingsView(settings: Settings, googleEmail: string | null = null): SettingsView {
  return {
    backendUrl: settings.backendUrl,
    signIn: settings.signIn,
    googleEmail,
    apiKeySaved: settings.apiKey !== '',
    apiKeyHint: settings.apiKey.slice(-4),
    confirmAboveUsd: settings.confirmAboveUsd,
    backendWrites: settings.backendWrites,
  };
}

const URL_PATTERN = /^(https?):\/\/([^\s/?#@]+)(?:\/[^\s?#]*)?$/i;
/** Apps Script fetches only https (urlFetchWhitelist takes nothing else); these are for the playground and tests. */
const LOCAL_HOSTS = ['localhost', '127.0.0.1'];

/** Why a backend URL cannot be used, or null. */
export function backendUrlProblem(url: string): string | null {
  if (url === '') return 'Enter the backend URL, e.g. https://rowshot-abc123.a.run.app';
  const m = URL_PATTERN.exec(url);
  if (!m) return `"${url}" is not a web address: it must start with https:// and name a host`;
  const host = (m[2] ?? '').replace(/:\d+$/, '').toLowerCase();
  if ((m[1] ?? '').toLowerCase() === 'http' && !LOCAL_HOSTS.includes(host)) {
    return `"${url}" is not https: Apps Script only fetches https:// addresses, so use the backend's https:// URL (http:// is for localhost and 127.0.0.1 only)`;
  }
  return null;
}

/** Validates every field first (all problems at once), then saves. */
export function saveSettings(props: PropertyStore, input: SaveSettingsInput): Settings {
  const fields: { field: string; message: string }[] = [];
  const url = String(input.backendUrl ?? '').trim().replace(/\/+$/, '');
  const urlProblem = backendUrlProblem(url);
  if (urlProblem !== null) fields.push({ field: 'backendUrl', message: urlProblem });
  if (input.signIn !== undefined && !SIGN_IN_MODES.includes(input.signIn)) fields.push({ field: 'signIn', message: 'Sign in with is "google" (your Google account) or "api_key"' });
  const key = String(input.apiKey ?? '').trim();
  if (key !== '' && (key.length < 8 || /\s/.test(key))) fields.push({ field: 'apiKey', message: 'An API key is one word of at least 8 characters (it starts with rs_)' });
  const threshold = input.confirmAboveUsd;
  if (threshold !== undefined && (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 100_000)) {
    fields.push({ field: 'confirmAboveUsd', message: 'Ask-before-running must be an amount in USD from 0 to 100000' });
  }
  if (input.backendWrites !== undefined && typeof input.backendWrites !== 'boolean') fields.push({ field: 'backendWrites', message: 'must be true or false' });
  if (input.signIn === 'api_key' && key === '' && (props.get(SETTINGS_KEYS.apiKey) ?? '') === '') {
    fields.push({ field: 'apiKey', message: 'Paste an API key to sign in with one, or choose your Google account' });
  }
  if (fields.length > 0) throw new AddonError('invalid_request', fields.map((f) => f.message).join('. '), fields);

  props.set(SETTINGS_KEYS.backendUrl, url);
  if (key !== '') props.set(SETTINGS_KEYS.apiKey, key);
  if (input.signIn !== undefined) props.set(SETTINGS_KEYS.signIn, input.signIn);
  if (threshold !== undefined) props.set(SETTINGS_KEYS.confirmAboveUsd, String(threshold));
  if (input.backendWrites !== undefined) props.set(SETTINGS_KEYS.backendWrites, String(input.backendWrites));
  return readSettings(props);
}

/** Which settings are missing, in words, or null when the backend can be called. */
export function missingSettings(settings: Settings): string | null {
  const needsKey = settings.signIn === 'api_key' && settings.apiKey === '';
  const missing = [settings.backendUrl === '' ? 'the backend URL' : null, needsKey ? 'the API key' : null].filter((m): m is string => m !== null);
  if (missing.length === 0) return null;
  return `Rowshot is not set up yet: enter ${missing.join(' and ')} in Extensions → Rowshot → Settings.`;
}
