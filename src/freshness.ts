// Whether dist/ is older than the source it was built from. `npm start` runs the built code
// (dist/cli.js), which asks this first: in a checkout where a file under src/ (or tsconfig.json) is
// newer than the last successful build (dist/.built), it builds again before starting, so an edit is
// never served stale. An installed package has no src/ and never rebuilds. Only node:fs, so that
// asking costs a few milliseconds before anything else loads.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time (epoch ms) of `path` and, for a folder, everything below it. */
export function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

/** True when `root` has a src/ newer than its last build (or was never built). */
export function buildIsStale(root: string): boolean {
  const src = join(root, 'src');
  if (!existsSync(src)) return false;
  const stamp = join(root, 'dist', '.built');
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const tsconfig = join(root, 'tsconfig.json');
  return Math.max(newest(src), existsSync(tsconfig) ? statSync(tsconfig).mtimeMs : 0) > built;
}
