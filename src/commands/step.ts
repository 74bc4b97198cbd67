// What one document step (plugin) is while it runs: its context, its outcome, and the agent's
// constants and rules that every plugin shares (folders, exit codes, execution timeouts).
import type { CommandPluginStatus } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import type { InstanceExecutor } from '../docker/executor.js';
import type { PluginStep } from '../documents/api.js';
import type { ManagedInstance } from '../instances/api.js';
import type { PluginRunner } from './api.js';
import type { InvocationControl } from './control.js';

export interface StepOutcome {
  status: CommandPluginStatus;
  statusDetails: string;
  responseCode: number;
  stdout: string;
  stderr: string;
  /** The script exited 194: the agent restarts the instance, then runs the step again. */
  rebootRequested?: boolean;
  /** onFailure/onSuccess asked for the remaining steps to be skipped. */
  exitCondition?: boolean;
}

export interface StepContext {
  /** A context for the documents capability (resolving nested documents). */
  ctx: RequestContext;
  executor: InstanceExecutor;
  instance: ManagedInstance;
  region: string;
  commandId: string;
  schemaVersion: string;
  control: InvocationControl;
  /** Plugins other capabilities provide (RunCommand.registerPlugin), by action. */
  plugins: ReadonlyMap<string, PluginRunner>;
  /** This step's folder in the instance. */
  directory: string;
  /** The command's folder in the instance. */
  commandDirectory: string;
  /** Inside aws:runDocument. */
  nested: boolean;
}

export const ORCHESTRATION_ROOT = '/var/lib/amazon/ssm';
/** The agent runs from /usr/bin (its service's working directory): `pwd` prints /usr/bin. */
export const DEFAULT_WORKING_DIRECTORY = '/usr/bin';
/** The agent's Linux exit code for a process it stopped (timeout or cancel): 128 + SIGKILL. */
export const STOPPED_EXIT_CODE = 137;
const DEFAULT_EXECUTION_TIMEOUT = 3600;
const MIN_EXECUTION_TIMEOUT = 5;
const MAX_EXECUTION_TIMEOUT = 172_800;

export function sanitizeStepName(name: string): string {
  return name.replace(/:/g, '').replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The agent's ValidateExecutionTimeout: 5..172800 seconds, anything else means the default 3600. */
export function executionTimeoutSeconds(input: unknown): number {
  let seconds = Number.NaN;
  if (typeof input === 'number') seconds = Math.trunc(input);
  else if (typeof input === 'string' && input.trim() !== '') seconds = Math.trunc(Number(input.trim()));
  if (!Number.isFinite(seconds) || seconds < MIN_EXECUTION_TIMEOUT || seconds > MAX_EXECUTION_TIMEOUT) {
    return DEFAULT_EXECUTION_TIMEOUT;
  }
  return seconds;
}

/** Execution time a step may take at most (nested documents are bounded by the command's expiry). */
export function stepTimeoutSeconds(step: PluginStep): number {
  if (step.action === 'aws:runShellScript' || step.action === 'aws:runPowerShellScript') {
    return executionTimeoutSeconds(step.inputs.timeoutSeconds);
  }
  return DEFAULT_EXECUTION_TIMEOUT;
}

export function stringInput(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

export function outcome(
  status: CommandPluginStatus,
  statusDetails: string,
  responseCode: number,
  stdout = '',
  stderr = '',
): StepOutcome {
  return { status, statusDetails, responseCode, stdout, stderr };
}

export function failedOutcome(message: string, stdout = ''): StepOutcome {
  return outcome('Failed', 'Failed', 1, stdout, message);
}

export function skippedOutcome(message: string): StepOutcome {
  return outcome('Success', 'Skipped', 0, message);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
