// POST /v1/packs (multipart): every file is sniffed, size-checked, bomb-guarded, stripped of
// metadata and normalised before anything is stored; all problems are reported together, per field.
import type { BrandKitStyle, InvalidField, Pack, PackImageMode } from '../../../../shared/index';
import type { CoreDeps } from '../deps';
import { checkBytes } from './pack-images';
import { savePack } from './save-pack';

export interface NewPack {
  name: string;
  modes: PackImageMode[] | undefined;
  images: { field: string; data: Buffer }[];
  logo: { field: string; data: Buffer } | null;
  fonts?: { field: string; role: 'both' | 'headline' | 'subline'; data: Buffer }[];
  style?: BrandKitStyle;
  /** Problems the route found in its own fields (e.g. the `brandKit` JSON). */
  invalid?: InvalidField[];
}

export async function createPack(deps: CoreDeps, tenant: string, input: NewPack): Promise<Pack> {
  const invalid: InvalidField[] = [...(input.invalid ?? [])];
  if (input.modes && input.modes.length !== input.images.length) {
    invalid.push({ field: 'modes', message: `give one mode per image: ${input.images.length} image(s) but ${input.modes.length} mode(s)` });
  }
  const check = (data: Buffer) => () => checkBytes(deps, tenant, data);
  return savePack(deps, tenant, {
    name: input.name,
    images: input.images.map((f, i) => ({ field: f.field, mode: input.modes?.[i] ?? 'style_and_composition', check: check(f.data) })),
    logo: input.logo ? { field: input.logo.field, check: check(input.logo.data) } : null,
    invalid,
    ...(input.fonts ? { fonts: input.fonts } : {}),
    ...(input.style ? { style: input.style } : {}),
  });
}
