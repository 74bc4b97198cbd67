// evaluate(): how a baseline judges the packages of a scan (synthetic ScanResults), and
// effectiveFor(): which baseline applies to an instance, through its patch group tag.
import { describe, expect, it } from 'vitest';
import { evaluatePatches, productOf } from '../src/patch/baselines/index.js';
import type { BaselineRules, PackageFacts, ScanResult } from '../src/patch/model.js';

const NOW = Date.parse('2030-06-15T12:00:00Z');
const DAY = 86_400_000;

const pkg = (name: string, facts: Partial<PackageFacts> = {}): PackageFacts => ({
  name,
  arch: 'amd64',
  installedVersion: '1.0-1',
  candidateVersion: '1.0-2',
  section: 'utils',
  priority: 'important',
  archive: 'bookworm-security',
  security: true,
  ...facts,
});

const scan = (...packages: PackageFacts[]): ScanResult => ({
  product: 'Debian12',
  operatingSystem: 'DEBIAN',
  packages,
  rebootRequired: false,
});

const AWS_DEBIAN: BaselineRules = {
  OperatingSystem: 'DEBIAN',
  GlobalFilters: { PatchFilters: [] },
  ApprovalRules: {
    PatchRules: [
      {
        PatchFilterGroup: {
          PatchFilters: [
            { Key: 'PRODUCT', Values: ['*'] },
            { Key: 'PRIORITY', Values: ['Required', 'Important', 'Standard', 'Optional', 'Extra'] },
            { Key: 'SECTION', Values: ['*'] },
          ],
        },
        ComplianceLevel: 'UNSPECIFIED',
        ApproveAfterDays: 0,
        EnableNonSecurity: false,
      },
    ],
  },
};

const byName = (rules: BaselineRules, result: ScanResult) =>
  Object.fromEntries(evaluatePatches(rules, result, NOW).map((v) => [v.package.name, v]));

describe('evaluate', () => {
  it('approves security updates only, unless the rule enables non-security ones', () => {
    const result = scan(
      pkg('openssl'),
      pkg('tzdata', { archive: 'bookworm-updates', security: false }),
      pkg('bash', { candidateVersion: undefined, archive: undefined, security: false }),
      pkg('libssl3', {
        candidateVersion: undefined,
        archive: undefined,
        security: false,
        installedSecurity: true,
      }),
    );
    const v = byName(AWS_DEBIAN, result);
    expect(v.openssl).toMatchObject({ state: 'MISSING', approved: true, complianceLevel: 'UNSPECIFIED' });
    // AWS's Debian names (its payload's package_matcher): KBId name.arch, Title name.arch:version.
    expect(v.openssl).toMatchObject({
      kbId: 'openssl.amd64',
      title: 'openssl.amd64:1.0-2',
      classification: 'Security',
    });
    expect(v.tzdata).toMatchObject({
      state: 'INSTALLED_OTHER',
      approved: false,
      title: 'tzdata.amd64:1.0-1',
      classification: '',
    });
    expect(v.bash).toMatchObject({ state: 'INSTALLED_OTHER', approved: false });
    // Up to date with a version a security archive offers: approved, so Installed.
    expect(v.libssl3).toMatchObject({ state: 'INSTALLED', classification: 'Security' });

    const nonSecurity: BaselineRules = {
      ...AWS_DEBIAN,
      ApprovalRules: {
        PatchRules: [
          { ...AWS_DEBIAN.ApprovalRules!.PatchRules[0]!, EnableNonSecurity: true, ComplianceLevel: 'LOW' },
        ],
      },
    };
    const all = byName(nonSecurity, result);
    expect(all.tzdata).toMatchObject({ state: 'MISSING', approved: true, complianceLevel: 'LOW' });
    expect(all.bash).toMatchObject({ state: 'INSTALLED', approved: false, complianceLevel: 'LOW' });
  });

  it('matches PRODUCT, PRIORITY and SECTION filters', () => {
    const rules: BaselineRules = {
      OperatingSystem: 'DEBIAN',
      ApprovalRules: {
        PatchRules: [
          {
            PatchFilterGroup: {
              PatchFilters: [
                { Key: 'PRODUCT', Values: ['Debian12'] },
                { Key: 'PRIORITY', Values: ['Required'] },
                { Key: 'SECTION', Values: ['libs', 'net'] },
              ],
            },
            ApproveAfterDays: 0,
            ComplianceLevel: 'CRITICAL',
          },
        ],
      },
    };
    const v = byName(
      rules,
      scan(
        pkg('libc6', { priority: 'required', section: 'libs' }),
        pkg('curl', { priority: 'optional', section: 'web' }),
        pkg('rsync', { priority: 'required', section: 'contrib/net' }),
        pkg('vim', { priority: 'required', section: 'editors' }),
      ),
    );
    expect(v.libc6).toMatchObject({ state: 'MISSING', complianceLevel: 'CRITICAL' });
    expect(v.rsync).toMatchObject({ state: 'MISSING' });
    expect(v.curl!.state).toBe('INSTALLED_OTHER');
    expect(v.vim!.state).toBe('INSTALLED_OTHER');
    const otherProduct = evaluatePatches(
      rules,
      { ...scan(pkg('libc6', { priority: 'required', section: 'libs' })), product: 'Debian11' },
      NOW,
    );
    expect(otherProduct[0]!.state).toBe('INSTALLED_OTHER');
    // Global filters exclude what they do not match.
    const global = byName(
      { ...AWS_DEBIAN, GlobalFilters: { PatchFilters: [{ Key: 'SECTION', Values: ['libs'] }] } },
      scan(pkg('libc6', { section: 'libs' }), pkg('curl', { section: 'web' })),
    );
    expect(global.libc6!.state).toBe('MISSING');
    expect(global.curl!.state).toBe('INSTALLED_OTHER');
  });

  it('applies ApproveAfterDays and ApproveUntilDate where AWS supports them, not on Debian', () => {
    const delayed = (os: string, rule: object): BaselineRules => ({
      OperatingSystem: os,
      ApprovalRules: { PatchRules: [{ PatchFilterGroup: { PatchFilters: [] }, ...rule }] },
    });
    const packages = scan(
      pkg('old', { releasedAt: NOW - 10 * DAY }),
      pkg('new', { releasedAt: NOW - 2 * DAY }),
      pkg('undated', { releasedAt: undefined }),
    );
    const linux = byName(delayed('AMAZON_LINUX_2', { ApproveAfterDays: 7 }), packages);
    expect(linux.old!.state).toBe('MISSING');
    expect(linux.new!.state).toBe('INSTALLED_OTHER');
    expect(linux.undated!.state).toBe('MISSING');
    const until = byName(delayed('AMAZON_LINUX_2', { ApproveUntilDate: '2030-06-10' }), packages);
    expect(until.old!.state).toBe('MISSING');
    expect(until.new!.state).toBe('INSTALLED_OTHER');
    // Debian: release dates are not used, so a delay approves at once.
    const debian = byName(delayed('DEBIAN', { ApproveAfterDays: 7 }), packages);
    expect(debian.new!.state).toBe('MISSING');
  });

  it('approves listed patches, security ones unless non-security is enabled', () => {
    const rules: BaselineRules = {
      OperatingSystem: 'DEBIAN',
      ApprovedPatches: ['curl', 'lib*'],
      ApprovedPatchesComplianceLevel: 'HIGH',
    };
    const packages = scan(
      pkg('curl'),
      pkg('libxml2', { security: false, archive: 'bookworm-updates' }),
      pkg('vim'),
      pkg('wget', { candidateVersion: undefined }),
    );
    const v = byName(rules, packages);
    expect(v.curl).toMatchObject({ state: 'MISSING', approved: true, complianceLevel: 'HIGH' });
    expect(v.libxml2!.state).toBe('INSTALLED_OTHER');
    expect(v.vim!.state).toBe('INSTALLED_OTHER');
    const withNonSecurity = byName({ ...rules, ApprovedPatchesEnableNonSecurity: true }, packages);
    expect(withNonSecurity.libxml2).toMatchObject({ state: 'MISSING', complianceLevel: 'HIGH' });
    // The most severe of the approving rule and list.
    const both = byName({ ...AWS_DEBIAN, ...rules, ApprovedPatchesComplianceLevel: 'MEDIUM' }, packages);
    expect(both.curl!.complianceLevel).toBe('MEDIUM');
  });

  it('rejects listed patches: BLOCK reports INSTALLED_REJECTED, ALLOW_AS_DEPENDENCY INSTALLED_OTHER', () => {
    const packages = scan(pkg('openssl'), pkg('telnet', { candidateVersion: undefined }));
    const block = byName(
      { ...AWS_DEBIAN, RejectedPatches: ['openssl', 'telnet'], RejectedPatchesAction: 'BLOCK' },
      packages,
    );
    expect(block.openssl).toMatchObject({
      state: 'INSTALLED_REJECTED',
      approved: false,
      title: 'openssl.amd64:1.0-1',
    });
    expect(block.telnet!.state).toBe('INSTALLED_REJECTED');
    const allow = byName({ ...AWS_DEBIAN, RejectedPatches: ['openssl'] }, packages);
    expect(allow.openssl).toMatchObject({ state: 'INSTALLED_OTHER', approved: false });
    // The rejected list wins over the approved list.
    const both = byName(
      { ...AWS_DEBIAN, ApprovedPatches: ['openssl'], RejectedPatches: ['openssl'] },
      packages,
    );
    expect(both.openssl!.approved).toBe(false);
  });

  it('skips packages that are not installed and keeps the version as apt writes it in titles', () => {
    const v = evaluatePatches(
      AWS_DEBIAN,
      scan(
        pkg('ghost', { installedVersion: undefined }),
        pkg('perl', { candidateVersion: '1:5.36.0-7+deb12u1' }),
      ),
      NOW,
    );
    expect(v.map((x) => x.package.name)).toEqual(['perl']);
    expect(v[0]!.title).toBe('perl.amd64:1:5.36.0-7+deb12u1');
  });

  it('names products as Patch Manager does', () => {
    expect(productOf({ ID: 'debian', VERSION_ID: '12' })).toEqual({
      product: 'Debian12',
      operatingSystem: 'DEBIAN',
    });
    expect(productOf({ ID: 'ubuntu', VERSION_ID: '22.04' })).toEqual({
      product: 'Ubuntu22.04',
      operatingSystem: 'UBUNTU',
    });
    expect(productOf({ ID: 'amzn', VERSION_ID: '2023' })?.product).toBe('AmazonLinux2023');
    expect(productOf({ ID: 'debian', VERSION_ID: '13' })).toBeUndefined();
    expect(productOf({ ID: 'alpine', VERSION_ID: '3.19' })).toBeUndefined();
  });
});
