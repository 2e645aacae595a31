// /v1/packs. Created from multipart (`name`, up to 6 `images`, optional `logo`, and `modes`:
// one per image, as repeated fields, a comma list or a JSON array) or from JSON naming earlier
// uploads (`POST /v1/uploads`). A brand kit comes as font files and a `brandKit` JSON field (its
// style); PATCH changes the style; pack-fonts.ts sets a font later.
import { Router, type Request } from 'express';
import multer from 'multer';
import { BrandKitStyle, CreatePackFields, CreatePackFromUploads, issuesToFields, MAX_PACK_IMAGES, MAX_UPLOAD_BYTES, PatchPackRequest, type InvalidField } from '../../../../shared/index';
import type { CoreDeps } from '../../core/deps';
import { createPack, type NewPack } from '../../core/packs/create-pack';
import { deletePack, getPack, listPacks, patchPack } from '../../core/packs/manage-packs';
import { createPackFromUploads } from '../../core/packs/uploads';
import { tenantOf } from '../auth';
import { JSON_TYPES, readableMultipart } from '../body-types';
import { parseOr400 } from '../parse';

const upload = readableMultipart(multer({
  storage: multer.memoryStorage(),
  // One byte over the limit is enough to know a file is too large.
  limits: { fileSize: MAX_UPLOAD_BYTES, files: MAX_PACK_IMAGES + 4, fields: 20, fieldSize: 64 * 1024 },
}).fields([
  { name: 'images', maxCount: MAX_PACK_IMAGES },
  { name: 'logo', maxCount: 1 },
  { name: 'font', maxCount: 1 },
  { name: 'headlineFont', maxCount: 1 },
  { name: 'sublineFont', maxCount: 1 },
]));

function modesField(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const list = Array.isArray(raw) ? raw.map(String) : String(raw).trim().startsWith('[') ? safeJson(String(raw)) : String(raw).split(',');
  return list.map((m) => m.trim());
}
function safeJson(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [text];
  } catch {
    return [text];
  }
}

function files(req: Request, field: string): Express.Multer.File[] {
  const f = req.files as Record<string, Express.Multer.File[]> | undefined;
  return f?.[field] ?? [];
}


/** The multipart `brandKit` field: the kit's style as JSON; its problems are listed with the pack's others. */
function kitField(raw: unknown): { style?: BrandKitStyle; invalid: InvalidField[] } {
  if (raw === undefined || raw === '') return { invalid: [] };
  let value: unknown;
  try {
    value = JSON.parse(String(raw));
  } catch {
    return { invalid: [{ field: 'brandKit', message: 'must be the brand kit as JSON, e.g. {"headlineColor":"#ffffff","position":"top"}' }] };
  }
  const r = BrandKitStyle.safeParse(value);
  if (r.success) return { style: r.data, invalid: [] };
  return { invalid: issuesToFields(r.error.issues).map((f) => ({ ...f, field: f.field === '(body)' ? 'brandKit' : `brandKit.${f.field}` })) };
}

function multipartPack(req: Request): NewPack {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const fields = parseOr400(CreatePackFields, { name: body.name, modes: modesField(body.modes) }, 'pack');
  const logo = files(req, 'logo')[0];
  const kit = kitField(body.brandKit);
  return {
    ...(kit.style ? { style: kit.style } : {}),
    invalid: kit.invalid,
    name: fields.name,
    modes: fields.modes,
    images: files(req, 'images').map((f, i) => ({ field: `images[${i}]`, data: f.buffer })),
    logo: logo ? { field: 'logo', data: logo.buffer } : null,
    fonts: (['font', 'headlineFont', 'sublineFont'] as const).flatMap((field) =>
      files(req, field).map((f) => ({ field, role: field === 'font' ? ('both' as const) : field === 'headlineFont' ? ('headline' as const) : ('subline' as const), data: f.buffer })),
    ),
  };
}

export function packRoutes(deps: CoreDeps): Router {
  const r = Router();

  r.post('/v1/packs', upload, async (req, res) => {
    const tenant = tenantOf(res);
    const pack = req.is(JSON_TYPES)
      ? await createPackFromUploads(deps, tenant, parseOr400(CreatePackFromUploads, req.body, 'pack'))
      : await createPack(deps, tenant, multipartPack(req));
    res.status(201).location(`/v1/packs/${pack.id}`).json(pack);
  });

  r.get('/v1/packs', async (_req, res) => {
    res.json({ packs: await listPacks(deps, tenantOf(res)) });
  });

  r.get('/v1/packs/:id', async (req, res) => {
    res.json(await getPack(deps, tenantOf(res), req.params.id));
  });

  r.patch('/v1/packs/:id', async (req, res) => {
    const body = parseOr400(PatchPackRequest, req.body);
    res.json(await patchPack(deps, tenantOf(res), req.params.id, body));
  });

  r.delete('/v1/packs/:id', async (req, res) => {
    await deletePack(deps, tenantOf(res), req.params.id);
    res.status(204).end();
  });

  return r;
}
