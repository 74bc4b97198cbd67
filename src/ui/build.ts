// Builds the web console (src/ui/app) with esbuild: one JavaScript bundle and one stylesheet, each
// named by its content hash, and an index.html that loads them. Everything the page needs is in
// these files (no CDN, no remote fonts: the console works with no network).
//
//   npm run build:ui          writes dist/ui/public/ (part of `npm run build`, so of `npm install`)
//   buildConsole()            the same files in memory: the console route uses it when the emulator
//                             runs from its TypeScript sources (tests, `npm run dev`), so what is
//                             served there is always the current source, never a stale dist/.
//
// esbuild is a devDependency: this file is only loaded by the build and by a server running from
// src/; a server running from dist/ serves the files written here and never imports it.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root: the same from src/ui/build.ts and from dist/ui/build.js. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const APP_DIR = join(ROOT, 'src', 'ui', 'app');
export const PUBLIC_DIR = join(ROOT, 'dist', 'ui', 'public');

/** File name (no folder) to contents. */
export type ConsoleFiles = Map<string, Uint8Array>;

export async function buildConsole(options: { minify?: boolean } = {}): Promise<ConsoleFiles> {
  const result = await build({
    entryPoints: [join(APP_DIR, 'main.tsx')],
    bundle: true,
    write: false,
    outdir: PUBLIC_DIR,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'eof',
    logLevel: 'silent',
  });
  const files: ConsoleFiles = new Map();
  for (const output of result.outputFiles) files.set(basename(output.path), output.contents);
  const names = [...files.keys()];
  const script = names.find((name) => name.endsWith('.js'));
  const style = names.find((name) => name.endsWith('.css'));
  if (!script) throw new Error('the console build produced no JavaScript');
  files.set('index.html', new TextEncoder().encode(indexHtml(script, style)));
  return files;
}

function indexHtml(script: string, style: string | undefined): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>ssm-local console</title>
    <link rel="icon" href="data:," />
    ${style ? `<link rel="stylesheet" href="./${style}" />` : ''}
    <script type="module" src="./${script}"></script>
  </head>
  <body>
    <div id="app"><p class="boot">Loading the ssm-local console…</p></div>
    <noscript>The ssm-local console needs JavaScript.</noscript>
  </body>
</html>
`;
}

/** Replaces dist/ui/public with a fresh build. */
export async function writeConsole(dir = PUBLIC_DIR): Promise<string[]> {
  const files = await buildConsole();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, contents] of files) writeFileSync(join(dir, name), contents);
  return [...files.keys()];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const names = await writeConsole();
  const ms = Math.round(performance.now() - started);
  console.log(`ssm-local: console built into ${PUBLIC_DIR} (${names.length} files, ${ms} ms)`);
}
