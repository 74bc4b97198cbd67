// AWS's predefined patch baselines, from fixtures/patch-baselines.json: one per operating system,
// owned by AWS, read-only, the default for its OS until an account registers another. Each region
// has its own copies with their own ARNs (AWS's published values); a region missing from the table
// gets us-east-1's ids in an ARN of its own name.
import { readFileSync } from 'node:fs';
import type { BaselineSettings } from './state.js';

interface Fixture {
  createdDate: string;
  baselines: BaselineSettings[];
  /** region → OperatingSystem → ARN. */
  arns: Record<string, Record<string, string>>;
  /** OperatingSystem → Property → DescribePatchProperties entries. */
  properties: Record<string, Record<string, Array<Record<string, string>>>>;
}

export interface PredefinedBaseline {
  /** The ARN: how AWS names its own baselines in every answer and request. */
  arn: string;
  settings: BaselineSettings;
  createdAt: number;
}

const FIXTURE = new URL('../../../fixtures/patch-baselines.json', import.meta.url);
const FALLBACK_REGION = 'us-east-1';
let fixture: Fixture | undefined;

function load(): Fixture {
  fixture ??= JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
  return fixture;
}

function arnsIn(region: string): Record<string, string> {
  const { arns } = load();
  const own = Object.hasOwn(arns, region) ? arns[region] : undefined;
  if (own) return own;
  const fallback = arns[FALLBACK_REGION] ?? {};
  return Object.fromEntries(
    Object.entries(fallback).map(([os, arn]) => [os, arn.replace(`:${FALLBACK_REGION}:`, `:${region}:`)]),
  );
}

/** The predefined baselines of a region, in the fixture's order. */
export function predefinedBaselines(region: string): PredefinedBaseline[] {
  const { baselines, createdDate } = load();
  const arns = arnsIn(region);
  const createdAt = Date.parse(createdDate);
  return baselines.flatMap((settings) => {
    const arn = arns[settings.OperatingSystem];
    return arn ? [{ arn, settings, createdAt }] : [];
  });
}

export function predefinedByArn(region: string, arn: string): PredefinedBaseline | undefined {
  return predefinedBaselines(region).find((b) => b.arn === arn);
}

/** AWS's default baseline for an operating system in a region. */
export function predefinedDefault(region: string, operatingSystem: string): PredefinedBaseline | undefined {
  return predefinedBaselines(region).find((b) => b.settings.OperatingSystem === operatingSystem);
}

/** DescribePatchProperties' entries for an OS and property; undefined when the OS has no such property. */
export function patchProperties(
  operatingSystem: string,
  property: string,
): Array<Record<string, string>> | undefined {
  const byOs = load().properties[operatingSystem];
  return byOs && Object.hasOwn(byOs, property) ? byOs[property] : undefined;
}
