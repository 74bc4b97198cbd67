// Delivers commands to instances and runs them, after SendCommand has answered: at most
// MaxConcurrency invocations at once, no new ones once errors exceed MaxErrors, instances that are
// offline retried (Delayed) until the command expires (DeliveryTimedOut), CancelCommand and expiry
// kill the running process. Every wait is on the scheduler (the injected clock), every invocation
// status change goes through setStatus (which tells the listeners of api.ts), and every change is
// written to the store as it happens.
import type { CommandInvocationStatus, CommandPluginStatus } from '@aws-sdk/client-ssm';
import type { ChangedRecord, Services } from '../core/capability.js';
import type { Timer } from '../core/scheduler.js';
import type { InstanceExecutor } from '../docker/executor.js';
import { EXECUTOR, FLEET, type ManagedInstance } from '../instances/api.js';
import type { RegionScope } from '../store/store.js';
import type { CommandEnded, CommandRef, PluginRunner } from './api.js';
import { InvocationControl } from './control.js';
import { CommandEvents, commandEnded } from './events.js';
import { appendLine, capStderr } from './output.js';
import { runInvocation, startPlugin } from './runner.js';
import {
  commandList,
  commandRecord,
  findCommand,
  invocationRecord,
  needsRewrite,
  wholeCommandRecords,
  type StoredCommand,
  type StoredInvocation,
} from './state.js';
import {
  commandIsTerminal,
  concurrencyLimit,
  errorLimit,
  invocationIsError,
  invocationIsRunning,
  invocationIsTerminal,
  invocationIsWaiting,
  mergePluginResults,
  settleUnfinishedPlugins,
} from './status.js';

/** How often instances that were offline are tried again. */
const RETRY_DELAYED_MS = 1000;

/** A status an invocation moves to, and (for a terminal one) what its unfinished plugins become. */
export interface StatusChange {
  status: CommandInvocationStatus;
  details: string;
  plugins?: { status: CommandPluginStatus; details: string };
}

export class CommandEngine {
  private stopped = false;
  readonly events = new CommandEvents();
  /** Plugins other capabilities provide (RunCommand.registerPlugin), by action. */
  readonly plugins = new Map<string, PluginRunner>();
  private recovered: CommandRef[] = [];
  private readonly controls = new Map<string, InvocationControl>();
  private readonly expiryTimers = new Map<string, Timer>();
  private readonly retryTimers = new Map<string, Timer>();
  private readonly queues = new Map<string, Promise<void>>();

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
   * The one way an invocation's status changes. A terminal status settles the plugins that have not
   * finished and tells the listeners; the last invocation to end ends the command.
   */
  setStatus(
    ref: CommandRef,
    command: StoredCommand,
    invocation: StoredInvocation,
    change: StatusChange,
  ): void {
    const wasTerminal = invocationIsTerminal(invocation);
    if (change.plugins) {
      settleUnfinishedPlugins(invocation, change.plugins.status, change.plugins.details, this.now());
    }
    invocation.status = change.status;
    invocation.statusDetails = change.details;
    if (wasTerminal || !invocationIsTerminal(invocation)) return;
    this.events.invocationEnded(ref, invocation);
    if (commandIsTerminal(command)) this.events.commandEnded(ref, command);
  }

  /** Resolves once the command is terminal; undefined when there is no such command. */
  async whenEnded(ref: CommandRef): Promise<CommandEnded | undefined> {
    const command = findCommand(this.scope(ref), ref.commandId);
    if (!command) return undefined;
    if (commandIsTerminal(command)) return commandEnded(ref, command);
    return this.events.wait(ref);
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
    const command = findCommand(this.scope(ref), ref.commandId);
    if (!command) return;
    // A command no instance was reached by (or that every target refused) ends at once.
    if (command.invocations.length === 0) this.events.commandEnded(ref, command);
    if (commandIsTerminal(command)) return;
    this.clearTimers(ref);
    this.expiryTimers.set(
      this.key(ref),
      this.services.scheduler.at(command.expiresAt, () => this.schedule(ref)),
    );
    this.schedule(ref, instances);
  }

  /** Serialises scheduling decisions per command. */
  schedule(ref: CommandRef, instances?: ManagedInstance[]): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const key = this.key(ref);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.pump(ref, instances))
      .catch((error: unknown) => console.error('ssm-local: Run Command scheduling failed:', error));
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
    return next;
  }

  private retryLater(ref: CommandRef): void {
    const key = this.key(ref);
    if (this.retryTimers.has(key) || this.stopped) return;
    const timer = this.services.scheduler.after(RETRY_DELAYED_MS, () => {
      this.retryTimers.delete(key);
      return this.schedule(ref);
    });
    this.retryTimers.set(key, timer);
  }

  private clearTimers(ref: CommandRef): void {
    const key = this.key(ref);
    this.services.scheduler.cancel(this.expiryTimers.get(key));
    this.services.scheduler.cancel(this.retryTimers.get(key));
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
      this.terminateWaiting(ref, command);
      await this.persist(ref);
      return;
    }
    const limit = concurrencyLimit(command);
    let running = command.invocations.filter(invocationIsRunning).length;
    if (running >= limit || !command.invocations.some(invocationIsWaiting)) return;
    const fleet = this.services.registry.get(FLEET);
    const executor = this.services.registry.get(EXECUTOR);
    const live = known ?? (await fleet.list(ref.accountId, ref.region).catch(() => []));
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
      if (!instance || !instance.online) {
        if (invocation.status !== 'Delayed') {
          this.setStatus(ref, command, invocation, { status: 'Delayed', details: 'Delayed' });
          changed.push(invocation);
        }
        delayed = true;
        continue;
      }
      this.setStatus(ref, command, invocation, { status: 'InProgress', details: 'InProgress' });
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
    void runInvocation({
      services: this.services,
      ref,
      command,
      invocation,
      instance,
      executor,
      control,
      plugins: this.plugins,
      isStopped: () => this.stopped,
      persist: () => this.persist(ref, [invocation]),
    })
      .then(async (finished) => {
        if (!finished || this.stopped) return;
        this.setStatus(ref, command, invocation, finalStatus(invocation, control));
        await this.persist(ref, [invocation]);
      })
      .catch((error: unknown) => console.error('ssm-local: Run Command execution failed:', error))
      .finally(() => {
        this.controls.delete(key);
        void this.schedule(ref);
      });
  }

  /** Once errors exceed MaxErrors, invocations not yet sent are cancelled by the system. */
  private terminateWaiting(ref: CommandRef, command: StoredCommand): void {
    const terminated = { status: 'Cancelled', details: 'Terminated' } as const;
    for (const invocation of command.invocations.filter(invocationIsWaiting)) {
      this.setStatus(ref, command, invocation, { ...terminated, plugins: terminated });
    }
  }

  /** The command expired: whatever has not finished is Delivery Timed Out. */
  private async expire(ref: CommandRef, command: StoredCommand): Promise<void> {
    const kills: Promise<void>[] = [];
    for (const invocation of command.invocations) {
      const control = this.controls.get(this.key(ref, invocation.instanceId));
      if (invocationIsRunning(invocation) && control) kills.push(control.stop('expire'));
      else if (invocationIsWaiting(invocation) || invocationIsRunning(invocation)) {
        this.setStatus(ref, command, invocation, DELIVERY_TIMED_OUT);
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
    if (!instanceIds) command.cancelRequested = true;
    for (const invocation of command.invocations) {
      if (instanceIds && !instanceIds.includes(invocation.instanceId)) continue;
      if (invocationIsWaiting(invocation)) {
        invocation.cancelRequested = true;
        this.setStatus(ref, command, invocation, CANCELLED);
      } else if (invocation.status === 'InProgress') {
        invocation.cancelRequested = true;
        this.setStatus(ref, command, invocation, { status: 'Cancelling', details: 'Cancelling' });
        const control = this.controls.get(this.key(ref, invocation.instanceId));
        if (control) void control.stop('cancel');
      }
    }
  }

  /**
   * After a restart: what was running when the emulator stopped is Failed (its process was lost
   * with the agent), what was Cancelling is Cancelled, and invocations not yet sent are delivered
   * once the fleet has adopted its instances.
   */
  async recover(): Promise<void> {
    const refs: CommandRef[] = [];
    // A data file from before invocations were records of their own is rewritten in the new form.
    let migrated = false;
    for (const scope of this.services.store.scopes()) {
      migrated ||= needsRewrite(scope);
      for (const command of commandList(scope)) {
        if (commandIsTerminal(command)) continue;
        const ref = { accountId: scope.accountId, region: scope.region, commandId: command.commandId };
        for (const invocation of command.invocations) {
          if (invocation.status === 'Cancelling') this.setStatus(ref, command, invocation, CANCELLED);
          else if (invocation.status === 'InProgress') {
            for (const plugin of invocation.plugins.filter((p) => p.status === 'InProgress')) {
              plugin.stderr = capStderr(appendLine(plugin.stderr, AGENT_STOPPED));
            }
            const failed = { status: 'Failed', details: 'Failed' } as const;
            this.setStatus(ref, command, invocation, { ...failed, plugins: failed });
          }
        }
        refs.push(ref);
      }
    }
    this.recovered = refs;
    if (refs.length === 0 && !migrated) return;
    await this.persist();
  }

  /** Delivers what recover() found unfinished, once the fleet is ready (after every capability started). */
  resume(): void {
    const refs = this.recovered;
    this.recovered = [];
    if (refs.length === 0) return;
    const fleet = this.services.registry.get(FLEET);
    void fleet.whenReady().then(() => refs.forEach((ref) => this.track(ref)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [...this.expiryTimers.values(), ...this.retryTimers.values()]) {
      this.services.scheduler.cancel(timer);
    }
    this.expiryTimers.clear();
    this.retryTimers.clear();
  }
}

const AGENT_STOPPED = 'failed to run commands: the agent stopped while the command was running';
const CANCELLED: StatusChange = {
  status: 'Cancelled',
  details: 'Cancelled',
  plugins: { status: 'Cancelled', details: 'Cancelled' },
};
const DELIVERY_TIMED_OUT: StatusChange = {
  status: 'TimedOut',
  details: 'DeliveryTimedOut',
  plugins: { status: 'TimedOut', details: 'DeliveryTimedOut' },
};

/** How an invocation whose steps have all run (or were stopped) ends. */
function finalStatus(invocation: StoredInvocation, control: InvocationControl): StatusChange {
  if (control.stopReason === 'expire' || invocation.statusDetails === 'DeliveryTimedOut') {
    return DELIVERY_TIMED_OUT;
  }
  if (control.stopReason === 'cancel') return CANCELLED;
  // Steps left unrun (after a stop in between) are Cancelled; the plugins' results decide.
  const unrun = { status: 'Cancelled', details: 'Cancelled' } as const;
  const merged = mergePluginResults(
    invocation.plugins.map((p) =>
      p.status === 'Pending' || p.status === 'InProgress' ? { ...p, status: unrun.status } : p,
    ),
  );
  return { status: merged.status, details: merged.statusDetails, plugins: unrun };
}
