// GetConnectionStatus (is the instance reachable right now) and DeregisterManagedInstance (an mi-
// instance leaves the fleet: its container is stopped and kept, and the instance is no longer listed).
import type {
  DeregisterManagedInstanceRequest,
  DeregisterManagedInstanceResult,
  GetConnectionStatusRequest,
  GetConnectionStatusResponse,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { SsmError } from '../protocol/errors.js';
import type { DockerFleet } from './fleet.js';

export function getConnectionStatus(fleet: DockerFleet) {
  return async (
    input: GetConnectionStatusRequest,
    ctx: RequestContext,
  ): Promise<GetConnectionStatusResponse> => {
    const instance = await fleet.get(ctx.accountId, ctx.region, input.Target!);
    return { Target: input.Target, Status: instance?.online ? 'connected' : 'notconnected' };
  };
}

export function deregisterManagedInstance(fleet: DockerFleet) {
  return async (
    input: DeregisterManagedInstanceRequest,
    ctx: RequestContext,
  ): Promise<DeregisterManagedInstanceResult> => {
    const member = fleet.member(ctx.accountId, ctx.region, input.InstanceId!);
    if (!member) throw new SsmError('InvalidInstanceId', `Instance Id ${input.InstanceId} is not valid.`);
    const detached = fleet.deregister(member);
    await ctx.persist();
    await detached;
    return {};
  };
}
