// The patch scanner's readers of dpkg's and apt's output, and its handling of an exec that did not
// run to the end, without a container.
import { describe, expect, it } from 'vitest';
import type { InstanceExec } from '../src/patch/model.js';
import { debianScanner } from '../src/patch/scanner/index.js';
import {
  installResultOf,
  parseInstallTimes,
  parseInstalled,
  listsPrefixOf,
  parsePolicies,
  productOf,
  scanResultOf,
  splitSections,
} from '../src/patch/scanner/parse.js';
import { MARKER } from '../src/patch/scanner/scripts.js';
import { parseOsRelease as parseOsReleaseText } from '../src/core/os-release.js';

const parseOsRelease = (lines: string[]) => parseOsReleaseText(lines.join('\n'));

const m = (name: string) => `${MARKER}${name}`;
const SEC = '/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease';
const MAIN = '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease';

describe('scanner output parsers', () => {
  it('cuts output at marker lines, with the marker argument', () => {
    const sections = splitSections(`noise\n${m('one pkg=1.0')}\na\nb\n${m('rc 0')}\n`);
    expect(sections).toEqual([
      { name: 'one', argument: 'pkg=1.0', lines: ['a', 'b'] },
      { name: 'rc', argument: '0', lines: [''] },
    ]);
  });

  it('names the product and operating system from /etc/os-release', () => {
    const debian = parseOsRelease([
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      'VERSION_ID="12"',
      'ID=debian',
    ]);
    expect(debian.PRETTY_NAME).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(productOf(debian)).toEqual({ product: 'Debian12', operatingSystem: 'DEBIAN' });
    expect(productOf(parseOsRelease(['ID=ubuntu', 'VERSION_ID="22.04"']))).toEqual({
      product: 'Ubuntu22.04',
      operatingSystem: 'UBUNTU',
    });
  });

  it('keeps installed packages only, and takes install times from the .list files', () => {
    expect(
      parseInstalled([
        'ii \tbash\tamd64\t5.2.15-2+b13\tshells\trequired',
        'rc \tgone\tamd64\t1.0\tmisc\toptional',
        'hi \theld\tall\t2.0\t\t',
      ]),
    ).toEqual([
      { name: 'bash', arch: 'amd64', version: '5.2.15-2+b13', section: 'shells', priority: 'required' },
      { name: 'held', arch: 'all', version: '2.0', section: '', priority: '' },
    ]);
    const times = parseInstallTimes(['1700000000 bash.list', '1700000100 libc6:amd64.list', 'junk']);
    expect(times).toEqual(
      new Map([
        ['bash', 1_700_000_000_000],
        ['libc6', 1_700_000_100_000],
      ]),
    );
  });

  it("reads apt-cache policy: installed, candidate and the candidate's sources", () => {
    expect(
      parsePolicies([
        'libssl3:',
        '  Installed: 3.0.11-1~deb12u2',
        '  Candidate: 3.0.15-1~deb12u1',
        '  Version table:',
        '     3.0.15-1~deb12u1 500',
        '        500 http://deb.debian.org/debian bookworm/main amd64 Packages',
        '        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages',
        ' *** 3.0.11-1~deb12u2 100',
        '        100 /var/lib/dpkg/status',
        'ghost:',
        '  Installed: (none)',
        '  Candidate: (none)',
        '  Version table:',
      ]),
    ).toEqual([
      {
        name: 'libssl3',
        installed: '3.0.11-1~deb12u2',
        candidate: '3.0.15-1~deb12u1',
        sources: [
          { uri: 'http://deb.debian.org/debian', dist: 'bookworm' },
          { uri: 'http://deb.debian.org/debian-security', dist: 'bookworm-security' },
        ],
      },
      { name: 'ghost', sources: [] },
    ]);
    expect(listsPrefixOf({ uri: 'http://deb.debian.org/debian-security', dist: 'bookworm-security' })).toBe(
      'deb.debian.org_debian-security_dists_bookworm-security_',
    );
    expect(listsPrefixOf({ uri: 'file:/var/lib/ssm-local/patch-repo', dist: 'bookworm' })).toBe(
      '_var_lib_ssm-local_patch-repo_dists_bookworm_',
    );
  });

  it('puts a scan together: candidate metadata, security suite by codename, release date', () => {
    const stdout = [
      m('os'),
      'ID=debian',
      'VERSION_ID="12"',
      m('installed'),
      'ii \tlibssl3\tamd64\t3.0.11-1~deb12u2\tlibs\toptional',
      'ii \tbash\tamd64\t5.2.15-2+b13\tshells\trequired',
      m('times'),
      '1700000000 libssl3:amd64.list',
      m('releases'),
      `${SEC}:Origin: Debian`,
      `${SEC}:Label: Debian-Security`,
      `${SEC}:Suite: stable-security`,
      `${SEC}:Codename: bookworm-security`,
      `${SEC}:Date: Sat, 16 Nov 2024 10:00:00 UTC`,
      `${MAIN}:Label: Debian`,
      `${MAIN}:Suite: stable`,
      `${MAIN}:Codename: bookworm`,
      `${MAIN}:Date: Sat, 09 Nov 2024 10:00:00 UTC`,
      m('reboot'),
      'no',
      m('candidates'),
      'Package: libssl3',
      'Version: 3.0.15-1~deb12u1',
      'Section: oldlibs',
      'Priority: important',
      '',
      m('policy'),
      'libssl3:',
      '  Installed: 3.0.11-1~deb12u2',
      '  Candidate: 3.0.15-1~deb12u1',
      '  Version table:',
      '     3.0.15-1~deb12u1 500',
      '        500 http://deb.debian.org/debian bookworm/main amd64 Packages',
      '        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages',
      ' *** 3.0.11-1~deb12u2 100',
      '        100 /var/lib/dpkg/status',
      m('end'),
    ].join('\n');
    expect(scanResultOf(stdout)).toEqual({
      product: 'Debian12',
      operatingSystem: 'DEBIAN',
      rebootRequired: false,
      packages: [
        {
          name: 'libssl3',
          arch: 'amd64',
          installedVersion: '3.0.11-1~deb12u2',
          candidateVersion: '3.0.15-1~deb12u1',
          section: 'oldlibs',
          priority: 'important',
          archive: 'bookworm-security',
          security: true,
          releasedAt: Date.UTC(2024, 10, 16, 10),
          installedAt: 1_700_000_000_000,
        },
        {
          name: 'bash',
          arch: 'amd64',
          installedVersion: '5.2.15-2+b13',
          section: 'shells',
          priority: 'required',
          security: false,
        },
      ],
    });
  });

  it('puts an install together: what dpkg now has, and why the others failed', () => {
    const stdout = [
      m('all'),
      "E: Version '9' for 'b' was not found",
      m('rc 100'),
      m('one a=2'),
      'Setting up a (2) ...',
      m('rc 0'),
      m('one b=9'),
      "E: Version '9' for 'b' was not found",
      m('rc 100'),
      m('one c=3'),
      'Skipping c, it is not installed and only upgrades are requested.',
      m('rc 0'),
      m('versions'),
      'a\t2\tii ',
      'b\t1\tii ',
      m('reboot'),
      'yes',
      m('end'),
    ].join('\n');
    const result = installResultOf(
      [
        { name: 'a', version: '2' },
        { name: 'b', version: '9' },
        { name: 'c', version: '3' },
      ],
      stdout,
      'warning\n',
    );
    expect(result).toMatchObject({
      installed: [{ name: 'a', version: '2' }],
      failed: [
        { name: 'b', version: '9', message: "E: Version '9' for 'b' was not found" },
        {
          name: 'c',
          version: '3',
          message: 'Skipping c, it is not installed and only upgrades are requested.',
        },
      ],
      rebootRequired: true,
      stderr: 'warning\n',
    });
    expect(result.stdout).not.toContain(MARKER);
  });
});

describe('debianScanner with an exec that fails', () => {
  const ended =
    (fields: Partial<Awaited<ReturnType<InstanceExec>>>): InstanceExec =>
    () =>
      Promise.resolve({ exitCode: 0, stdout: '', stderr: '', containerLost: false, ...fields });

  it('reports a cancelled or lost install as failed packages, never throwing', async () => {
    const packages = [{ name: 'a', version: '2' }];
    const cancelled = await debianScanner().install(ended({ exitCode: null, stopped: 'cancel' }), packages);
    expect(cancelled.failed).toEqual([{ name: 'a', version: '2', message: 'the command was cancelled' }]);
    const lost = await debianScanner().install(ended({ exitCode: null, containerLost: true }), packages);
    expect(lost.failed[0]!.message).toContain('instance stopped');
  });

  it('keeps a bad package name out of apt-get, reporting it as failed', async () => {
    let argv: string[] = [];
    const exec: InstanceExec = (request) => {
      argv = request.argv;
      return Promise.resolve({
        exitCode: 0,
        stdout: `${m('reboot')}\nno\n`,
        stderr: '',
        containerLost: false,
      });
    };
    const result = await debianScanner().install(exec, [{ name: '--purge', version: '1' }]);
    expect(argv.slice(3)).toEqual(['ssm-local-patch']);
    expect(result.failed).toEqual([
      { name: '--purge', version: '1', message: "'--purge=1' is not a Debian package name and version" },
    ]);
  });

  it('throws when the package manager cannot list patches', async () => {
    await expect(
      debianScanner().scan(ended({ exitCode: 100, stderr: 'E: dpkg was interrupted\n' })),
    ).rejects.toThrow(/exit 100\): E: dpkg was interrupted/);
  });
});
