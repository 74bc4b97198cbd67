// aws:runPatchBaseline, the Linux step of ssm-local's AWS-RunPatchBaseline: what AWS's patching payload
// does, with the instance's own package manager. Scan: ask the package manager, judge every package
// against the baseline that applies (the patch group's, else the default; or a BaselineOverride),
// record. Install: the same, then install the approved missing patches (or those an
// InstallOverrideList names), reboot when RebootIfNeeded and anything was installed (AWS's payload
// exits 194 after any upgrade) or patches are still pending a reboot, scan again and record.
// NoReboot leaves what it installed InstalledPendingReboot until the instance restarts.
import type { PluginOutcome, PluginRun, PluginRunner } from '../../commands/api.js';
import type { Services } from '../../core/capability.js';
import { EXECUTOR } from '../../instances/api.js';
import type {
  EffectiveBaseline,
  InstallResult,
  PatchBaselines,
  PatchScanner,
  PatchVerdict,
} from '../model.js';
import {
  loadBaselineOverride,
  loadInstallOverrideList,
  onOverrideList,
  OverrideError,
  type OverridePatch,
} from './overrides.js';
import { PatchLog, summaryLines } from './output.js';
import { countsOf, patchesOf, type InstallMarks } from './record.js';
import { nonCompliantSeverity, previousRecord, savePatchRun } from './save.js';
import type { StoredPatchState } from './state.js';

interface PatchInputs {
  operation: 'Scan' | 'Install';
  snapshotId: string;
  installOverrideList: string;
  baselineOverride: string;
  rebootOption: 'RebootIfNeeded' | 'NoReboot';
}

class StepFailure extends Error {}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

function inputsOf(inputs: Record<string, unknown>): PatchInputs {
  const operation = text(inputs['Operation']);
  if (operation !== 'Scan' && operation !== 'Install') {
    throw new StepFailure(`Invalid Operation "${operation}": expected Scan or Install.`);
  }
  const rebootOption = text(inputs['RebootOption']) || 'RebootIfNeeded';
  if (rebootOption !== 'RebootIfNeeded' && rebootOption !== 'NoReboot') {
    throw new StepFailure(`Invalid RebootOption "${rebootOption}": expected RebootIfNeeded or NoReboot.`);
  }
  return {
    operation,
    snapshotId: text(inputs['SnapshotId']),
    installOverrideList: text(inputs['InstallOverrideList']),
    baselineOverride: text(inputs['BaselineOverride']),
    rebootOption,
  };
}

/**
 * When the instance's machine last started, epoch ms; undefined when unknown. A container's "boot" is
 * its PID 1's start: the host's boot time (btime) plus PID 1's start in clock ticks after it.
 */
const BOOT_TIME_SCRIPT =
  "b=$(sed -n 's/^btime //p' /proc/stat) && s=$(sed 's/.*) //' /proc/1/stat | cut -d' ' -f20) && " +
  't=$(getconf CLK_TCK) && echo $((b + s / t))';

async function bootTime(run: PluginRun): Promise<number | undefined> {
  const result = await run.exec({ argv: ['/bin/sh', '-c', BOOT_TIME_SCRIPT] }, 30);
  const seconds = Number(result.stdout.trim());
  return result.exitCode === 0 && Number.isInteger(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

export function createPatchRunner(
  services: Services,
  baselines: PatchBaselines,
  scanner: PatchScanner,
): PluginRunner {
  const now = (): number => services.clock.now().getTime();

  return async (run: PluginRun): Promise<PluginOutcome> => {
    const log = new PatchLog(services.clock);
    const failed = (message: string): PluginOutcome => {
      log.error(message);
      const status = run.stopped ? 'Cancelled' : 'Failed';
      return { status, responseCode: 1, stdout: log.stdout(), stderr: log.stderr() };
    };
    try {
      return await patch(run, log);
    } catch (error) {
      if (error instanceof StepFailure || error instanceof OverrideError) return failed(error.message);
      const message = error instanceof Error ? error.message : String(error);
      return failed(`Patching operation failed: ${message}`);
    }
  };

  async function effectiveBaseline(
    run: PluginRun,
    inputs: PatchInputs,
    os: string,
  ): Promise<EffectiveBaseline> {
    const effective = baselines.effectiveFor(run.ctx, run.instance, os);
    if (!inputs.baselineOverride) return effective;
    const rules = await loadBaselineOverride(inputs.baselineOverride, os);
    if (!rules) return effective;
    return { ...effective, baselineId: rules.BaselineId ?? effective.baselineId, rules };
  }

  async function patch(run: PluginRun, log: PatchLog): Promise<PluginOutcome> {
    const inputs = inputsOf(run.inputs);
    if (inputs.installOverrideList && inputs.baselineOverride) {
      throw new StepFailure('InstallOverrideList and BaselineOverride cannot be used at the same time.');
    }
    const start = now();
    const snapshotId = inputs.snapshotId || services.ids.uuid();
    const instanceId = run.instance.instanceId;
    log.info(`Running with snapshot id = ${snapshotId} and operation = ${inputs.operation}`);

    let scan = await scanner.scan(run.exec);
    if (run.stopped) throw new StepFailure('The command was cancelled or expired during the scan.');
    const effective = await effectiveBaseline(run, inputs, scan.operatingSystem);
    const patchGroup = effective.patchGroup ?? '';
    log.info(`Instance Id: ${instanceId}`);
    log.info(`Region: ${run.ctx.region}`);
    log.info(`Product: ${scan.product}`);
    log.info(`Patch Group: ${patchGroup}`);
    log.info(`Operation type: ${inputs.operation}`);
    log.info(`Snapshot Id: ${snapshotId}`);
    log.info(`Patch Baseline: ${JSON.stringify({ BaselineId: effective.baselineId, ...effective.rules })}`);
    log.info(`Reboot Option: ${inputs.rebootOption}`);
    log.info('Starting APT patching operation.');
    let verdicts = baselines.evaluate(effective.rules, scan, now());

    const previous = previousRecord(run.ctx, instanceId);
    const pending: Record<string, number> = { ...(previous?.pendingReboot ?? {}) };
    if (Object.keys(pending).length > 0) {
      const bootedAt = await bootTime(run);
      for (const [kbId, installedAt] of Object.entries(pending)) {
        if (bootedAt !== undefined && bootedAt > installedAt) delete pending[kbId];
      }
    }

    const marks: InstallMarks = { failed: new Set(), pendingReboot: pending };
    let install: InstallResult | undefined;
    if (inputs.operation === 'Install') {
      let overrideList: OverridePatch[] | undefined;
      if (inputs.installOverrideList) {
        log.info(`Downloading InstallOverrideList from: ${inputs.installOverrideList}.`);
        overrideList = await loadInstallOverrideList(inputs.installOverrideList);
      }
      const chosen = verdicts.filter((v) => isInstallable(v, overrideList));
      if (chosen.length === 0) {
        log.info('No packages found that can be upgraded.');
      } else {
        const byName = new Map(chosen.map((v) => [v.package.name, v]));
        log.info(`Packages that will be upgraded: ${chosen.map((v) => v.package.name).join(' ')}`);
        install = await scanner.install(
          run.exec,
          chosen.map((v) => ({ name: v.package.name, version: v.package.candidateVersion! })),
        );
        log.raw(install.stdout);
        for (const failure of install.failed) {
          marks.failed.add(failure.name);
          log.error(`Failed to install ${failure.name} ${failure.version}: ${failure.message}`);
        }
        if (run.stopped) throw new StepFailure('The command was cancelled or expired during the install.');
        if (inputs.rebootOption === 'NoReboot') {
          const installedAt = now();
          for (const done of install.installed) {
            const verdict = byName.get(done.name);
            if (verdict) pending[verdict.kbId] = installedAt;
          }
        }
      }
      const exitCode = marks.failed.size > 0 ? 1 : 0;
      log.info(`Patching operation completed. Exit code: ${exitCode}`);
      const needsReboot = (install?.installed.length ?? 0) > 0 || Object.keys(pending).length > 0;
      if (inputs.rebootOption === 'NoReboot') {
        log.info('Reboot is not permitted because RebootOption is NoReboot');
      } else if (needsReboot) {
        log.info('Reboot is required with patching exit code 194');
        await reboot(run, log);
        for (const kbId of Object.keys(pending)) delete pending[kbId];
      } else {
        log.info('Reboot is not required');
      }
      scan = await scanner.scan(run.exec);
      verdicts = baselines.evaluate(effective.rules, scan, now());
    } else {
      log.info('Reboot is not permitted for scan operation');
    }

    const patches = patchesOf(verdicts, marks);
    const end = now();
    const state: StoredPatchState = {
      instanceId,
      patchGroup,
      baselineId: effective.baselineId,
      snapshotId,
      ...(inputs.installOverrideList ? { installOverrideList: inputs.installOverrideList } : {}),
      operation: inputs.operation,
      rebootOption: inputs.rebootOption,
      operationStartTime: start,
      operationEndTime: end,
      counts: countsOf(patches, effective.rules),
    };
    const lastNoReboot =
      inputs.operation === 'Install' && inputs.rebootOption === 'NoReboot'
        ? end
        : previous?.state.lastNoRebootInstallOperationTime;
    if (lastNoReboot) state.lastNoRebootInstallOperationTime = lastNoReboot;
    const record = { state, patches, ...(Object.keys(pending).length > 0 ? { pendingReboot: pending } : {}) };

    log.info('Start to upload patch compliance.');
    await savePatchRun(run.ctx, record, effective.rules);
    log.info('Upload complete.');
    for (const line of summaryLines(state, nonCompliantSeverity(record, effective.rules))) log.info(line);

    if (marks.failed.size > 0) {
      return {
        status: 'Failed',
        responseCode: 1,
        stdout: log.stdout(),
        stderr: `${log.stderr()}${install?.stderr ?? ''}`,
      };
    }
    return { status: 'Success', responseCode: 0, stdout: log.stdout(), stderr: install?.stderr ?? '' };
  }

  async function reboot(run: PluginRun, log: PatchLog): Promise<void> {
    const executor = services.registry.find(EXECUTOR);
    if (!executor?.restart) {
      log.warning('This executor cannot restart instances: the reboot is skipped.');
      return;
    }
    try {
      await executor.restart(run.instance.containerId);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new StepFailure(`failed to reboot the instance: ${message}`);
    }
    log.info('The instance rebooted; scanning again.');
  }
}

/** An Install installs the approved missing patches, or, with an InstallOverrideList, the listed ones. */
function isInstallable(verdict: PatchVerdict, overrideList: OverridePatch[] | undefined): boolean {
  if (!verdict.package.candidateVersion) return false;
  if (overrideList) return onOverrideList(verdict, overrideList);
  return verdict.state === 'MISSING' && verdict.approved;
}
