// ListCommandInvocations: one entry per command and instance, newest command first, filtered and
// paginated; with Details the plugins (Output capped at 2,500 characters). An unknown CommandId
// answers an empty list, as AWS does while a new command is not yet visible.
import type {
  CommandInvocation,
  ListCommandInvocationsRequest,
  ListCommandInvocationsResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { decodeNextToken, encodeNextToken } from '../core/pagination.js';
import { compileFilters } from './filters.js';
import { commandList, type StoredCommand, type StoredInvocation } from './state.js';
import { invocationIsTerminal } from './status.js';
import { invocationView } from './views.js';

const DEFAULT_MAX_RESULTS = 50;

/** [command position, invocation position] to resume from. */
type Position = [number, number];

const isPosition = (value: unknown): value is Position =>
  Array.isArray(value) &&
  value.length === 2 &&
  value.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0);

export function listCommandInvocations(
  input: ListCommandInvocationsRequest,
  ctx: RequestContext,
): ListCommandInvocationsResult {
  const commands = commandList(ctx.scope);
  const test = compileFilters(input.Filters);
  const matches = (command: StoredCommand, invocation: StoredInvocation): boolean =>
    (input.CommandId === undefined || command.commandId === input.CommandId) &&
    (input.InstanceId === undefined || invocation.instanceId === input.InstanceId) &&
    test({
      requestedAt: command.requestedAt,
      documentName: command.documentName,
      status: invocation.status,
      statusDetails: invocation.statusDetails,
      terminal: invocationIsTerminal(invocation),
    });
  const [startCommand, startInvocation] = decodeNextToken(
    'ListCommandInvocations',
    input.NextToken,
    isPosition,
  ) ?? [commands.length - 1, 0];
  const max = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const page: CommandInvocation[] = [];
  let next: Position | undefined;
  outer: for (let c = Math.min(startCommand, commands.length - 1); c >= 0; c--) {
    const command = commands[c]!;
    const first = c === startCommand ? startInvocation : 0;
    for (let i = first; i < command.invocations.length; i++) {
      const invocation = command.invocations[i]!;
      if (!matches(command, invocation)) continue;
      if (page.length === max) {
        next = [c, i];
        break outer;
      }
      page.push(invocationView(command, invocation, input.Details ?? false));
    }
  }
  const result: ListCommandInvocationsResult = { CommandInvocations: page };
  if (next) result.NextToken = encodeNextToken('ListCommandInvocations', next);
  return result;
}
