// CancelCommand: invocations not yet sent are cancelled at once; running ones go to Cancelling while
// their process is killed in the container, then Cancelled. Finished invocations are left as they are.
import type { CancelCommandRequest, CancelCommandResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { SsmError } from '../protocol/errors.js';
import type { CommandEngine } from './engine.js';
import { findCommand, wholeCommandRecords } from './state.js';
import { invalidInstances } from './targets.js';

export function cancelCommand(engine: () => CommandEngine) {
  return async (input: CancelCommandRequest, ctx: RequestContext): Promise<CancelCommandResult> => {
    const command = findCommand(ctx.scope, input.CommandId!);
    if (!command) throw new SsmError('InvalidCommandId', '');
    const ids = input.InstanceIds && input.InstanceIds.length > 0 ? input.InstanceIds : undefined;
    if (ids) {
      if (new Set(ids).size !== ids.length) throw new SsmError('DuplicateInstanceId', '');
      const unknown = ids.filter((id) => !command.invocations.some((i) => i.instanceId === id));
      if (unknown.length > 0) throw invalidInstances(unknown, ctx.accountId);
    }
    engine().cancel(
      { accountId: ctx.accountId, region: ctx.region, commandId: command.commandId },
      command,
      ids,
    );
    await ctx.persist(wholeCommandRecords(command));
    return {};
  };
}
