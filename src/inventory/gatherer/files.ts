// AWS:File as the SSM Agent's file gatherer reads its `files` parameter and reports files: a JSON list
// of {Path, Pattern, Recursive, DirScanLimit} (keys matched case-insensitively, as Go's json does;
// every backslash read as a slash first), patterns matched against base names, at most 500 files
// over all filters and 5,000 directories scanned per recursive filter (DirScanLimit overrides it),
// either limit failing the whole plugin. A path that does not exist gives no files.
import type { Row } from './model.js';

export const FILE_COUNT_LIMIT = 500;
export const DIR_SCAN_LIMIT = 5000;
export const FILE_COUNT_LIMIT_EXCEEDED = 'File Count Limit Exceeded';
export const DIR_SCAN_LIMIT_EXCEEDED = 'Directory Scan Limit Exceeded';

export interface FileFilter {
  path: string;
  patterns: string[];
  recursive: boolean;
  dirScanLimit: number;
}

function field(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name];
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

function goType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

function mismatch(value: unknown, member: string, type: string): Error {
  return new Error(
    `json: cannot unmarshal ${goType(value)} into Go struct field filterObj.${member} of type ${type}`,
  );
}

/** The `files` input as the agent unmarshals it; throws with Go's kind of message when it cannot. */
export function parseFileFilters(text: string): FileFilter[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/\\/g, '/'));
  } catch (error) {
    throw new Error(`invalid JSON in the files parameter: ${(error as Error).message}`, { cause: error });
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) {
    throw new Error(`json: cannot unmarshal ${goType(parsed)} into Go value of type []file.filterObj`);
  }
  return parsed.map((item: unknown): FileFilter => {
    if (item === null) return { path: '', patterns: [], recursive: false, dirScanLimit: DIR_SCAN_LIMIT };
    if (typeof item !== 'object' || Array.isArray(item)) {
      throw new Error(`json: cannot unmarshal ${goType(item)} into Go value of type file.filterObj`);
    }
    const object = item as Record<string, unknown>;
    const path = field(object, 'Path') ?? '';
    const pattern = field(object, 'Pattern') ?? [];
    const recursive = field(object, 'Recursive') ?? false;
    const limit = field(object, 'DirScanLimit') ?? DIR_SCAN_LIMIT;
    if (typeof path !== 'string') throw mismatch(path, 'Path', 'string');
    if (!Array.isArray(pattern)) throw mismatch(pattern, 'Pattern', '[]string');
    const bad = pattern.find((p) => p !== null && typeof p !== 'string');
    if (bad !== undefined) throw mismatch(bad, 'Pattern', 'string');
    if (typeof recursive !== 'boolean') throw mismatch(recursive, 'Recursive', 'bool');
    if (typeof limit !== 'number' || !Number.isInteger(limit)) throw mismatch(limit, 'DirScanLimit', 'int');
    return {
      path,
      patterns: pattern.map((p) => (typeof p === 'string' ? p : '')),
      recursive,
      dirScanLimit: limit,
    };
  });
}

interface Found {
  size: string;
  mtime: number;
  path: string;
}

function parseListing(text: string): { dirs?: number; files: Found[]; missing: boolean } {
  const files: Found[] = [];
  let dirs: number | undefined;
  let missing = false;
  for (const line of text.split('\n')) {
    if (line === 'missing') missing = true;
    else if (line.startsWith('dirs ')) dirs = Number(line.slice(5).trim());
    else if (line.startsWith('file ')) {
      const [size = '', mtime = '', ...rest] = line.slice(5).split('|');
      if (rest.length > 0) files.push({ size, mtime: Number(mtime), path: rest.join('|') });
    }
  }
  return { ...(dirs === undefined ? {} : { dirs }), files, missing };
}

function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function dirname(path: string): string {
  const cut = path.lastIndexOf('/');
  if (cut < 0) return '.';
  return cut === 0 ? '/' : path.slice(0, cut);
}

/**
 * AWS:File rows from each filter's listing (index order), in the agent's field order, every field
 * present (the Windows-only ones empty). Throws the agent's error when a limit is exceeded.
 */
export function fileRows(filters: FileFilter[], listings: (string | undefined)[]): Row[] {
  const seen = new Set<string>();
  const found: Found[] = [];
  filters.forEach((filter, index) => {
    const listing = parseListing(listings[index] ?? '');
    if (listing.missing) return;
    if (filter.recursive && (listing.dirs ?? 0) > filter.dirScanLimit) {
      throw new Error(DIR_SCAN_LIMIT_EXCEEDED);
    }
    if (listing.files.length > FILE_COUNT_LIMIT - found.length) throw new Error(FILE_COUNT_LIMIT_EXCEEDED);
    for (const file of listing.files) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      found.push(file);
    }
  });
  return found.map((file) => ({
    Name: file.path.slice(file.path.lastIndexOf('/') + 1),
    Size: file.size,
    Description: '',
    FileVersion: '',
    InstalledDate: '',
    ModificationTime: Number.isFinite(file.mtime) ? rfc3339(file.mtime) : '',
    LastAccessTime: '',
    ProductName: '',
    InstalledDir: dirname(file.path),
    CompanyName: '',
    ProductVersion: '',
    ProductLanguage: '',
  }));
}
