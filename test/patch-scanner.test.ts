// The Debian patch scanner against a real instance container: the image's local repository of
// sample patches (docker/linux/patch-repo) is what a scan finds and an install really upgrades, with
// no network. Checked with dpkg and apt themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTOR } from '../src/instances/api.js';
import type { InstanceExec, PackageFacts, ScanResult } from '../src/patch/model.js';
import { debianScanner } from '../src/patch/scanner/index.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

const hasDocker = await requireDocker('patch scanner');

const SECURITY_DATE = Date.UTC(2024, 2, 12, 18, 0, 0);
const UPDATES_DATE = Date.UTC(2024, 3, 2, 8, 0, 0);

describe.skipIf(!hasDocker)('debianScanner in a real instance', () => {
  let server: DockerTestServer;
  let exec: InstanceExec;
  const scanner = debianScanner();

  const sh = async (script: string) => exec({ argv: ['/bin/sh', '-c', script] });
  const dpkgVersion = async (name: string) => (await sh(`dpkg-query -W -f='\${Version}' ${name}`)).stdout;
  const byName = (scan: ScanResult, name: string): PackageFacts | undefined =>
    scan.packages.find((p) => p.name === name);

  beforeAll(async () => {
    server = await startDockerTestServer({ instances: 1 });
    const executor = server.ssm.runtime.services.registry.get(EXECUTOR);
    const containerId = server.instances[0]!.containerId;
    exec = async (request) => (await executor.exec(containerId, request)).result;
  });
  afterAll(async () => server?.stop());

  it('lists installed packages and the sample updates with their repository metadata', async () => {
    const scan = await scanner.scan(exec);
    expect(scan).toMatchObject({ product: 'Debian12', operatingSystem: 'DEBIAN', rebootRequired: false });

    expect(byName(scan, 'ssm-local-openssl-sample')).toMatchObject({
      arch: 'all',
      installedVersion: '3.0.11-1',
      candidateVersion: '3.0.11-1+deb12u1',
      section: 'utils',
      priority: 'important',
      archive: 'bookworm-security',
      security: true,
      releasedAt: SECURITY_DATE,
    });
    expect(byName(scan, 'ssm-local-kernel-sample')).toMatchObject({
      installedVersion: '6.1.76-1',
      candidateVersion: '6.1.85-1',
      section: 'kernel',
      priority: 'optional',
      archive: 'bookworm-security',
      security: true,
      releasedAt: SECURITY_DATE,
    });
    expect(byName(scan, 'ssm-local-bugfix-sample')).toMatchObject({
      installedVersion: '1.0-1',
      candidateVersion: '1.0-2',
      section: 'admin',
      priority: 'important',
      archive: 'bookworm-updates',
      security: false,
      releasedAt: UPDATES_DATE,
    });
    expect(byName(scan, 'ssm-local-optional-sample')).toMatchObject({
      installedVersion: '2.4-1',
      candidateVersion: '2.5-1',
      section: 'misc',
      priority: 'optional',
      archive: 'bookworm-updates',
      security: false,
    });
    // Available in the repository, not installed: no update applies.
    expect(byName(scan, 'ssm-local-notinstalled-sample')).toBeUndefined();

    // Installed with nothing newer: no candidate; the install time is dpkg's info file time.
    const bash = byName(scan, 'bash')!;
    expect(bash).toMatchObject({ section: 'shells', priority: 'required', security: false });
    expect(bash.installedVersion).toBe(await dpkgVersion('bash'));
    expect(bash.candidateVersion).toBeUndefined();
    const listTime = Number((await sh('stat -c %Y /var/lib/dpkg/info/bash.list')).stdout.trim()) * 1000;
    expect(bash.installedAt).toBe(listTime);

    // The same upgrades apt itself would make, and every package dpkg has.
    const apt = await sh('apt-get -s upgrade | sed -n "s/^Inst \\([^ ]*\\) .*/\\1/p" | sort');
    const withUpdates = scan.packages.filter((p) => p.candidateVersion).map((p) => p.name);
    expect(withUpdates.sort()).toEqual(apt.stdout.trim().split('\n'));
    const dpkg = await sh("dpkg-query -W -f='${db:Status-Abbrev} ${Package}\\n' | grep -c '^.i'");
    expect(scan.packages.length).toBe(Number(dpkg.stdout.trim()));
  });

  it('reports a failing install per package without throwing, and installs the others', async () => {
    const result = await scanner.install(exec, [
      { name: 'ssm-local-bugfix-sample', version: '9.9-9' },
      { name: 'ssm-local-optional-sample', version: '2.5-1' },
      { name: 'ssm-local-notinstalled-sample', version: '1.1-1' },
    ]);
    expect(result.installed).toEqual([{ name: 'ssm-local-optional-sample', version: '2.5-1' }]);
    expect(result.failed).toEqual([
      {
        name: 'ssm-local-bugfix-sample',
        version: '9.9-9',
        message: "E: Version '9.9-9' for 'ssm-local-bugfix-sample' was not found",
      },
      {
        name: 'ssm-local-notinstalled-sample',
        version: '1.1-1',
        message: expect.stringContaining('it is not installed and only upgrades are requested') as string,
      },
    ]);
    expect(result.rebootRequired).toBe(false);
    expect(await dpkgVersion('ssm-local-bugfix-sample')).toBe('1.0-1');
    expect(await dpkgVersion('ssm-local-optional-sample')).toBe('2.5-1');
    expect((await sh('dpkg-query -W ssm-local-notinstalled-sample')).exitCode).not.toBe(0);
  });

  it('really upgrades from the local repository and says a package asked for a reboot', async () => {
    const result = await scanner.install(exec, [
      { name: 'ssm-local-openssl-sample', version: '3.0.11-1+deb12u1' },
      { name: 'ssm-local-kernel-sample', version: '6.1.85-1' },
      { name: 'ssm-local-bugfix-sample', version: '1.0-2' },
    ]);
    expect(result.failed).toEqual([]);
    expect(result.installed.map((p) => p.name)).toEqual([
      'ssm-local-openssl-sample',
      'ssm-local-kernel-sample',
      'ssm-local-bugfix-sample',
    ]);
    expect(result.rebootRequired).toBe(true);
    expect(result.stdout).toContain('file:/var/lib/ssm-local/patch-repo bookworm-security/main');
    expect(result.stdout).not.toContain('@@ssm-local-patch');

    expect(await dpkgVersion('ssm-local-openssl-sample')).toBe('3.0.11-1+deb12u1');
    expect(await dpkgVersion('ssm-local-kernel-sample')).toBe('6.1.85-1');
    expect((await sh('cat /usr/share/ssm-local-samples/ssm-local-bugfix-sample/version')).stdout).toBe(
      '1.0-2\n',
    );
    expect((await sh('cat /var/run/reboot-required.pkgs')).stdout).toBe('ssm-local-kernel-sample\n');

    const scan = await scanner.scan(exec);
    expect(scan.rebootRequired).toBe(true);
    expect(scan.packages.filter((p) => p.name.startsWith('ssm-local-'))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'ssm-local-kernel-sample', installedVersion: '6.1.85-1' }),
      ]),
    );
    expect(scan.packages.filter((p) => p.candidateVersion)).toEqual([]);
  });

  it('refreshes the local lists when the repository changed, still offline', async () => {
    // The repository's Release file changes (as when it is rebuilt): the scan fetches it again.
    const release = '/var/lib/ssm-local/patch-repo/dists/bookworm-updates/Release';
    const list = '/var/lib/apt/lists/_var_lib_ssm-local_patch-repo_dists_bookworm-updates_Release';
    await sh(`sed -i 's/^Date: .*/Date: Wed, 01 May 2024 08:00:00 UTC/' ${release}`);
    expect((await sh(`cmp -s ${release} ${list}`)).exitCode).not.toBe(0);
    const scan = await scanner.scan(exec);
    expect(byName(scan, 'ssm-local-bugfix-sample')).toMatchObject({ installedVersion: '1.0-2' });
    expect((await sh(`cmp -s ${release} ${list}`)).exitCode).toBe(0);
    expect((await sh(`grep '^Date:' ${list}`)).stdout).toBe('Date: Wed, 01 May 2024 08:00:00 UTC\n');
  });
});
