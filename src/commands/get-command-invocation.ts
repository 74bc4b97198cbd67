// GetCommandInvocation: one instance's result for one plugin (step). A document with one step needs
// no PluginName; with several, the step must be named.
import type { GetCommandInvocationRequest, GetCommandInvocationResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { commandErrors } from './errors.js';
import { findCommand } from './state.js';
import { invocationDetailView } from './views.js';

export function getCommandInvocation(
  input: GetCommandInvocationRequest,
  ctx: RequestContext,
): GetCommandInvocationResult {
  const command = findCommand(ctx.scope, input.CommandId!);
  const invocation = command?.invocations.find((i) => i.instanceId === input.InstanceId);
  if (!command || !invocation) throw commandErrors.invocationDoesNotExist();
  let plugin;
  if (input.PluginName !== undefined) {
    plugin = invocation.plugins.find((p) => p.name === input.PluginName);
  } else if (invocation.plugins.length === 1) {
    plugin = invocation.plugins[0];
  }
  if (!plugin) throw commandErrors.invalidPluginName();
  return invocationDetailView(
    command,
    invocation,
    plugin,
    input.PluginName !== undefined,
    ctx.services.clock.now().getTime(),
  );
}
