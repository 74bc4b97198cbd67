// The web console, served by the emulator itself (not part of SSM's API):
//   GET /_ssm-local/ui               redirects to /_ssm-local/ui/
//   GET /_ssm-local/ui/              index.html (the console: src/ui/app, a Preact app)
//   GET /_ssm-local/ui/<file>        its hashed JavaScript and CSS (cached for good: names change with content)
//   GET /_ssm-local/ui/config.json   what the console must know of this emulator: version, default
//                                    account and region, strict credentials, whether the clock moves
// The console talks to the emulator's own SSM API (POST / with X-Amz-Target) and the admin routes,
// like any other client. From dist/ (npm start, the image) it serves the files `npm run build`
// wrote to dist/ui/public; from src/ (tests, npm run dev) it builds them in memory with esbuild on
// first request and again whenever a file under src/ui/app changes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env, Hono } from 'hono';
import { FakeClock } from '../core/fake-clock.js';
import { newest } from '../freshness.js';
import type { Runtime } from '../core/runtime.js';
import { VERSION } from '../server/app.js';

export const CONSOLE_PATH = '/_ssm-local/ui';

/** What GET /_ssm-local/ui/config.json answers (the browser app reads it at start). */
export interface ConsoleConfig {
  version: string;
  defaultAccountId: string;
  defaultRegion: string;
  /** SSM_LOCAL_CREDENTIALS is set: every SSM request must be signed, which the console cannot do. */
  strictCredentials: boolean;
  /** POST /_ssm-local/clock can move the clock (false when started with a clock of one's own). */
  clockAdjustable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

type Files = Map<string, Uint8Array>;

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const PUBLIC_DIR = fileURLToPath(new URL('../../dist/ui/public/', import.meta.url));
const APP_DIR = fileURLToPath(new URL('./app/', import.meta.url));

let cached: { files: Promise<Files>; stamp: number } | undefined;

function readBuilt(): Files {
  const files: Files = new Map();
  if (!existsSync(join(PUBLIC_DIR, 'index.html'))) return files;
  for (const name of readdirSync(PUBLIC_DIR)) files.set(name, readFileSync(join(PUBLIC_DIR, name)));
  return files;
}

/** The console's files; `fresh` asks a server running from source to rebuild if the app changed. */
async function consoleFiles(fresh: boolean): Promise<Files> {
  if (!FROM_SOURCE) {
    cached ??= { files: Promise.resolve(readBuilt()), stamp: 0 };
    return cached.files;
  }
  const stamp = fresh || !cached ? newest(APP_DIR) : cached.stamp;
  if (!cached || stamp !== cached.stamp) {
    const files = import('./build.js').then(({ buildConsole }) => buildConsole({ minify: false }));
    cached = { files, stamp };
    // A failed build is not kept: the next request tries again (after the edit that fixes it).
    files.catch(() => {
      if (cached?.files === files) cached = undefined;
    });
  }
  return cached.files;
}

export function mountConsole<E extends Env>(app: Hono<E>, runtime: Runtime): void {
  const { config, clock } = runtime.services;
  app.get(CONSOLE_PATH, (c) => c.redirect(`${CONSOLE_PATH}/`, 301));
  app.get(`${CONSOLE_PATH}/config.json`, (c) =>
    c.json({
      version: VERSION,
      defaultAccountId: config.defaultAccountId,
      defaultRegion: config.defaultRegion,
      strictCredentials: config.credentials !== undefined,
      clockAdjustable: clock instanceof FakeClock,
    } satisfies ConsoleConfig),
  );
  app.get(`${CONSOLE_PATH}/*`, async (c) => {
    const name = c.req.path.slice(CONSOLE_PATH.length + 1) || 'index.html';
    let files: Files;
    try {
      files = await consoleFiles(name === 'index.html');
    } catch (error) {
      return c.text(`The console could not be built: ${(error as Error).message}`, 500);
    }
    if (files.size === 0) {
      return c.text(
        'The console is not built: run `npm run build` (or `npm run build:ui`) in the ssm-local checkout.',
        503,
      );
    }
    const body = files.get(name);
    if (!body) return c.text(`No file ${name} in the console.`, 404);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
  });
}
