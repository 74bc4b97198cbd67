// ListCommands: the commands of this account and region, newest first, optionally one command or
// the commands that reached one instance, filtered and paginated (MaxResults 1..50, default 50).
import type { ListCommandsRequest, ListCommandsResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { decodeNextToken, encodeNextToken, isIndex } from '../core/pagination.js';
import { commandErrors } from './errors.js';
import { compileFilters } from './filters.js';
import { commandList, type StoredCommand } from './state.js';
import { commandIsTerminal, summarizeCommand } from './status.js';
import { commandView } from './views.js';

const DEFAULT_MAX_RESULTS = 50;

export function listCommands(input: ListCommandsRequest, ctx: RequestContext): ListCommandsResult {
  const commands = commandList(ctx.scope);
  if (input.CommandId !== undefined && !commands.some((c) => c.commandId === input.CommandId)) {
    throw commandErrors.invalidCommandId();
  }
  const test = compileFilters(input.Filters);
  const matches = (command: StoredCommand): boolean => {
    if (input.CommandId !== undefined && command.commandId !== input.CommandId) return false;
    if (
      input.InstanceId !== undefined &&
      !command.invocations.some((i) => i.instanceId === input.InstanceId)
    ) {
      return false;
    }
    const summary = summarizeCommand(command);
    return test({
      requestedAt: command.requestedAt,
      documentName: command.documentName,
      status: summary.status,
      statusDetails: summary.statusDetails,
      terminal: commandIsTerminal(command),
    });
  };
  // The token holds the stored position to continue below, which stays put as new commands arrive.
  const start = decodeNextToken('ListCommands', input.NextToken, isIndex) ?? commands.length;
  const max = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const page: NonNullable<ListCommandsResult['Commands']> = [];
  let index = Math.min(start, commands.length) - 1;
  for (; index >= 0 && page.length < max; index--) {
    const command = commands[index]!;
    if (matches(command)) page.push(commandView(command));
  }
  const result: ListCommandsResult = { Commands: page };
  if (page.length === max && commands.slice(0, index + 1).some(matches)) {
    result.NextToken = encodeNextToken('ListCommands', index + 1);
  }
  return result;
}
