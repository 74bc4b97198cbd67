// CancelCommand: invocations not yet sent are cancelled at once; running ones go to Cancelling while
// their process is killed in the container, then Cancelled. Finished invocations are left as they are.
import type { CancelCommandRequest, CancelCommandResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import type { CommandEngine } from './engine.js';
import { commandErrors } from './errors.js';
import { findCommand, wholeCommandRecords } from './state.js';

export async function cancel(
  engine: CommandEngine,
  ctx: RequestContext,
  commandId: string,
  instanceIds: string[] | undefined,
): Promise<void> {
  const command = findCommand(ctx.scope, commandId);
  if (!command) throw commandErrors.invalidCommandId();
  const ids = instanceIds && instanceIds.length > 0 ? instanceIds : undefined;
  if (ids) {
    if (new Set(ids).size !== ids.length) throw commandErrors.duplicateInstanceId();
    const unknown = ids.filter((id) => !command.invocations.some((i) => i.instanceId === id));
    if (unknown.length > 0) throw commandErrors.invalidInstances(unknown, ctx.accountId);
  }
  engine.cancel({ accountId: ctx.accountId, region: ctx.region, commandId }, command, ids);
  await ctx.persist(wholeCommandRecords(command));
}

export function cancelCommand(engine: () => CommandEngine) {
  return async (input: CancelCommandRequest, ctx: RequestContext): Promise<CancelCommandResult> => {
    await cancel(engine(), ctx, input.CommandId!, input.InstanceIds);
    return {};
  };
}
