// Helpers of test/patch-states*.test.ts. Fakes: a scanner whose packages the test declares (install moves a package
// to its candidate), a baseline that approves security updates, and an executor that can restart
// (counting reboots) and answers the boot time the plugin asks for.
import {
  GetCommandInvocationCommand,
  SendCommandCommand,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { allCapabilities } from '../src/capabilities.js';
import { RUN_COMMAND } from '../src/commands/api.js';
import { COMPLIANCE } from '../src/compliance/api.js';
import type { Capability } from '../src/core/capability.js';
import { FLEET, type ManagedInstance } from '../src/instances/api.js';
import type { MemoryFleet } from '../src/instances/index.js';
import type {
  BaselineRules,
  InstallResult,
  PackageFacts,
  PackageInstall,
  PatchBaselines,
  PatchScanner,
  PatchVerdict,
  ScanResult,
} from '../src/patch/model.js';
import { registerPatchPlugin, stateHandlers } from '../src/patch/states/index.js';
import { eventually } from './commands-helpers.js';
import { FakeExecutor } from './support/fake-executor.js';

export class FakeScanner implements PatchScanner {
  /** Packages by instance... the fake keeps one machine's packages per container id. */
  readonly packages = new Map<string, PackageFacts[]>();
  failing = new Set<string>();
  scans = 0;

  constructor(private readonly initial: () => PackageFacts[]) {}

  private of(containerId: string): PackageFacts[] {
    let list = this.packages.get(containerId);
    if (!list) this.packages.set(containerId, (list = this.initial()));
    return list;
  }

  /** The fake ignores exec except to learn which container it runs in (argv echoes it back). */
  async scan(exec: Parameters<PatchScanner['scan']>[0]): Promise<ScanResult> {
    this.scans++;
    const who = await exec({ argv: ['fake-scanner', 'whoami'] });
    return {
      product: 'Debian12',
      operatingSystem: 'DEBIAN',
      packages: this.of(who.stdout.trim()).map((p) => ({ ...p })),
      rebootRequired: false,
    };
  }

  async install(
    exec: Parameters<PatchScanner['install']>[0],
    wanted: PackageInstall[],
  ): Promise<InstallResult> {
    const who = await exec({ argv: ['fake-scanner', 'whoami'] });
    const list = this.of(who.stdout.trim());
    const result: InstallResult = {
      installed: [],
      failed: [],
      rebootRequired: false,
      stdout: '',
      stderr: '',
    };
    for (const want of wanted) {
      const pkg = list.find((p) => p.name === want.name);
      if (!pkg || this.failing.has(want.name)) {
        result.failed.push({ ...want, message: 'E: simulated failure' });
        continue;
      }
      pkg.installedVersion = want.version;
      delete pkg.candidateVersion;
      pkg.installedAt = Date.now();
      result.installed.push(want);
      result.stdout += `Setting up ${want.name} (${want.version}) ...\n`;
    }
    return result;
  }
}

export const pkg = (name: string, extra: Partial<PackageFacts> = {}): PackageFacts => ({
  name,
  arch: 'amd64',
  installedVersion: '1.0-1',
  section: 'utils',
  priority: 'optional',
  security: false,
  installedAt: Date.parse('2024-01-01T00:00:00Z'),
  ...extra,
});

/** Approves security updates (CRITICAL); a `Patch Group` tag picks baseline pb-group, else pb-default. */
export class FakeBaselines implements PatchBaselines {
  effectiveFor(_ctx: unknown, instance: ManagedInstance, operatingSystem: string) {
    const group = instance.tags.find((t) => t.Key === 'Patch Group' || t.Key === 'PatchGroup')?.Value;
    const baselineId = group ? 'pb-0123456789abcdef1' : 'pb-0123456789abcdef0';
    return {
      ...(group ? { patchGroup: group } : {}),
      baselineId,
      rules: { BaselineId: baselineId, OperatingSystem: operatingSystem } as BaselineRules,
    };
  }

  evaluate(_rules: BaselineRules, scan: ScanResult): PatchVerdict[] {
    return scan.packages.map((p) => {
      const version = p.candidateVersion ?? p.installedVersion ?? '';
      const approved = p.security;
      let state = 'NOT_APPLICABLE';
      if (p.installedVersion) {
        if (p.candidateVersion) state = approved ? 'MISSING' : 'INSTALLED_OTHER';
        else state = approved ? 'INSTALLED' : 'INSTALLED_OTHER';
      }
      return {
        package: p,
        title: `${p.name}.${p.arch}:${version}`,
        kbId: `${p.name}.${p.arch}`,
        classification: p.security ? 'Security' : '',
        severity: p.priority,
        state,
        approved,
        complianceLevel: approved ? 'CRITICAL' : 'UNSPECIFIED',
      };
    });
  }
}

/** A FakeExecutor that restarts (a reboot) and tells the container's boot time. */
export class RebootingExecutor extends FakeExecutor {
  readonly restarts: string[] = [];
  private readonly bootedAt = new Map<string, number>();

  constructor() {
    super((run) => {
      if (run.request.argv[0] === 'fake-scanner') return { exitCode: 0, stdout: `${run.containerId}\n` };
      if (run.script.includes('/proc/1/stat')) {
        const booted = this.bootedAt.get(run.containerId) ?? Date.parse('2020-01-01T00:00:00Z');
        return { exitCode: 0, stdout: `${Math.floor(booted / 1000)}\n` };
      }
      return { exitCode: 0 };
    });
  }

  async restart(containerId: string): Promise<void> {
    this.restarts.push(containerId);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the boot time has a one-second grain
    this.bootedAt.set(containerId, Date.now());
  }
}

/** The whole build with the patch capability's plugin running on the fakes given. */
export function capabilitiesWith(
  fleet: MemoryFleet,
  executor: FakeExecutor,
  scanner: PatchScanner,
  baselines: PatchBaselines,
): Capability[] {
  const patch: Capability = {
    name: 'patch',
    needs: [RUN_COMMAND, FLEET],
    uses: [COMPLIANCE],
    handlers: stateHandlers(),
    start(services) {
      registerPatchPlugin(services, baselines, scanner);
    },
  };
  return [...allCapabilities({ fleet, executor }).filter((c) => c.name !== 'patch'), patch];
}

/** Sends AWS-RunPatchBaseline and waits for the instance's invocation to end. */
export async function runPatchBaseline(
  ssm: SSMClient,
  instanceId: string,
  parameters: Record<string, string>,
  timeoutMs = 20_000,
): Promise<GetCommandInvocationCommandOutput> {
  const sent = await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunPatchBaseline',
      InstanceIds: [instanceId],
      Parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, [v]])),
    }),
  );
  const commandId = sent.Command!.CommandId!;
  return eventually(
    () =>
      ssm
        .send(
          new GetCommandInvocationCommand({
            CommandId: commandId,
            InstanceId: instanceId,
            PluginName: 'PatchLinux',
          }),
        )
        .catch(() => ({ Status: 'Pending' }) as GetCommandInvocationCommandOutput),
    (inv) => ['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(inv.Status ?? ''),
    timeoutMs,
    20,
  );
}
