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

export interface RunCommand {
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
