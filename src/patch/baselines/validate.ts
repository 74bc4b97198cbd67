// What CreatePatchBaseline, UpdatePatchBaseline and a BaselineOverride must satisfy beyond the
// model's shapes: filter keys valid for the operating system (DescribePatchProperties' lists, plus
// SECTION on Debian-family systems), each approval rule with ApproveAfterDays or ApproveUntilDate
// (YYYY-MM-DD) but not both, approved and rejected patches in the operating system's formats.
import { baselineErrors } from './errors.js';
import type { BaselineSettings } from './state.js';

/** The SDK's filter shapes, loosened so that stored settings (plain strings) fit them too. */
interface FilterGroup {
  PatchFilters?: Array<{ Key?: string; Values?: string[] }>;
}
interface RuleGroup {
  PatchRules?: Array<{
    PatchFilterGroup?: FilterGroup;
    ComplianceLevel?: string;
    ApproveAfterDays?: number;
    ApproveUntilDate?: string;
    EnableNonSecurity?: boolean;
  }>;
}

const APT = ['PRODUCT', 'PRIORITY', 'SECTION'];
const YUM = ['PRODUCT', 'CLASSIFICATION', 'SEVERITY'];

/** Patch filter keys by operating system (AWS's PatchFilter and DescribePatchProperties pages). */
export const FILTER_KEYS: Record<string, string[]> = {
  WINDOWS: ['PATCH_SET', 'PRODUCT', 'PRODUCT_FAMILY', 'CLASSIFICATION', 'MSRC_SEVERITY'],
  DEBIAN: APT,
  UBUNTU: APT,
  RASPBIAN: APT,
  AMAZON_LINUX: YUM,
  AMAZON_LINUX_2: YUM,
  AMAZON_LINUX_2022: YUM,
  AMAZON_LINUX_2023: YUM,
  CENTOS: YUM,
  REDHAT_ENTERPRISE_LINUX: YUM,
  ROCKY_LINUX: YUM,
  ALMA_LINUX: YUM,
  ORACLE_LINUX: YUM,
  SUSE: YUM,
  MACOS: ['PRODUCT', 'CLASSIFICATION'],
};

/** Debian, Raspberry Pi OS and Ubuntu: package names only, without architecture or version. */
const APT_PACKAGE = /^[A-Za-z0-9][A-Za-z0-9+._-]*$/;
/** Windows: KB or MSRC bulletin ids. */
const WINDOWS_PATCH = /^(KB\d+|MS\d{2}-\d{3})$/i;
const APT_SYSTEMS = new Set(['DEBIAN', 'UBUNTU', 'RASPBIAN']);

export function isAptSystem(operatingSystem: string): boolean {
  return APT_SYSTEMS.has(operatingSystem);
}

function checkFilters(group: FilterGroup | undefined, operatingSystem: string, where: string): void {
  const valid = FILTER_KEYS[operatingSystem] ?? [];
  const seen = new Set<string>();
  for (const filter of group?.PatchFilters ?? []) {
    const key = filter.Key!;
    if (!valid.includes(key)) {
      throw baselineErrors.validation(
        `The patch filter key ${key} in ${where} is not valid for operating system ${operatingSystem}. ` +
          `Valid keys: ${valid.join(', ')}.`,
      );
    }
    if (seen.has(key))
      throw baselineErrors.validation(`The patch filter key ${key} appears more than once in ${where}.`);
    seen.add(key);
  }
}

/** A YYYY-MM-DD date that exists. */
export function isPatchDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function checkRules(rules: RuleGroup | undefined, operatingSystem: string): void {
  for (const [index, rule] of (rules?.PatchRules ?? []).entries()) {
    const where = `approval rule ${index + 1}`;
    checkFilters(rule.PatchFilterGroup, operatingSystem, where);
    const after = rule.ApproveAfterDays !== undefined && rule.ApproveAfterDays !== null;
    const until = rule.ApproveUntilDate !== undefined && rule.ApproveUntilDate !== null;
    if (after === until) {
      throw baselineErrors.validation(
        `Specify either ApproveAfterDays or ApproveUntilDate for ${where}, but not both.`,
      );
    }
    if (until && !isPatchDate(rule.ApproveUntilDate!)) {
      throw baselineErrors.validation(
        `ApproveUntilDate ${rule.ApproveUntilDate} of ${where} is not a valid date in the format YYYY-MM-DD.`,
      );
    }
  }
}

function checkPatchList(list: string[] | undefined, operatingSystem: string, name: string): void {
  const pattern = isAptSystem(operatingSystem)
    ? APT_PACKAGE
    : operatingSystem === 'WINDOWS'
      ? WINDOWS_PATCH
      : undefined;
  for (const patch of list ?? []) {
    if (pattern && !pattern.test(patch)) {
      throw baselineErrors.validation(
        `${patch} in ${name} is not a valid patch name for operating system ${operatingSystem}.`,
      );
    }
  }
}

/** The members of a Create/Update request or a BaselineOverride that define a baseline. */
export interface SettingsInput {
  Name?: string;
  Description?: string;
  OperatingSystem?: string;
  GlobalFilters?: FilterGroup;
  ApprovalRules?: RuleGroup;
  ApprovedPatches?: string[];
  ApprovedPatchesComplianceLevel?: string;
  ApprovedPatchesEnableNonSecurity?: boolean;
  RejectedPatches?: string[];
  RejectedPatchesAction?: string;
  Sources?: Array<{ Name?: string; Products?: string[]; Configuration?: string }>;
  AvailableSecurityUpdatesComplianceStatus?: string;
}

/** Checks the settings and returns them as stored (absent members left out). */
export function checkedSettings(input: SettingsInput, name: string): BaselineSettings {
  const operatingSystem = input.OperatingSystem ?? 'WINDOWS';
  checkFilters(input.GlobalFilters, operatingSystem, 'GlobalFilters');
  checkRules(input.ApprovalRules, operatingSystem);
  checkPatchList(input.ApprovedPatches, operatingSystem, 'ApprovedPatches');
  checkPatchList(input.RejectedPatches, operatingSystem, 'RejectedPatches');
  if (operatingSystem === 'WINDOWS' && (input.Sources ?? []).length > 0) {
    throw baselineErrors.validation('Sources are supported for Linux operating systems only.');
  }
  const settings: BaselineSettings = { Name: name, OperatingSystem: operatingSystem };
  const copy = <K extends keyof SettingsInput>(key: K): void => {
    const value = input[key];
    if (value !== undefined && value !== null) {
      (settings as unknown as Record<string, unknown>)[key] = JSON.parse(JSON.stringify(value));
    }
  };
  for (const key of [
    'Description',
    'GlobalFilters',
    'ApprovalRules',
    'ApprovedPatches',
    'ApprovedPatchesComplianceLevel',
    'ApprovedPatchesEnableNonSecurity',
    'RejectedPatches',
    'RejectedPatchesAction',
    'Sources',
    'AvailableSecurityUpdatesComplianceStatus',
  ] as const) {
    copy(key);
  }
  return settings;
}
