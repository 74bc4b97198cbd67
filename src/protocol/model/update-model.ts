// Refreshes ssm-2014-11-06.json from the botocore package installed with Python.
// The service model is data published by AWS under Apache-2.0; we keep shapes, constraints and
// error lists and drop the documentation strings to keep the file small.
//   npx tsx src/protocol/model/update-model.ts
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const botocoreDir = execFileSync('python3', [
  '-c',
  'import botocore, os; print(os.path.dirname(botocore.__file__))',
])
  .toString()
  .trim();
const source = join(botocoreDir, 'data', 'ssm', '2014-11-06', 'service-2.json.gz');
const model = JSON.parse(gunzipSync(readFileSync(source)).toString('utf8')) as Record<string, unknown>;

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'documentation' || k === 'documentationUrl' || k === 'examples') continue;
      out[k] = strip(v);
    }
    return out;
  }
  return value;
}

const target = join(dirname(fileURLToPath(import.meta.url)), 'ssm-2014-11-06.json');
writeFileSync(target, JSON.stringify(strip(model)) + '\n');
console.log(`wrote ${target}`);

// The operation types are generated from the model: keep them in step.
const { OPERATIONS_FILE, operationsSource } = await import('./generate-operations.js');
writeFileSync(OPERATIONS_FILE, operationsSource());
console.log(`wrote ${OPERATIONS_FILE}`);
