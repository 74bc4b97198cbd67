// The status machine as Run Command reports it: per plugin, per invocation, and aggregated per
// command, with the counts and the MaxConcurrency / MaxErrors arithmetic.
import type { CommandInvocationStatus, CommandPluginStatus, CommandStatus } from '@aws-sdk/client-ssm';
import type { StoredCommand, StoredInvocation, StoredPlugin } from './state.js';

const TERMINAL_INVOCATION: ReadonlySet<CommandInvocationStatus> = new Set([
  'Success',
  'Failed',
  'TimedOut',
  'Cancelled',
]);

export function invocationIsTerminal(invocation: StoredInvocation): boolean {
  return TERMINAL_INVOCATION.has(invocation.status);
}

/** Not yet sent to its instance (still waiting for a slot, or for the instance to come back). */
export function invocationIsWaiting(invocation: StoredInvocation): boolean {
  return invocation.status === 'Pending' || invocation.status === 'Delayed';
}

export function invocationIsRunning(invocation: StoredInvocation): boolean {
  return invocation.status === 'InProgress' || invocation.status === 'Cancelling';
}

/** Failed or Execution Timed Out: the invocations that count against MaxErrors. */
export function invocationIsError(invocation: StoredInvocation): boolean {
  return invocation.statusDetails === 'Failed' || invocation.statusDetails === 'ExecutionTimedOut';
}

export function pendingPlugin(name: string): StoredPlugin {
  return { name, status: 'Pending', statusDetails: 'Pending', responseCode: -1, stdout: '', stderr: '' };
}

/** Marks every plugin that has not reached a terminal state with the given status. */
export function settleUnfinishedPlugins(
  invocation: StoredInvocation,
  status: CommandPluginStatus,
  statusDetails: string,
  now: number,
): void {
  for (const plugin of invocation.plugins) {
    if (plugin.status === 'Pending' || plugin.status === 'InProgress') {
      if (plugin.status === 'InProgress') plugin.finishedAt = now;
      plugin.status = status;
      plugin.statusDetails = statusDetails;
    }
  }
}

/**
 * The invocation's result once every plugin has run, as the agent merges plugin results: a failed
 * plugin fails the invocation, then a timed out one, then a cancelled one.
 */
export function mergePluginResults(plugins: StoredPlugin[]): {
  status: CommandInvocationStatus;
  statusDetails: string;
} {
  if (plugins.some((p) => p.status === 'Failed')) return { status: 'Failed', statusDetails: 'Failed' };
  if (plugins.some((p) => p.status === 'TimedOut')) {
    return { status: 'TimedOut', statusDetails: 'ExecutionTimedOut' };
  }
  if (plugins.some((p) => p.status === 'Cancelled'))
    return { status: 'Cancelled', statusDetails: 'Cancelled' };
  return { status: 'Success', statusDetails: 'Success' };
}

/** A MaxConcurrency or MaxErrors value ("10" or "10%") as a number of targets. */
export function resolveLimit(value: string, targetCount: number): number {
  if (value.endsWith('%')) {
    const percent = Number(value.slice(0, -1));
    return Math.floor((targetCount * percent) / 100);
  }
  return Number(value);
}

/** At most this many invocations run at once (a percentage never rounds down to zero). */
export function concurrencyLimit(command: StoredCommand): number {
  return Math.max(1, resolveLimit(command.maxConcurrency, command.invocations.length));
}

export function errorLimit(command: StoredCommand): number {
  return resolveLimit(command.maxErrors, command.invocations.length);
}

const NEVER_SENT: ReadonlySet<string> = new Set(['Undeliverable', 'InvalidPlatform']);

export interface CommandSummary {
  status: CommandStatus;
  statusDetails: string;
  targetCount: number;
  completedCount: number;
  errorCount: number;
  deliveryTimedOutCount: number;
}

export function summarizeCommand(command: StoredCommand): CommandSummary {
  const invocations = command.invocations;
  const completedCount = invocations.filter(invocationIsTerminal).length;
  const errorCount = invocations.filter(invocationIsError).length;
  const deliveryTimedOutCount = invocations.filter((i) => i.statusDetails === 'DeliveryTimedOut').length;
  const counts = { targetCount: invocations.length, completedCount, errorCount, deliveryTimedOutCount };
  const result = (status: CommandStatus, statusDetails: string): CommandSummary => ({
    status,
    statusDetails,
    ...counts,
  });

  if (invocations.length === 0) return result('Failed', 'NoInstancesInTag');
  if (invocations.some((i) => i.status === 'Cancelling')) return result('Cancelling', 'Cancelling');
  if (completedCount < invocations.length) {
    // Pending until some invocation has been sent (invocations settled at once don't count).
    const sent = invocations.some((i) => i.status !== 'Pending' && !NEVER_SENT.has(i.statusDetails));
    return sent ? result('InProgress', 'InProgress') : result('Pending', 'Pending');
  }
  if (command.cancelRequested) return result('Cancelled', 'Cancelled');
  const maxErrors = errorLimit(command);
  if (errorCount > maxErrors) {
    const failed = invocations.some((i) => i.statusDetails === 'Failed');
    return failed ? result('Failed', 'Failed') : result('TimedOut', 'ExecutionTimedOut');
  }
  if (deliveryTimedOutCount > maxErrors) return result('TimedOut', 'DeliveryTimedOut');
  // Undeliverable invocations neither count as errors nor keep the command from succeeding.
  const counted = invocations.filter((i) => i.statusDetails !== 'Undeliverable');
  if (counted.every((i) => i.status === 'Success')) return result('Success', 'Success');
  return result('Failed', 'Incomplete');
}

export function commandIsTerminal(command: StoredCommand): boolean {
  return command.invocations.every(invocationIsTerminal);
}
