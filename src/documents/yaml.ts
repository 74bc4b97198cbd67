// The `yaml` package, loaded on the first YAML document instead of at start-up (about 20 ms and 70
// modules that a server whose documents are JSON never needs).
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let loaded: Yaml | undefined;

export function yaml(): Yaml {
  loaded ??= createRequire(import.meta.url)('yaml') as Yaml;
  return loaded;
}
