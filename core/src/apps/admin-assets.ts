import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import express, { type Request, type Response } from 'express';

/** Vite's output names carry a content hash, so a name never changes meaning: cache for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** In order of preference. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * The admin page's built assets, each in the smallest encoding the browser accepts: the build writes
 * a Brotli (.br) and a gzip (.gz) copy beside every file, so nothing is compressed per request. The
 * folder is listed once: a request can only name a file that is there, and names nobody built cost nothing.
 */
export function serveAdminAssets(assetsDir: string): express.Router {
  const router = express.Router();
  let files: ReadonlySet<string> | null = null;
  const built = () => {
    if (files) return files;
    try {
      files = new Set(readdirSync(assetsDir));
      return files;
    } catch {
      // Not built yet: look again at the next request.
      return new Set<string>();
    }
  };

  router.get('/:name', (req: Request, res: Response, next) => {
    const name = String(req.params.name);
    const available = built();
    if (!available.has(name) || name.endsWith('.br') || name.endsWith('.gz')) return notFound(res);
    const encoding = ENCODINGS.find((candidate) => req.acceptsEncodings(candidate.name) === candidate.name && available.has(name + candidate.suffix));
    res.set({ 'Cache-Control': IMMUTABLE, Vary: 'Accept-Encoding' });
    res.type(extname(name));
    if (encoding) res.set('Content-Encoding', encoding.name);
    res.sendFile(join(assetsDir, encoding ? name + encoding.suffix : name), { cacheControl: false, dotfiles: 'deny' }, (error) => {
      if (!error) return;
      if (res.headersSent) return next(error);
      // Gone since the folder was listed (a rebuild in place): say so, and let nobody cache that.
      files = null;
      notFound(res);
    });
  });
  // Nothing else lives under assets/: not the page's routes either.
  router.use((_req: Request, res: Response) => notFound(res));
  return router;
}

const notFound = (res: Response) => {
  res.removeHeader('Content-Encoding');
  res.status(404).set('Cache-Control', 'no-store').type('text/plain').send('Not found');
};
