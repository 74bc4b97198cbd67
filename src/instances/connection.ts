// GetConnectionStatus (is the instance reachable right now) and DeregisterManagedInstance (an mi-
// instance leaves the fleet: its container is stopped and kept, and the instance is no longer listed).
import type {
  DeregisterManagedInstanceRequest,
  DeregisterManagedInstanceResult,
  GetConnectionStatusRequest,
  GetConnectionStatusResponse,
} from '@aws-sdk/client-ssm';
import type { Handler } from '../core/capability.js';
import { instanceErrors } from './errors.js';
import type { InstanceFleet } from './fleet.js';

export function getConnectionStatus(
  fleet: () => InstanceFleet,
): Handler<GetConnectionStatusRequest, GetConnectionStatusResponse> {
  return async (input, ctx) => {
    const instance = await fleet().get(ctx.accountId, ctx.region, input.Target!);
    return { Target: input.Target, Status: instance?.online ? 'connected' : 'notconnected' };
  };
}

export function deregisterManagedInstance(
  fleet: () => InstanceFleet,
): Handler<DeregisterManagedInstanceRequest, DeregisterManagedInstanceResult> {
  return async (input, ctx) => {
    const member = fleet().member(ctx.accountId, ctx.region, input.InstanceId!);
    if (!member) throw instanceErrors.invalidInstanceId(input.InstanceId!);
    const detached = fleet().deregister(member);
    await ctx.persist();
    await detached;
    return {};
  };
}
