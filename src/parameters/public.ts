// AWS's public parameters (/aws/service/...), read-only and the same for every account, loaded once
// from fixtures/public-parameters.json. An entry with ValuesByRegion exists only in those regions.
import { readFileSync } from 'node:fs';
import type { ParameterType } from './state.js';

interface FixtureValue {
  Value: string;
  Version: number;
  LastModifiedDate: string;
}

interface FixtureEntry {
  Name: string;
  Type: ParameterType;
  DataType: string;
  Value?: string;
  Version?: number;
  LastModifiedDate?: string;
  ValuesByRegion?: Record<string, FixtureValue>;
}

export interface PublicParameter {
  name: string;
  /** The name without its leading slash. */
  key: string;
  type: ParameterType;
  dataType: string;
  value: string;
  version: number;
  modifiedAt: number;
}

const FIXTURE = new URL('../../fixtures/public-parameters.json', import.meta.url);
let entries: Map<string, FixtureEntry> | undefined;

function load(): Map<string, FixtureEntry> {
  if (!entries) {
    const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { parameters: FixtureEntry[] };
    entries = new Map(doc.parameters.map((entry) => [entry.Name.slice(1), entry]));
  }
  return entries;
}

function inRegion(key: string, entry: FixtureEntry, region: string): PublicParameter | undefined {
  const regional = entry.ValuesByRegion ? entry.ValuesByRegion[region] : undefined;
  const value = regional?.Value ?? (entry.ValuesByRegion ? undefined : entry.Value);
  if (value === undefined) return undefined;
  return {
    name: entry.Name,
    key,
    type: entry.Type,
    dataType: entry.DataType,
    value,
    version: regional?.Version ?? entry.Version ?? 1,
    modifiedAt: Date.parse(regional?.LastModifiedDate ?? entry.LastModifiedDate ?? '1970-01-01T00:00:00Z'),
  };
}

export function publicParameter(key: string, region: string): PublicParameter | undefined {
  const entry = load().get(key);
  return entry ? inRegion(key, entry, region) : undefined;
}

/** Every public parameter of the region, in name order. */
export function publicParameters(region: string): PublicParameter[] {
  const out: PublicParameter[] = [];
  for (const [key, entry] of load()) {
    const found = inRegion(key, entry, region);
    if (found) out.push(found);
  }
  return out;
}
