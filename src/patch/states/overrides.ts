// The two parameters of AWS-RunPatchBaseline that name a file elsewhere: InstallOverrideList (a YAML
// list of patches to install instead of the baseline's) and BaselineOverride (a JSON list of
// baselines that replace the instance's own). The document's allowedPatterns admit https:// and
// s3:// URLs only. ssm-local has no Amazon S3, so an s3:// URL is refused with a clear message; an
// https:// URL is read by the ssm-local server (AWS's payload reads it from the instance).
import { parse as parseYaml } from 'yaml';
import type { BaselineRules, PatchVerdict } from '../model.js';

const FETCH_TIMEOUT_MS = 30_000;
const MAX_BYTES = 1024 * 1024;

export class OverrideError extends Error {}

async function download(parameter: string, url: string): Promise<string> {
  if (url.startsWith('s3://')) {
    throw new OverrideError(
      `${parameter} ${url} cannot be read: ssm-local has no Amazon S3. Serve the file over https:// from a server the ssm-local process can reach.`,
    );
  }
  if (!url.startsWith('https://')) {
    throw new OverrideError(`${parameter} ${url} is not an https:// or s3:// URL.`);
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OverrideError(`Unable to download ${parameter} from ${url}: ${reason}`);
  }
  if (!response.ok) {
    throw new OverrideError(`Unable to download ${parameter} from ${url}: HTTP ${response.status}`);
  }
  // Read at most MAX_BYTES: a larger file is refused without being held in memory.
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader?.cancel().catch(() => undefined);
      throw new OverrideError(`${parameter} ${url} is larger than ${MAX_BYTES} bytes.`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface OverridePatch {
  id: string;
  title?: string;
}

/** AWS's install_override_list.py: `patches:` a list of {id, title?}; each needs an id. */
export function parseInstallOverrideList(text: string): OverridePatch[] {
  let content: unknown;
  try {
    content = parseYaml(text);
  } catch {
    throw new OverrideError('The content of the provided InstallOverrideList is invalid.');
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new OverrideError('The content of the provided InstallOverrideList is invalid.');
  }
  const patches = (content as Record<string, unknown>)['patches'];
  if (!Array.isArray(patches)) return [];
  return patches.map((entry: unknown) => {
    const patch = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (patch['id'] === undefined || patch['id'] === null)
      throw new OverrideError('Must provide an id for each patch');
    const title = patch['title'];
    return {
      id: String(patch['id']),
      ...(title !== undefined && title !== null ? { title: String(title) } : {}),
    };
  });
}

export function loadInstallOverrideList(url: string): Promise<OverridePatch[]> {
  return download('InstallOverrideList', url).then(parseInstallOverrideList);
}

const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** Whether a patch is on the list: its KBId equals an id and, when the entry has a title, its title matches. */
export function onOverrideList(verdict: PatchVerdict, list: OverridePatch[]): boolean {
  return list.some(
    (entry) =>
      (entry.id === verdict.kbId || entry.id === verdict.package.name) &&
      (entry.title === undefined || globToRegExp(entry.title).test(verdict.title)),
  );
}

/** A JSON list of baselines (GetPatchBaseline's shape); the one for this operating system applies. */
export async function loadBaselineOverride(
  url: string,
  operatingSystem: string,
): Promise<BaselineRules | undefined> {
  const text = await download('BaselineOverride', url);
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    throw new OverrideError('The content of the provided BaselineOverride is not valid JSON.');
  }
  const list = Array.isArray(content) ? content : [content];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const baseline = entry as Partial<BaselineRules>;
    if (baseline.OperatingSystem === operatingSystem) return baseline as BaselineRules;
  }
  return undefined;
}
