// Patch Manager: patch baselines and patch groups (baselines/), AWS-RunPatchBaseline executed for
// real in the instances with their own package manager (scanner/ in the container, states/ for the
// plugin, instance patch states and Patch compliance).
//
// What differs from real SSM:
// - Baselines: AWS's predefined baselines (one default per operating system, by the ARNs AWS publishes
//   per region; a region missing from fixtures/patch-baselines.json gets us-east-1's ids) carry
//   rules reconstructed from AWS's documentation; their CreatedDate is a fixed date.
// - Baselines: there is no catalog of published patches: DescribeAvailablePatches answers an empty
//   list, DescribeEffectivePatchesForPatchBaseline an empty list for Windows baselines (and
//   UnsupportedOperatingSystem for the others, as AWS documents); DescribePatchProperties answers a
//   fixed list per operating system.
// - Baselines: GetDeployablePatchSnapshotForInstance reads the instance's os-release for its Product
//   (Debian, Raspberry Pi OS, Ubuntu and Amazon Linux releases Patch Manager supports; others are
//   UnsupportedOperatingSystem) and answers a SnapshotDownloadUrl of AWS's shape that nothing serves.
// - Baselines: on Debian, Raspberry Pi OS and Ubuntu, ApproveAfterDays/ApproveUntilDate are accepted
//   and not applied, as AWS documents. Several error texts are ours (marked in baselines/errors.ts).
// - states/: AWS-RunPatchBaseline's PatchLinux step is ssm-local's plugin aws:runPatchBaseline (AWS's
//   step downloads Amazon's patching payload from S3); its output follows that payload's log lines.
// - states/: Install reboots (restarts the container) when RebootIfNeeded and anything was installed
//   or patches are still pending a reboot, then scans again before recording, as AWS's payload does
//   after its exit 194. NoReboot keeps the installed patches InstalledPendingReboot until the
//   container restarts (PID 1's start time is the boot time).
// - states/: InstallOverrideList and BaselineOverride: s3:// URLs fail the step (no Amazon S3); https://
//   URLs are read by the ssm-local server, not by the instance. Override-listed patches are installed
//   whether or not the baseline approves them; states are still judged against the baseline.
// - Patches on Debian-family instances take the form AWS's payload gives them (its
//   patch_common/package_matcher.py): KBId `name.arch`, Title `name.arch:version`, Classification
//   "Security" (a version from a security archive) or "", Severity the Debian Priority.
// - scanner/: no `apt-get update` from the network: the image's local repository of sample updates
//   (docker/linux/patch-repo) is refreshed when it changes, other sources are as the instance's last
//   `apt-get update` left them. An update is a security update when its suite or codename contains
//   "security"; its release date is its suite's Release date. A failed batch install is retried
//   package by package. Starting a container clears /run/reboot-required, as a boot does.
// - states/: patch states are kept per instance forever; DescribeInstancePatchStatesForPatchGroup and
//   DescribePatchGroupState use the patch group recorded by each instance's last run. NotApplicable
//   patches are listed by DescribeInstancePatches but get no compliance item (AWS's default);
//   UnreportedNotApplicableCount is always 0 (a Windows count); OwnerInformation is never set (no
//   maintenance windows).
import { RUN_COMMAND } from '../commands/api.js';
import { COMPLIANCE } from '../compliance/api.js';
import type { Capability, CapabilityStatus, Services } from '../core/capability.js';
import { EXECUTOR, FLEET } from '../instances/api.js';
import { baselineHandlers, createBaselines, patchBaselineTaggable } from './baselines/index.js';
import type { PatchBaselines } from './model.js';
import { debianScanner } from './scanner/index.js';
import { registerPatchPlugin, stateHandlers } from './states/index.js';

export function patchCapability(): Capability {
  let baselines: PatchBaselines | undefined;
  return {
    name: 'patch',
    needs: [RUN_COMMAND, FLEET],
    uses: [COMPLIANCE, EXECUTOR],
    handlers: { ...baselineHandlers(), ...stateHandlers() },
    taggable: { PatchBaseline: patchBaselineTaggable },
    start(services: Services) {
      baselines = createBaselines(services);
      registerPatchPlugin(services, baselines, debianScanner());
    },
    status(): CapabilityStatus {
      return baselines ? { up: true } : { up: false, detail: 'not started' };
    },
  };
}
