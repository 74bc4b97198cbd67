// Delivers commands to instances and runs them, after SendCommand has answered: at most
// MaxConcurrency invocations at once, no new ones once errors exceed MaxErrors, instances that are
// offline retried (Delayed) until the command expires (DeliveryTimedOut), CancelCommand and expiry
// kill the running process. Every change is written to the store as it happens.
import type { ChangedRecord, RequestContext, Services } from '../core/capability.js';
import { executorOf, type InstanceExecutor } from '../docker/executor.js';
import { fleetOf, type ManagedInstance } from '../instances/api.js';
import type { RegionScope } from '../store/store.js';
import { InvocationControl } from './control.js';
import { appendLine, capStderr, capStdout } from './output.js';
import {
  applyExitModifiers,
  failedOutcome,
  ORCHESTRATION_ROOT,
  runStep,
  sanitizeStepName,
  skippedByExitCondition,
  type StepContext,
  type StepOutcome,
} from './plugins.js';
import {
  commandList,
  commandRecord,
  findCommand,
  invocationRecord,
  needsRewrite,
  wholeCommandRecords,
  type StoredCommand,
  type StoredInvocation,
  type StoredPlugin,
} from './state.js';
import {
  commandIsTerminal,
  concurrencyLimit,
  errorLimit,
  invocationIsError,
  invocationIsRunning,
  invocationIsWaiting,
  mergePluginResults,
  settleUnfinishedPlugins,
} from './status.js';

/** How often instances that were offline are tried again. */
const RETRY_DELAYED_MS = 1000;
/** setTimeout's largest delay; longer expiries are re-armed. */
const MAX_TIMER_MS = 2_147_000_000;

interface CommandRef {
  accountId: string;
  region: string;
  commandId: string;
}

export class CommandEngine {
  private stopped = false;
  private readonly controls = new Map<string, InvocationControl>();
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly queues = new Map<string, Promise<void>>();
  readonly stepTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly services: Services) {}

  private now(): number {
    return this.services.clock.now().getTime();
  }

  private key(ref: CommandRef, instanceId?: string): string {
    const base = `${ref.accountId}/${ref.region}/${ref.commandId}`;
    return instanceId === undefined ? base : `${base}/${instanceId}`;
  }

  private scope(ref: CommandRef): RegionScope {
    return this.services.store.scope(ref.accountId, ref.region);
  }

  /**
   * Writes what changed: the invocations named, or the command with all its invocations, or (with
   * no ref: after a restart) everything.
   */
  private async persist(ref?: CommandRef, changed?: StoredInvocation[]): Promise<void> {
    let records: ChangedRecord[] | undefined;
    if (ref && changed) {
      records = changed.map((i) => invocationRecord(ref.commandId, i.instanceId));
    } else if (ref) {
      const command = findCommand(this.scope(ref), ref.commandId);
      records = command ? wholeCommandRecords(command) : [commandRecord(ref.commandId)];
    }
    try {
      await this.services.store.persist(
        records?.map((r) => ({ accountId: ref!.accountId, region: ref!.region, ...r })),
      );
    } catch (error) {
      console.error('ssm-local: could not save Run Command state:', error);
    }
  }

  /**
   * Starts delivering a command that was just stored (or recovered after a restart). `instances`,
   * when SendCommand has just listed them, spares the first pass another look at the fleet.
   */
  track(ref: CommandRef, instances?: ManagedInstance[]): void {
    if (this.stopped) return;
    this.armExpiry(ref);
    this.schedule(ref, instances);
  }

  /** Serialises scheduling decisions per command. */
  schedule(ref: CommandRef, instances?: ManagedInstance[]): void {
    if (this.stopped) return;
    const key = this.key(ref);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.pump(ref, instances))
      .catch((error: unknown) => console.error('ssm-local: Run Command scheduling failed:', error));
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  private armExpiry(ref: CommandRef): void {
    const command = findCommand(this.scope(ref), ref.commandId);
    if (!command || commandIsTerminal(command)) return;
    const key = this.key(ref);
    clearTimeout(this.expiryTimers.get(key));
    const delay = Math.min(Math.max(0, command.expiresAt - this.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.expiryTimers.delete(key);
      if (this.now() >= command.expiresAt) this.schedule(ref);
      else this.armExpiry(ref);
    }, delay);
    timer.unref();
    this.expiryTimers.set(key, timer);
  }

  private retryLater(ref: CommandRef): void {
    const key = this.key(ref);
    if (this.retryTimers.has(key) || this.stopped) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(key);
      this.schedule(ref);
    }, RETRY_DELAYED_MS);
    timer.unref();
    this.retryTimers.set(key, timer);
  }

  private clearTimers(ref: CommandRef): void {
    const key = this.key(ref);
    clearTimeout(this.expiryTimers.get(key));
    clearTimeout(this.retryTimers.get(key));
    this.expiryTimers.delete(key);
    this.retryTimers.delete(key);
  }

  /** One scheduling pass: expire, stop on MaxErrors, or start invocations up to MaxConcurrency. */
  private async pump(ref: CommandRef, known?: ManagedInstance[]): Promise<void> {
    if (this.stopped) return;
    const command = findCommand(this.scope(ref), ref.commandId);
    if (!command) return;
    if (commandIsTerminal(command)) {
      this.clearTimers(ref);
      return;
    }
    if (this.now() >= command.expiresAt) {
      await this.expire(ref, command);
      return;
    }
    if (command.invocations.filter(invocationIsError).length > errorLimit(command)) {
      this.terminateWaiting(command);
      await this.persist(ref);
      return;
    }
    const fleet = fleetOf(this.services);
    const executor = executorOf(this.services);
    const limit = concurrencyLimit(command);
    let running = command.invocations.filter(invocationIsRunning).length;
    if (running >= limit || !command.invocations.some(invocationIsWaiting)) return;
    const live =
      known ?? (fleet && executor ? await fleet.list(ref.accountId, ref.region).catch(() => []) : []);
    if (this.stopped) return;
    const instances = new Map(live.map((i) => [i.instanceId, i]));
    running = command.invocations.filter(invocationIsRunning).length;
    const changed: StoredInvocation[] = [];
    let delayed = false;
    for (const invocation of command.invocations) {
      if (running >= limit) break;
      // The command may have been cancelled or expired while the fleet answered.
      if (!invocationIsWaiting(invocation) || this.now() >= command.expiresAt) continue;
      const instance = instances.get(invocation.instanceId);
      if (!instance || !instance.online || !executor) {
        if (invocation.status !== 'Delayed') {
          invocation.status = 'Delayed';
          invocation.statusDetails = 'Delayed';
          changed.push(invocation);
        }
        delayed = true;
        continue;
      }
      invocation.status = 'InProgress';
      invocation.statusDetails = 'InProgress';
      if (invocation.plugins[0]) startPlugin(invocation.plugins[0], this.now());
      changed.push(invocation);
      running++;
      this.launch(ref, command, invocation, instance, executor);
    }
    if (changed.length > 0) await this.persist(ref, changed);
    if (delayed) this.retryLater(ref);
  }

  private launch(
    ref: CommandRef,
    command: StoredCommand,
    invocation: StoredInvocation,
    instance: ManagedInstance,
    executor: InstanceExecutor,
  ): void {
    const control = new InvocationControl();
    const key = this.key(ref, invocation.instanceId);
    this.controls.set(key, control);
    void this.runInvocation(ref, command, invocation, instance, executor, control)
      .catch((error: unknown) => console.error('ssm-local: Run Command execution failed:', error))
      .finally(() => {
        this.controls.delete(key);
        this.schedule(ref);
      });
  }

  private backgroundContext(ref: CommandRef): RequestContext {
    return {
      accountId: ref.accountId,
      region: ref.region,
      requestId: this.services.ids.uuid(),
      operation: 'SendCommand',
      services: this.services,
      scope: this.scope(ref),
      persist: (records) =>
        this.services.store.persist(
          records?.map((r) => ({ ...r, accountId: ref.accountId, region: ref.region })),
        ),
    };
  }

  private async runInvocation(
    ref: CommandRef,
    command: StoredCommand,
    invocation: StoredInvocation,
    instance: ManagedInstance,
    executor: InstanceExecutor,
    control: InvocationControl,
  ): Promise<void> {
    const commandDirectory = `${ORCHESTRATION_ROOT}/${instance.instanceId}/document/orchestration/${command.commandId}`;
    const base: Omit<StepContext, 'directory'> = {
      ctx: this.backgroundContext(ref),
      executor,
      instance,
      region: ref.region,
      commandId: command.commandId,
      schemaVersion: command.schemaVersion,
      control,
      commandDirectory,
      nested: false,
      timers: this.stepTimers,
    };
    const outcomes: StepOutcome[] = [];
    for (let index = 0; index < command.steps.length; index++) {
      const step = command.steps[index]!;
      const plugin = invocation.plugins[index]!;
      if (control.stopped || this.stopped) break;
      if (index > 0) {
        // Written with the previous step's result (the first step started with the invocation).
        startPlugin(plugin, this.now());
        await this.persist(ref, [invocation]);
        if (control.stopped || this.stopped) break;
      }
      const skipped = skippedByExitCondition(command.steps, outcomes, index);
      let result: StepOutcome;
      if (skipped) {
        result = skipped;
      } else {
        const directory = `${commandDirectory}/${stepDirectory(command, index)}`;
        result = await runStep({ ...base, directory }, step);
        while (result.rebootRequested && !control.stopped && !this.stopped) {
          invocation.reboots = (invocation.reboots ?? 0) + 1;
          const restarted = await this.reboot(executor, instance);
          result = restarted ?? (await runStep({ ...base, directory }, step));
        }
        result = applyExitModifiers(step, result);
      }
      if (this.stopped) return;
      outcomes.push(result);
      if (plugin.status !== 'InProgress') break; // settled by expiry meanwhile
      recordOutcome(plugin, result, this.now());
    }
    if (this.stopped) return;
    this.finishInvocation(invocation, control);
    await this.persist(ref, [invocation]);
  }

  /** exit 194: the agent reboots the instance and runs the step again once it is back. */
  private async reboot(
    executor: InstanceExecutor,
    instance: ManagedInstance,
  ): Promise<StepOutcome | undefined> {
    if (!executor.restart) return undefined;
    try {
      await executor.restart(instance.containerId);
      return undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return failedOutcome(`failed to reboot the instance: ${message}`);
    }
  }

  private finishInvocation(invocation: StoredInvocation, control: InvocationControl): void {
    const now = this.now();
    if (control.stopReason === 'expire' || invocation.statusDetails === 'DeliveryTimedOut') {
      settleUnfinishedPlugins(invocation, 'TimedOut', 'DeliveryTimedOut', now);
      invocation.status = 'TimedOut';
      invocation.statusDetails = 'DeliveryTimedOut';
      return;
    }
    if (control.stopReason === 'cancel') {
      settleUnfinishedPlugins(invocation, 'Cancelled', 'Cancelled', now);
      invocation.status = 'Cancelled';
      invocation.statusDetails = 'Cancelled';
      return;
    }
    settleUnfinishedPlugins(invocation, 'Cancelled', 'Cancelled', now);
    const merged = mergePluginResults(invocation.plugins);
    invocation.status = merged.status;
    invocation.statusDetails = merged.statusDetails;
  }

  /** Once errors exceed MaxErrors, invocations not yet sent are cancelled by the system. */
  private terminateWaiting(command: StoredCommand): void {
    const now = this.now();
    for (const invocation of command.invocations) {
      if (!invocationIsWaiting(invocation)) continue;
      settleUnfinishedPlugins(invocation, 'Cancelled', 'Terminated', now);
      invocation.status = 'Cancelled';
      invocation.statusDetails = 'Terminated';
    }
  }

  /** The command expired: whatever has not finished is Delivery Timed Out. */
  private async expire(ref: CommandRef, command: StoredCommand): Promise<void> {
    const now = this.now();
    const kills: Promise<void>[] = [];
    for (const invocation of command.invocations) {
      if (invocationIsWaiting(invocation)) {
        settleUnfinishedPlugins(invocation, 'TimedOut', 'DeliveryTimedOut', now);
        invocation.status = 'TimedOut';
        invocation.statusDetails = 'DeliveryTimedOut';
      } else if (invocationIsRunning(invocation)) {
        const control = this.controls.get(this.key(ref, invocation.instanceId));
        if (control) kills.push(control.stop('expire'));
        else {
          settleUnfinishedPlugins(invocation, 'TimedOut', 'DeliveryTimedOut', now);
          invocation.status = 'TimedOut';
          invocation.statusDetails = 'DeliveryTimedOut';
        }
      }
    }
    this.clearTimers(ref);
    await this.persist(ref);
    await Promise.all(kills);
  }

  /**
   * CancelCommand: invocations not yet sent are cancelled at once; running ones go to Cancelling and
   * their process is killed. Changes state synchronously; the kills finish in the background.
   */
  cancel(ref: CommandRef, command: StoredCommand, instanceIds: string[] | undefined): void {
    if (commandIsTerminal(command)) return;
    const now = this.now();
    if (!instanceIds) command.cancelRequested = true;
    for (const invocation of command.invocations) {
      if (instanceIds && !instanceIds.includes(invocation.instanceId)) continue;
      if (invocationIsWaiting(invocation)) {
        invocation.cancelRequested = true;
        settleUnfinishedPlugins(invocation, 'Cancelled', 'Cancelled', now);
        invocation.status = 'Cancelled';
        invocation.statusDetails = 'Cancelled';
      } else if (invocation.status === 'InProgress') {
        invocation.cancelRequested = true;
        invocation.status = 'Cancelling';
        invocation.statusDetails = 'Cancelling';
        const control = this.controls.get(this.key(ref, invocation.instanceId));
        if (control) void control.stop('cancel');
      }
    }
  }

  /**
   * After a restart: what was running when the emulator stopped is Failed (its process was lost
   * with the agent), what was Cancelling is Cancelled, and invocations not yet sent are delivered.
   */
  async recover(): Promise<void> {
    const now = this.now();
    const refs: CommandRef[] = [];
    // A data file from before invocations were records of their own is rewritten in the new form.
    let migrated = false;
    for (const scope of this.services.store.scopes()) {
      migrated ||= needsRewrite(scope);
      for (const command of commandList(scope)) {
        if (commandIsTerminal(command)) continue;
        for (const invocation of command.invocations) {
          if (invocation.status === 'Cancelling') {
            settleUnfinishedPlugins(invocation, 'Cancelled', 'Cancelled', now);
            invocation.status = 'Cancelled';
            invocation.statusDetails = 'Cancelled';
          } else if (invocation.status === 'InProgress') {
            for (const plugin of invocation.plugins) {
              if (plugin.status !== 'InProgress') continue;
              plugin.stderr = capStderr(
                appendLine(
                  plugin.stderr,
                  'failed to run commands: the agent stopped while the command was running',
                ),
              );
            }
            settleUnfinishedPlugins(invocation, 'Failed', 'Failed', now);
            invocation.status = 'Failed';
            invocation.statusDetails = 'Failed';
          }
        }
        refs.push({ accountId: scope.accountId, region: scope.region, commandId: command.commandId });
      }
    }
    if (refs.length === 0 && !migrated) return;
    await this.persist();
    // Deliver what is left once every capability (the fleet in particular) has started.
    const timer = setTimeout(() => refs.forEach((ref) => this.track(ref)), 0);
    timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [...this.expiryTimers.values(), ...this.retryTimers.values(), ...this.stepTimers]) {
      clearTimeout(timer);
    }
    this.expiryTimers.clear();
    this.retryTimers.clear();
    this.stepTimers.clear();
  }
}

function stepDirectory(command: StoredCommand, index: number): string {
  const step = command.steps[index]!;
  // Schema 1.2 plugins keep their files under <plugin>/<property id>, 2.x steps under the step name.
  if (command.schemaVersion.startsWith('1.')) {
    const id = typeof step.inputs.id === 'string' ? step.inputs.id : `${index}.${step.action}`;
    return `${sanitizeStepName(step.name)}/${sanitizeStepName(id)}`;
  }
  return sanitizeStepName(step.name);
}

function startPlugin(plugin: StoredPlugin, now: number): void {
  plugin.status = 'InProgress';
  plugin.statusDetails = 'InProgress';
  plugin.startedAt = now;
}

function recordOutcome(plugin: StoredPlugin, result: StepOutcome, now: number): void {
  plugin.status = result.status;
  plugin.statusDetails = result.statusDetails;
  plugin.responseCode = result.responseCode;
  plugin.stdout = capStdout(result.stdout);
  plugin.stderr = capStderr(result.stderr);
  plugin.finishedAt = now;
}
