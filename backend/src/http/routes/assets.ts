// /a/<token>: capability links to stored images. No login; the token is the permission.
import { Router } from 'express';
import { notFound } from '../../core/app-error';
import type { CoreDeps } from '../../core/deps';
import { getTenant } from '../../core/tenants/tenants';
import { openDownload } from '../../core/batches/download-links';

export function assetRoutes(deps: CoreDeps): Router {
  const r = Router();
  r.get('/a/:token', async (req, res) => {
    const opened = deps.links.open(req.params.token);
    if (!opened) throw notFound('Asset');
    const tenant = await getTenant(deps.store, opened.tenant);
    // A rotated link key revokes every link signed with an older version.
    if (!tenant || tenant.linkKeyVersion !== opened.version) throw notFound('Asset');
    const signed = await deps.store.signedReadUrl(opened.key, 15 * 60);
    if (signed) {
      res.setHeader('Cache-Control', 'private, max-age=600');
      res.redirect(302, signed);
      return;
    }
    const blob = await deps.store.get(opened.key);
    if (!blob) throw notFound('Asset');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('ETag', `"${blob.generation}"`);
    res.type(blob.contentType).send(blob.data);
  });

  // Download all: the batch's zip, streamed (no login: the token is the permission).
  r.get('/d/:token', async (req, res) => {
    const out = await openDownload(deps, req.params.token);
    res.status(200).type(out.contentType).attachment(out.filename);
    res.setHeader('Cache-Control', 'private, no-store');
    for await (const chunk of out.chunks) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });
  return r;
}
