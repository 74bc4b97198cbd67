// Run Command state, kept in the store per account and region. Plain JSON only: times are epoch
// milliseconds, turned into Date (or ISO strings) when answering.
import type {
  CommandInvocationStatus,
  CommandPluginStatus,
  NotificationEvent,
  NotificationType,
} from '@aws-sdk/client-ssm';
import type { ChangedRecord } from '../core/capability.js';
import type { RegionScope } from '../store/store.js';
import type { PluginStep } from '../documents/api.js';

export const CAPABILITY = 'commands';
const COMMANDS = 'commands';
const INVOCATIONS = 'invocations';

/** One plugin (step) of one invocation. */
export interface StoredPlugin {
  name: string;
  status: CommandPluginStatus;
  statusDetails: string;
  /** -1 until the plugin has run. */
  responseCode: number;
  startedAt?: number;
  finishedAt?: number;
  /** Capped as AWS keeps them: 24,000 and 8,000 characters. */
  stdout: string;
  stderr: string;
}

/** One copy of the command for one managed instance. */
export interface StoredInvocation {
  instanceId: string;
  instanceName: string;
  status: CommandInvocationStatus;
  statusDetails: string;
  plugins: StoredPlugin[];
  /** Set when CancelCommand reached this invocation. */
  cancelRequested?: boolean;
  /** How many times an `exit 194` restarted the instance during this invocation. */
  reboots?: number;
}

export interface StoredTarget {
  Key: string;
  Values: string[];
}

export interface StoredCommand {
  commandId: string;
  /** Orders commands: 0 for the first one sent in this account and region, then 1, 2, ... */
  seq: number;
  documentName: string;
  /** As requested; `$DEFAULT` when none was given. */
  documentVersion: string;
  /** The version that was resolved and is executed. */
  resolvedVersion: string;
  schemaVersion: string;
  comment: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  targets: StoredTarget[];
  requestedAt: number;
  /** requestedAt + TimeoutSeconds + the execution timeouts of every step. */
  expiresAt: number;
  timeoutSeconds: number;
  maxConcurrency: string;
  maxErrors: string;
  outputS3Region: string;
  outputS3BucketName: string;
  outputS3KeyPrefix: string;
  serviceRole: string;
  notificationConfig: {
    NotificationArn: string;
    NotificationEvents: NotificationEvent[];
    /** AWS answers an empty string when no notification was configured. */
    NotificationType: NotificationType | '';
  };
  cloudWatchOutputConfig: { CloudWatchLogGroupName: string; CloudWatchOutputEnabled: boolean };
  alarmConfiguration?: { IgnorePollAlarmFailure?: boolean; Alarms: { Name: string }[] };
  /** The steps to run on every instance, parameters already interpolated. */
  steps: PluginStep[];
  /** CancelCommand without InstanceIds. */
  cancelRequested: boolean;
  /**
   * One per target, in the order they were resolved. Not part of the command's stored record (the
   * property is not enumerable, so JSON leaves it out): each invocation is a record of its own, so
   * a change to one invocation writes that invocation, not all of them.
   */
  invocations: StoredInvocation[];
}

export interface CommandsState {
  /** By CommandId, in the order they were sent (keyed collections, so writes are journaled). */
  commands: Record<string, StoredCommand>;
  /** By `<CommandId>/<InstanceId>`, each command's in its target order. */
  invocations: Record<string, StoredInvocation>;
}

/** States whose commands have their invocations attached (after a load from disk). */
const attached = new WeakSet<CommandsState>();
/** States whose data file kept invocations inside their commands (written before the split). */
const migrated = new WeakSet<CommandsState>();

export function commandsState(scope: RegionScope): CommandsState {
  const state = scope.get<CommandsState>(CAPABILITY, () => ({ commands: {}, invocations: {} }));
  if (!attached.has(state)) attachInvocations(state);
  return state;
}

/** Sets a command's invocations (not enumerable: they are stored as records of their own). */
function setInvocations(command: StoredCommand, invocations: StoredInvocation[]): void {
  Object.defineProperty(command, 'invocations', {
    value: invocations,
    enumerable: false,
    writable: true,
    configurable: true,
  });
}

/**
 * Gives every command loaded from disk its invocations. A data file written before invocations
 * were records of their own keeps them inside the command: they are moved out (the caller that
 * migrated writes the whole file, see needsRewrite).
 */
function attachInvocations(state: CommandsState): void {
  attached.add(state);
  state.invocations ??= {};
  const byCommand = new Map<string, StoredInvocation[]>();
  for (const [key, invocation] of Object.entries(state.invocations)) {
    const commandId = key.slice(0, key.lastIndexOf('/'));
    const list = byCommand.get(commandId);
    if (list) list.push(invocation);
    else byCommand.set(commandId, [invocation]);
  }
  for (const command of Object.values(state.commands)) {
    const inline = Object.getOwnPropertyDescriptor(command, 'invocations');
    if (inline?.enumerable && Array.isArray(inline.value)) {
      const invocations = inline.value as StoredInvocation[];
      for (const invocation of invocations) {
        state.invocations[invocationKey(command.commandId, invocation.instanceId)] = invocation;
      }
      migrated.add(state);
      setInvocations(command, invocations);
    } else {
      setInvocations(command, byCommand.get(command.commandId) ?? []);
    }
  }
}

/** Whether loading this scope moved invocations out of their commands (the file needs a rewrite). */
export function needsRewrite(scope: RegionScope): boolean {
  return migrated.has(commandsState(scope));
}

/** Adds a new command and its invocations to the state. */
export function addCommand(state: CommandsState, command: StoredCommand): void {
  setInvocations(command, command.invocations);
  state.commands[command.commandId] = command;
  for (const invocation of command.invocations) {
    state.invocations[invocationKey(command.commandId, invocation.instanceId)] = invocation;
  }
}

/** Every command of this account and region, oldest first. */
export function commandList(scope: RegionScope): StoredCommand[] {
  return Object.values(commandsState(scope).commands).sort((a, b) => a.seq - b.seq);
}

export function findCommand(scope: RegionScope, commandId: string): StoredCommand | undefined {
  const commands = commandsState(scope).commands;
  return Object.hasOwn(commands, commandId) ? commands[commandId] : undefined;
}

function invocationKey(commandId: string, instanceId: string): string {
  return `${commandId}/${instanceId}`;
}

/** The store record a command's own fields are kept in, for persist(). */
export function commandRecord(commandId: string): ChangedRecord {
  return { capability: CAPABILITY, collection: COMMANDS, key: commandId };
}

/** The store record one invocation is kept in, for persist(). */
export function invocationRecord(commandId: string, instanceId: string): ChangedRecord {
  return { capability: CAPABILITY, collection: INVOCATIONS, key: invocationKey(commandId, instanceId) };
}

/** The records of a command and all its invocations (a new command, or a change to all of them). */
export function wholeCommandRecords(command: StoredCommand): ChangedRecord[] {
  return [
    commandRecord(command.commandId),
    ...command.invocations.map((i) => invocationRecord(command.commandId, i.instanceId)),
  ];
}
