// Stored state turned into the shapes the API answers with, field for field as AWS fills them
// (empty strings and empty configurations where AWS writes them rather than leaving them out).
import type {
  Command,
  CommandInvocation,
  CommandPlugin,
  GetCommandInvocationResult,
  NotificationConfig,
  NotificationType,
} from '@aws-sdk/client-ssm';
import { pluginOutput } from './output.js';
import type { StoredCommand, StoredInvocation, StoredPlugin } from './state.js';
import { summarizeCommand } from './status.js';

/** Java's Duration.toString(), which the service uses for ExecutionElapsedTime: PT0.091S, PT1M5S. */
export function isoDuration(milliseconds: number): string {
  let rest = Math.max(0, Math.round(milliseconds));
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest % 1000;
  let text = 'PT';
  if (hours > 0) text += `${hours}H`;
  if (minutes > 0) text += `${minutes}M`;
  if (seconds > 0 || millis > 0) {
    const fraction = millis > 0 ? `.${String(millis).padStart(3, '0').replace(/0+$/, '')}` : '';
    text += `${seconds}${fraction}S`;
  }
  return text === 'PT' ? 'PT0S' : text;
}

function notificationView(command: StoredCommand): NotificationConfig {
  const config = command.notificationConfig;
  return {
    NotificationArn: config.NotificationArn,
    NotificationEvents: [...config.NotificationEvents],
    // The SDK types the member as its enum; AWS writes "" when no notification was configured.
    NotificationType: config.NotificationType as NotificationType,
  };
}

function isoTime(epochMs: number | undefined): string {
  return epochMs === undefined ? '' : new Date(epochMs).toISOString();
}

export function commandView(command: StoredCommand): Command {
  const summary = summarizeCommand(command);
  const view: Command = {
    CommandId: command.commandId,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    Comment: command.comment,
    ExpiresAfter: new Date(command.expiresAt),
    Parameters: command.parameters,
    InstanceIds: [...command.instanceIds],
    Targets: command.targets.map((t) => ({ Key: t.Key, Values: [...t.Values] })),
    RequestedDateTime: new Date(command.requestedAt),
    Status: summary.status,
    StatusDetails: summary.statusDetails,
    OutputS3Region: command.outputS3Region,
    OutputS3BucketName: command.outputS3BucketName,
    OutputS3KeyPrefix: command.outputS3KeyPrefix,
    MaxConcurrency: command.maxConcurrency,
    MaxErrors: command.maxErrors,
    TargetCount: summary.targetCount,
    CompletedCount: summary.completedCount,
    ErrorCount: summary.errorCount,
    DeliveryTimedOutCount: summary.deliveryTimedOutCount,
    ServiceRole: command.serviceRole,
    NotificationConfig: notificationView(command),
    CloudWatchOutputConfig: { ...command.cloudWatchOutputConfig },
    TimeoutSeconds: command.timeoutSeconds,
  };
  if (command.alarmConfiguration) view.AlarmConfiguration = command.alarmConfiguration;
  return view;
}

function pluginView(command: StoredCommand, plugin: StoredPlugin): CommandPlugin {
  const view: CommandPlugin = {
    Name: plugin.name,
    Status: plugin.status,
    StatusDetails: plugin.statusDetails,
    ResponseCode: plugin.responseCode,
    Output: pluginOutput(plugin.stdout, plugin.stderr),
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    OutputS3Region: command.outputS3Region,
    OutputS3BucketName: command.outputS3BucketName,
    OutputS3KeyPrefix: command.outputS3KeyPrefix,
  };
  if (plugin.startedAt !== undefined) view.ResponseStartDateTime = new Date(plugin.startedAt);
  if (plugin.finishedAt !== undefined) view.ResponseFinishDateTime = new Date(plugin.finishedAt);
  return view;
}

export function invocationView(
  command: StoredCommand,
  invocation: StoredInvocation,
  details: boolean,
): CommandInvocation {
  return {
    CommandId: command.commandId,
    InstanceId: invocation.instanceId,
    InstanceName: invocation.instanceName,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    RequestedDateTime: new Date(command.requestedAt),
    Status: invocation.status,
    StatusDetails: invocation.statusDetails,
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    CommandPlugins: details ? invocation.plugins.map((p) => pluginView(command, p)) : [],
    ServiceRole: command.serviceRole,
    NotificationConfig: notificationView(command),
    CloudWatchOutputConfig: { ...command.cloudWatchOutputConfig },
  };
}

/**
 * GetCommandInvocation. Without a plugin name the invocation's own status is reported (it has one
 * plugin); with one, that plugin's. Output appears once the plugin has finished.
 */
export function invocationDetailView(
  command: StoredCommand,
  invocation: StoredInvocation,
  plugin: StoredPlugin,
  pluginNamed: boolean,
  now: number,
): GetCommandInvocationResult {
  const finished = plugin.finishedAt !== undefined;
  const elapsedEnd = plugin.finishedAt ?? now;
  return {
    CommandId: command.commandId,
    InstanceId: invocation.instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    PluginName: plugin.name,
    ResponseCode: plugin.responseCode,
    ExecutionStartDateTime: isoTime(plugin.startedAt),
    ExecutionElapsedTime: plugin.startedAt === undefined ? '' : isoDuration(elapsedEnd - plugin.startedAt),
    ExecutionEndDateTime: isoTime(plugin.finishedAt),
    Status: pluginNamed ? pluginStatusForDetail(invocation, plugin) : invocation.status,
    StatusDetails: pluginNamed ? plugin.statusDetails : invocation.statusDetails,
    StandardOutputContent: finished ? plugin.stdout : '',
    StandardOutputUrl: '',
    StandardErrorContent: finished ? plugin.stderr : '',
    StandardErrorUrl: '',
    CloudWatchOutputConfig: { ...command.cloudWatchOutputConfig },
  };
}

/** A named plugin of an invocation that is still waiting reports the invocation's waiting state. */
function pluginStatusForDetail(
  invocation: StoredInvocation,
  plugin: StoredPlugin,
): CommandInvocation['Status'] {
  if (
    plugin.status === 'Pending' &&
    (invocation.status === 'Delayed' || invocation.status === 'Cancelling')
  ) {
    return invocation.status;
  }
  if (plugin.status === 'InProgress' && invocation.status === 'Cancelling') return 'Cancelling';
  return plugin.status;
}
