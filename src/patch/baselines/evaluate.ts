// How a baseline judges the packages of one scan, as Patch Manager does on Debian-family systems
// (AWS user guide: "How patch baseline rules work on Debian Server and Raspberry Pi OS", "... on
// Ubuntu Server", "How security patches are selected"):
// - an update is approved by a rule when every filter of the rule (and of GlobalFilters) matches the
//   package (PRODUCT the scan's product, PRIORITY and SECTION the candidate's) and, unless the rule
//   has EnableNonSecurity, the candidate comes from a security archive; ApprovedPatches approve by
//   package name (security updates only unless ApprovedPatchesEnableNonSecurity);
// - RejectedPatches win over both: with BLOCK an installed rejected package is INSTALLED_REJECTED,
//   with ALLOW_AS_DEPENDENCY it is INSTALLED_OTHER; neither is installed by Patch Manager;
// - ApproveAfterDays / ApproveUntilDate are not applied on Debian, Raspberry Pi OS and Ubuntu ("it
//   isn't possible to reliably determine the release dates"); on the other systems they are, against
//   the candidate's release date (an unknown date counts as released);
// - the compliance level is the most severe of the rules (or the approved list) that approve it.
// A package that is not installed is not judged (a patch applies only to software on the instance).
import type { BaselineRules, PackageFacts, PatchVerdict, ScanResult } from '../model.js';
import { isAptSystem } from './validate.js';

const DAY = 86_400_000;
const LEVELS = ['UNSPECIFIED', 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
type Filter = { Key: string; Values: string[] };

function valueMatches(values: string[], actual: string): boolean {
  return values.some((v) => v === '*' || v.toLowerCase() === actual.toLowerCase());
}

function filterMatches(filter: Filter, scan: ScanResult, p: PackageFacts): boolean {
  switch (filter.Key) {
    case 'PRODUCT':
      return valueMatches(filter.Values, scan.product);
    case 'PRIORITY':
      return valueMatches(filter.Values, p.priority);
    case 'SECTION':
      // A section may carry its component ("contrib/net"): either form matches.
      return (
        valueMatches(filter.Values, p.section) || valueMatches(filter.Values, p.section.split('/').pop()!)
      );
    case 'CLASSIFICATION':
      return valueMatches(filter.Values, p.security ? 'Security' : 'Bugfix');
    case 'PATCH_SET':
      return valueMatches(filter.Values, 'OS');
    default:
      // Properties the package manager does not report (SEVERITY, MSRC_SEVERITY, ...): only * matches.
      return filter.Values.includes('*');
  }
}

const groupMatches = (filters: Filter[] | undefined, scan: ScanResult, p: PackageFacts): boolean =>
  (filters ?? []).every((f) => filterMatches(f, scan, p));

/** A patch list entry matches the package's name (`*` is a wildcard; case-insensitive). */
export function listed(list: string[] | undefined, name: string): boolean {
  return (list ?? []).some((entry) => {
    if (!entry.includes('*')) return entry.toLowerCase() === name.toLowerCase();
    const pattern = entry.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    return new RegExp(`^${pattern}$`, 'i').test(name);
  });
}

function released(
  rule: { ApproveAfterDays?: number; ApproveUntilDate?: string },
  p: PackageFacts,
  now: number,
): boolean {
  if (p.releasedAt === undefined) return true;
  if (rule.ApproveUntilDate !== undefined)
    return p.releasedAt < Date.parse(`${rule.ApproveUntilDate}T00:00:00Z`) + DAY;
  return p.releasedAt + (rule.ApproveAfterDays ?? 0) * DAY <= now;
}

const higher = (a: string | undefined, b: string): string =>
  a === undefined || LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a;

/** The compliance level the baseline approves the package's update at, or undefined when it does not. */
function approval(rules: BaselineRules, scan: ScanResult, p: PackageFacts, now: number): string | undefined {
  let level: string | undefined;
  if (listed(rules.ApprovedPatches, p.name) && (p.security || rules.ApprovedPatchesEnableNonSecurity)) {
    level = higher(level, rules.ApprovedPatchesComplianceLevel ?? 'UNSPECIFIED');
  }
  if (!groupMatches(rules.GlobalFilters?.PatchFilters, scan, p)) return level;
  const delays = !isAptSystem(rules.OperatingSystem);
  for (const rule of rules.ApprovalRules?.PatchRules ?? []) {
    if (!groupMatches(rule.PatchFilterGroup.PatchFilters, scan, p)) continue;
    if (!rule.EnableNonSecurity && !p.security) continue;
    if (delays && !released(rule, p, now)) continue;
    level = higher(level, rule.ComplianceLevel ?? 'UNSPECIFIED');
  }
  return level;
}

/**
 * A patch as AWS's Debian/Ubuntu patching names it (package_matcher in its payload): KBId
 * `name.arch`, Title `name.arch:version`, Classification "Security" for a version from a security
 * archive (else ""), Severity the Debian Priority.
 */
function verdict(
  p: PackageFacts,
  version: string,
  state: string,
  approved: boolean,
  level: string,
): PatchVerdict {
  const fromSecurity = version === p.candidateVersion ? p.security : (p.installedSecurity ?? false);
  return {
    package: p,
    title: `${p.name}.${p.arch}:${version}`,
    kbId: `${p.name}.${p.arch}`,
    classification: fromSecurity ? 'Security' : '',
    severity: p.priority,
    state,
    approved,
    complianceLevel: level,
  };
}

/** Judges each installed package of the scan against the rules at `now` (epoch ms). */
export function evaluatePatches(rules: BaselineRules, scan: ScanResult, now: number): PatchVerdict[] {
  const verdicts: PatchVerdict[] = [];
  for (const p of scan.packages) {
    if (p.installedVersion === undefined) continue;
    const candidate = p.candidateVersion;
    if (listed(rules.RejectedPatches, p.name)) {
      const blocked = (rules.RejectedPatchesAction ?? 'ALLOW_AS_DEPENDENCY') === 'BLOCK';
      verdicts.push(
        verdict(
          p,
          p.installedVersion,
          blocked ? 'INSTALLED_REJECTED' : 'INSTALLED_OTHER',
          false,
          'UNSPECIFIED',
        ),
      );
      continue;
    }
    if (candidate !== undefined) {
      const level = approval(rules, scan, p, now);
      if (level !== undefined) verdicts.push(verdict(p, candidate, 'MISSING', true, level));
      else if (
        rules.OperatingSystem === 'WINDOWS' &&
        p.security &&
        rules.AvailableSecurityUpdatesComplianceStatus
      ) {
        verdicts.push(verdict(p, candidate, 'AVAILABLE_SECURITY_UPDATE', false, 'UNSPECIFIED'));
      } else verdicts.push(verdict(p, p.installedVersion, 'INSTALLED_OTHER', false, 'UNSPECIFIED'));
      continue;
    }
    // Up to date: INSTALLED when the baseline approves the installed version (for a security-only
    // rule: one a security archive offers), else INSTALLED_OTHER.
    const level = approval(
      rules,
      scan,
      { ...p, security: p.installedSecurity ?? false, releasedAt: undefined },
      now,
    );
    verdicts.push(
      level !== undefined
        ? verdict(p, p.installedVersion, 'INSTALLED', false, level)
        : verdict(p, p.installedVersion, 'INSTALLED_OTHER', false, 'UNSPECIFIED'),
    );
  }
  return verdicts;
}
