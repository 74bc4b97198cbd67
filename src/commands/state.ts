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
  invocations: StoredInvocation[];
}

export interface CommandsState {
  /** By CommandId, in the order they were sent (a keyed collection, so writes are journaled). */
  commands: Record<string, StoredCommand>;
}

export function commandsState(scope: RegionScope): CommandsState {
  return scope.get<CommandsState>(CAPABILITY, () => ({ commands: {} }));
}

/** Every command of this account and region, oldest first. */
export function commandList(scope: RegionScope): StoredCommand[] {
  return Object.values(commandsState(scope).commands).sort((a, b) => a.seq - b.seq);
}

export function findCommand(scope: RegionScope, commandId: string): StoredCommand | undefined {
  const commands = commandsState(scope).commands;
  return Object.hasOwn(commands, commandId) ? commands[commandId] : undefined;
}

/** The store record a command is kept in, for persist(). */
export function commandRecord(commandId: string): ChangedRecord {
  return { capability: CAPABILITY, collection: 'commands', key: commandId };
}
