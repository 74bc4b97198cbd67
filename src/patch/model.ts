// The seams inside Patch Manager, between its three parts:
// - scanner/ asks an instance's package manager what is installed and what its repositories offer,
//   and installs updates (inside the container, through a plugin run's exec);
// - baselines/ keeps patch baselines and patch groups (the API) and decides, for an instance, which
//   baseline applies and what it approves;
// - states/ runs AWS-RunPatchBaseline (the plugin), records each instance's patch state and patches,
//   writes Patch compliance and answers the instance/patch-group state operations.
import type { RequestContext } from '../core/capability.js';
import type { PluginExec } from '../commands/api.js';
import type { ExecRequest } from '../docker/executor.js';
import type { ManagedInstance } from '../instances/api.js';

// ---- scanner/ → states/ ----

/** Runs a process in the instance (PluginRun.exec: cancel, expiry and the timeout kill it). */
export type InstanceExec = (request: ExecRequest, timeoutSeconds?: number) => Promise<PluginExec>;

/** One package as the instance's package manager knows it, from the repositories' own metadata. */
export interface PackageFacts {
  name: string;
  /** dpkg architecture (amd64, all, ...). */
  arch: string;
  /** The installed version; absent when the package is not installed. */
  installedVersion?: string;
  /** The newest version the repositories offer when it is newer than the installed one. */
  candidateVersion?: string;
  /** Debian Section of the candidate (else of the installed package), e.g. "utils", "libs". */
  section: string;
  /** Debian Priority: required, important, standard, optional or extra. */
  priority: string;
  /** The archive (suite) the candidate comes from, e.g. "bookworm-security", "bookworm-updates". */
  archive?: string;
  /** The candidate comes from a security archive (how Debian marks security updates). */
  security: boolean;
  /** The installed version is one a security archive offers (an update installed from there). */
  installedSecurity?: boolean;
  /** When the candidate was released (its repository's Release date), epoch ms. */
  releasedAt?: number;
  /** When the installed version was installed (dpkg's info file time), epoch ms. */
  installedAt?: number;
}

/** What a scan found in one instance. */
export interface ScanResult {
  /** PRODUCT as Patch Manager names it, e.g. "Debian12". */
  product: string;
  /** The OperatingSystem of the baselines that apply, e.g. "DEBIAN". */
  operatingSystem: string;
  /** Every installed package, and every package with an update available. */
  packages: PackageFacts[];
  /** The instance says it needs a reboot (Debian: /var/run/reboot-required). */
  rebootRequired: boolean;
}

export interface PackageInstall {
  name: string;
  /** The version to install (the candidate). */
  version: string;
}

export interface InstallResult {
  /** The packages whose new version is now installed. */
  installed: PackageInstall[];
  /** The packages that failed, with the package manager's message. */
  failed: Array<PackageInstall & { message: string }>;
  /** A package asked for a reboot (Debian: /var/run/reboot-required appeared). */
  rebootRequired: boolean;
  /** The package manager's output, for the step's stdout/stderr. */
  stdout: string;
  stderr: string;
}

export interface PatchScanner {
  scan(exec: InstanceExec): Promise<ScanResult>;
  install(exec: InstanceExec, packages: PackageInstall[]): Promise<InstallResult>;
}

// ---- baselines/ → states/ ----

/** A baseline's rules, as GetPatchBaseline answers them (or a BaselineOverride). */
export interface BaselineRules {
  BaselineId?: string;
  OperatingSystem: string;
  GlobalFilters?: { PatchFilters: Array<{ Key: string; Values: string[] }> };
  ApprovalRules?: {
    PatchRules: Array<{
      PatchFilterGroup: { PatchFilters: Array<{ Key: string; Values: string[] }> };
      ComplianceLevel?: string;
      ApproveAfterDays?: number;
      ApproveUntilDate?: string;
      EnableNonSecurity?: boolean;
    }>;
  };
  ApprovedPatches?: string[];
  ApprovedPatchesComplianceLevel?: string;
  ApprovedPatchesEnableNonSecurity?: boolean;
  RejectedPatches?: string[];
  RejectedPatchesAction?: string;
  AvailableSecurityUpdatesComplianceStatus?: string;
}

/** The patch group and baseline that apply to an instance now. */
export interface EffectiveBaseline {
  /** From the instance's `Patch Group` (or `PatchGroup`) tag; absent without one. */
  patchGroup?: string;
  baselineId: string;
  rules: BaselineRules;
}

/** How a baseline judges one package. */
export interface PatchVerdict {
  package: PackageFacts;
  /** As DescribeInstancePatches shows it (Title, KBId, Classification, Severity). */
  title: string;
  kbId: string;
  classification: string;
  severity: string;
  /**
   * INSTALLED, INSTALLED_OTHER, INSTALLED_REJECTED, MISSING, NOT_APPLICABLE or AVAILABLE_SECURITY_UPDATE
   * (states/ turns MISSING into INSTALLED / INSTALLED_PENDING_REBOOT / FAILED after an install).
   */
  state: string;
  /** The baseline approves the update (it is to be installed by an Install operation). */
  approved: boolean;
  /** CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL or UNSPECIFIED. */
  complianceLevel: string;
}

export interface PatchBaselines {
  /**
   * The baseline that applies to the instance now: its patch group's for its operating system, else
   * the default baseline registered for that OS in ctx's account and region.
   */
  effectiveFor(ctx: RequestContext, instance: ManagedInstance, operatingSystem: string): EffectiveBaseline;
  /** Judges each package against the rules, at `now` (for ApproveAfterDays/ApproveUntilDate). */
  evaluate(rules: BaselineRules, scan: ScanResult, now: number): PatchVerdict[];
}
