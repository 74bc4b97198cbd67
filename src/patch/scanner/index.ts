// The package manager inside a Debian instance, for Patch Manager: a scan asks dpkg and apt what is
// installed and what the configured repositories offer (one exec, no network), an install runs
// `apt-get install --only-upgrade name=version ...` and reports each package's outcome. The instance
// image (docker/linux) carries a local repository of sample patches so both work offline.
//
// What differs from real SSM (patch-baseline-operations on Debian):
// - The lists are not refreshed from the network before a scan (AWS runs apt-get update first): the
//   local repository's are refreshed when its Release files changed, Debian's are what the last
//   `apt-get update` in the instance left (none in a fresh instance, so only the samples show).
// - Security: a candidate is a security update when its suite or codename says "security" (e.g.
//   bookworm-security); release dates are the suites' Release Date, not per package.
// - A failed batch is retried package by package so that one bad package does not hold back others.
import type { InstallResult, InstanceExec, PackageInstall, PatchScanner, ScanResult } from '../model.js';
import type { PluginExec } from '../../commands/api.js';
import { installResultOf, scanResultOf } from './parse.js';
import { INSTALL_SCRIPT, SCAN_SCRIPT } from './scripts.js';

/** Messages and apt's output in English, whatever the instance's locale. */
const ENV = { LC_ALL: 'C', LANG: 'C', DEBIAN_FRONTEND: 'noninteractive' };

// What apt accepts as a package name and as a version (Debian policy), so that no argument is an option.
const NAME = /^[a-z0-9][a-z0-9+.-]*$/;
const VERSION = /^[0-9A-Za-z.+~:-]+$/;

function whyNotRun(exec: PluginExec): string | undefined {
  if (exec.stopped === 'cancel') return 'the command was cancelled';
  if (exec.stopped === 'expire') return 'the command expired';
  if (exec.stopped === 'timeout') return 'the command timed out';
  if (exec.containerLost) return 'the instance stopped while the package manager ran';
  if (exec.setupError) return exec.stderr.trim();
  return undefined;
}

export function debianScanner(): PatchScanner {
  return {
    async scan(exec: InstanceExec): Promise<ScanResult> {
      const result = await exec({ argv: ['/bin/sh', '-c', SCAN_SCRIPT], env: ENV });
      const stopped = whyNotRun(result);
      if (stopped) throw new Error(`the patch scan did not finish: ${stopped}`);
      if (result.exitCode !== 0) {
        const detail = result.stderr.trim().split('\n').slice(-5).join('\n');
        throw new Error(
          `the package manager failed to list patches (exit ${String(result.exitCode)}): ${detail}`,
        );
      }
      return scanResultOf(result.stdout);
    },

    async install(exec: InstanceExec, packages: PackageInstall[]): Promise<InstallResult> {
      const valid = packages.filter((p) => NAME.test(p.name) && VERSION.test(p.version));
      const invalid = packages
        .filter((p) => !valid.includes(p))
        .map((p) => ({ ...p, message: `'${p.name}=${p.version}' is not a Debian package name and version` }));
      const args = valid.map((p) => `${p.name}=${p.version}`);
      const result = await exec({
        argv: ['/bin/sh', '-c', INSTALL_SCRIPT, 'ssm-local-patch', ...args],
        env: ENV,
      });
      const stopped = whyNotRun(result);
      if (stopped) {
        return {
          installed: [],
          failed: [...valid.map((p) => ({ ...p, message: stopped })), ...invalid],
          rebootRequired: false,
          stdout: result.stdout,
          stderr: result.stderr,
        };
      }
      const outcome = installResultOf(valid, result.stdout, result.stderr);
      outcome.failed.push(...invalid);
      return outcome;
    },
  };
}
