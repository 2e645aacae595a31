// PropertiesService: a document store shared by the document's users and one user store per
// fake user. Values are strings; Apps Script caps each value at 9 KB and a store at 500 KB.
import { exception, type Realm } from './realm';

const MAX_VALUE_BYTES = 9 * 1024;
const MAX_STORE_BYTES = 500 * 1024;

export type PropertyData = Map<string, string>;

export class FakeProperties {
  constructor(
    private readonly realm: Realm,
    readonly data: PropertyData,
  ) {}

  getProperty(key: string): string | null {
    return this.data.get(String(key)) ?? null;
  }

  setProperty(key: string, value: string): FakeProperties {
    const text = String(value);
    if (Buffer.byteLength(text) > MAX_VALUE_BYTES) throw exception(this.realm, 'Argument too large: value');
    const next = new Map(this.data).set(String(key), text);
    if (storeBytes(next) > MAX_STORE_BYTES) {
      throw exception(this.realm, 'You have exceeded the property storage quota. Please remove some properties and try again.');
    }
    this.data.set(String(key), text);
    return this;
  }

  deleteProperty(key: string): FakeProperties {
    this.data.delete(String(key));
    return this;
  }
}

function storeBytes(data: PropertyData): number {
  let bytes = 0;
  for (const [k, v] of data) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  return bytes;
}

export function createPropertiesService(realm: Realm, documentData: PropertyData, userData: () => PropertyData) {
  return {
    getDocumentProperties: () => new FakeProperties(realm, documentData),
    getUserProperties: () => new FakeProperties(realm, userData()),
  };
}
