// What other capabilities (State Manager, Automation, maintenance windows) may ask of Run Command:
// start a command from a document, parameters, targets and limits exactly as SendCommand does, cancel
// it, and learn when each invocation and the command end. Nothing else in src/commands is imported
// from outside it.
import type {
  Command,
  CommandInvocationStatus,
  CommandPluginStatus,
  CommandStatus,
  SendCommandRequest,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { serviceKey } from '../core/services.js';
import type { ExecRequest, ExecResult } from '../docker/executor.js';
import type { ManagedInstance } from '../instances/api.js';

export interface CommandRef {
  accountId: string;
  region: string;
  commandId: string;
}

export interface PluginResult {
  name: string;
  status: CommandPluginStatus;
  statusDetails: string;
  responseCode: number;
  /** As GetCommandInvocation shows them (24,000 and 8,000 characters at most). */
  stdout: string;
  stderr: string;
}

/** An invocation that reached a terminal status (Success, Failed, TimedOut, Cancelled). */
export interface InvocationEnded extends CommandRef {
  instanceId: string;
  status: CommandInvocationStatus;
  statusDetails: string;
  plugins: PluginResult[];
}

/** A command all of whose invocations are terminal, with its aggregated status. */
export interface CommandEnded extends CommandRef {
  status: CommandStatus;
  statusDetails: string;
  invocations: InvocationEnded[];
}

/**
 * One step of a plugin another capability provides (aws:softwareInventory, aws:runPatchBaseline, ...),
 * as it runs in one instance.
 */
export interface PluginRun {
  /** A background context in the command's account and region. */
  ctx: RequestContext;
  instance: ManagedInstance;
  commandId: string;
  /** The step's name (schema 2.x) or the plugin's (1.2). */
  stepName: string;
  /** The step's inputs, the document's parameters already interpolated. */
  inputs: Record<string, unknown>;
  /** This step's own folder in the instance (the agent's orchestration folder for it). */
  directory: string;
  /**
   * Runs a process in the instance. CancelCommand and the command's expiry kill it, and so does
   * `timeoutSeconds` (default 3600) when given; `stopped` then says which. Never rejects: a process
   * that could not start answers exitCode 1 with the reason on stderr.
   */
  exec(request: ExecRequest, timeoutSeconds?: number): Promise<PluginExec>;
  /** CancelCommand or the command's expiry stopped the invocation (no more work should start). */
  readonly stopped: boolean;
}

export interface PluginExec extends ExecResult {
  stopped?: 'cancel' | 'expire' | 'timeout';
}

/** How a provided plugin's step ended (what GetCommandInvocation shows for it). */
export interface PluginOutcome {
  status: 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
  /** Defaults to the status (ExecutionTimedOut / DeliveryTimedOut are worth saying for TimedOut). */
  statusDetails?: string;
  responseCode: number;
  stdout: string;
  stderr: string;
}

export type PluginRunner = (run: PluginRun) => Promise<PluginOutcome>;

export interface RunCommand {
  /**
   * Lets another capability execute a plugin (a document step `action`) Run Command does not run
   * itself. Call it in start(): commands recovered after a restart are delivered only once every
   * capability has started.
   */
  registerPlugin(action: string, runner: PluginRunner): void;
  /**
   * Starts a command in ctx's account and region as SendCommand does: the same checks and errors
   * (SsmError), the same stored command, listed by ListCommands. Answers the command as SendCommand
   * does; it runs after this resolves.
   */
  send(ctx: RequestContext, request: SendCommandRequest): Promise<Command>;
  /** As CancelCommand: every invocation, or those of the instances named. */
  cancel(ctx: RequestContext, commandId: string, instanceIds?: string[]): Promise<void>;
  /**
   * Resolves once the command is terminal (at once if it already is); undefined when there is no such
   * command. Waiting does not survive an emulator restart: recovered work asks again.
   */
  whenEnded(ref: CommandRef): Promise<CommandEnded | undefined>;
  /** Called each time an invocation of any command ends. Returns a function that unsubscribes. */
  onInvocationEnded(listener: (ended: InvocationEnded) => void): () => void;
  /** Called each time a command ends. Returns a function that unsubscribes. */
  onCommandEnded(listener: (ended: CommandEnded) => void): () => void;
}

export const RUN_COMMAND = serviceKey<RunCommand>('commands');
