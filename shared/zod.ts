// zod/mini keeps the Apps Script bundle small (~16 KB instead of ~450 KB); the English
// locale gives readable messages, which end up in RFC 7807 problems and Status cells.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

export { z };
