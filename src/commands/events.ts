// Who hears that an invocation or a command ended: the listeners of the Run Command contract
// (api.ts) and the callers waiting on whenEnded. Listeners run after the change that ended it has
// been made in full (on a microtask), and one that throws does not stop the others.
import type { CommandEnded, CommandRef, InvocationEnded } from './api.js';
import type { StoredCommand, StoredInvocation } from './state.js';
import { summarizeCommand } from './status.js';

export function invocationEnded(ref: CommandRef, invocation: StoredInvocation): InvocationEnded {
  return {
    accountId: ref.accountId,
    region: ref.region,
    commandId: ref.commandId,
    instanceId: invocation.instanceId,
    status: invocation.status,
    statusDetails: invocation.statusDetails,
    plugins: invocation.plugins.map((p) => ({
      name: p.name,
      status: p.status,
      statusDetails: p.statusDetails,
      responseCode: p.responseCode,
      stdout: p.stdout,
      stderr: p.stderr,
    })),
  };
}

export function commandEnded(ref: CommandRef, command: StoredCommand): CommandEnded {
  const summary = summarizeCommand(command);
  return {
    accountId: ref.accountId,
    region: ref.region,
    commandId: ref.commandId,
    status: summary.status,
    statusDetails: summary.statusDetails,
    invocations: command.invocations.map((i) => invocationEnded(ref, i)),
  };
}

function refKey(ref: CommandRef): string {
  return `${ref.accountId}/${ref.region}/${ref.commandId}`;
}

function tell<T>(listeners: Iterable<(event: T) => void>, event: T): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (error) {
      console.error('ssm-local: a Run Command listener failed:', error);
    }
  }
}

export class CommandEvents {
  private readonly invocationListeners = new Set<(ended: InvocationEnded) => void>();
  private readonly commandListeners = new Set<(ended: CommandEnded) => void>();
  private readonly waiters = new Map<string, Array<(ended: CommandEnded) => void>>();

  onInvocationEnded(listener: (ended: InvocationEnded) => void): () => void {
    this.invocationListeners.add(listener);
    return () => this.invocationListeners.delete(listener);
  }

  onCommandEnded(listener: (ended: CommandEnded) => void): () => void {
    this.commandListeners.add(listener);
    return () => this.commandListeners.delete(listener);
  }

  /** Resolves when commandEnded is next told about this command. */
  wait(ref: CommandRef): Promise<CommandEnded> {
    return new Promise((resolve) => {
      const key = refKey(ref);
      const list = this.waiters.get(key);
      if (list) list.push(resolve);
      else this.waiters.set(key, [resolve]);
    });
  }

  invocationEnded(ref: CommandRef, invocation: StoredInvocation): void {
    queueMicrotask(() => tell(this.invocationListeners, invocationEnded(ref, invocation)));
  }

  commandEnded(ref: CommandRef, command: StoredCommand): void {
    queueMicrotask(() => {
      const ended = commandEnded(ref, command);
      const key = refKey(ref);
      const waiting = this.waiters.get(key) ?? [];
      this.waiters.delete(key);
      tell(waiting, ended);
      tell(this.commandListeners, ended);
    });
  }
}
