// Managed instances as real Docker containers: the fleet (fleet file + admin endpoint + CLI),
// DescribeInstanceInformation, GetConnectionStatus, DeregisterManagedInstance, hybrid activations
// and ManagedInstance tags. Registers the Fleet (FLEET_KEY) and the Docker executor (EXECUTOR_KEY)
// for Run Command and the capabilities after it.
//
// What differs from real SSM:
// - Instances are Docker containers of the image built from docker/linux (Debian bookworm); only
//   Linux instances exist. There is no SSM Agent: AgentVersion is fixed at 3.3.1611.0 and
//   IsLatestVersion is true. PingStatus is Online while the container runs and ConnectionLost when it
//   is stopped, paused or gone (never Inactive); LastPingDateTime is "now" for a running container,
//   else when it stopped. Stopped instances stay listed (AWS may omit stopped EC2 instances).
// - An i- instance's fleet name is its EC2 Name tag (added to its tags unless the fleet file gives
//   one); its tags are EC2 tags, visible to `tag:` filters and targeting but, as on AWS, not
//   reachable through AddTagsToResource (ResourceType ManagedInstance is for mi- instances only).
// - IAM is not modelled: CreateActivation accepts any IamRole without checking that it exists.
// - Activation tags stay on the activation; instances registered with it do not get them.
// - Registering happens through POST /_ssm-local/instances/register or `ssm-local register`, not
//   through an agent; its refusals use the codes InvalidActivationId, InvalidActivation,
//   ActivationExpired and ActivationLimitExceeded.
// - AssociationStatus, LastAssociationExecutionDate and AssociationOverview are left out (no
//   associations exist), so the AssociationStatus filter matches nothing.
// - Some error texts are written in AWS's style where AWS's exact words are not known: InvalidFilterKey,
//   the PingStatus/PlatformTypes/AssociationStatus filter values, using both filter lists at once,
//   CreateActivation's ExpirationDate bounds, DeleteActivation and DeregisterManagedInstance.
// - Deregistering stops the container and renames it `ssm-local-deregistered-<fleet>-<id>`; it is
//   kept (with its files) but never listed or adopted again. RegistrationsCount is not lowered.
// - DescribeInstanceInformation: an InstanceIds filter naming a well-formed but unknown id simply
//   matches nothing (a malformed id is InvalidInstanceId); the default page size is 50.
// - The executor keeps at most 8 MiB of each output stream of a process (memory protection).
// - Instances belong to one account and region (fleet file accountId/region, default the
//   configured ones); a registered instance belongs to its activation's account and region.
import Docker from 'dockerode';
import type { Capability, Services, Tag, TaggableType } from '../core/capability.js';
import { AgentExecutor } from '../docker/agent-executor.js';
import { EXECUTOR_KEY } from '../docker/executor.js';
import { errors } from '../protocol/errors.js';
import { createActivation, deleteActivation, describeActivations } from './activations.js';
import { FLEET_ADMIN_KEY } from './admin.js';
import { FLEET_KEY } from './api.js';
import { deregisterManagedInstance, getConnectionStatus } from './connection.js';
import { describeInstanceInformation } from './describe-instance-information.js';
import { DockerFleet } from './fleet.js';
import { instancesState } from './state.js';

/** docker: for tests or a remote engine; default: dockerode's defaults (DOCKER_HOST, the socket). */
export function instancesCapability(options: { docker?: Docker } = {}): Capability {
  let fleet: DockerFleet | undefined;
  let executor: AgentExecutor | undefined;
  const fleetOrFail = (): DockerFleet => {
    if (!fleet) throw errors.internal('The instances capability has not started.');
    return fleet;
  };

  const managedInstance: TaggableType = {
    tags(ctx, resourceId): Tag[] {
      const member = resourceId.startsWith('mi-')
        ? fleet?.member(ctx.accountId, ctx.region, resourceId)
        : undefined;
      if (!member) throw errors.invalidResourceId();
      const state = instancesState(ctx.scope);
      return (state.tags[resourceId] ??= member.labelTags.map((t) => ({ ...t })));
    },
  };

  return {
    name: 'instances',
    handlers: {
      DescribeInstanceInformation: (input, ctx) => describeInstanceInformation(fleetOrFail())(input, ctx),
      GetConnectionStatus: (input, ctx) => getConnectionStatus(fleetOrFail())(input, ctx),
      DeregisterManagedInstance: (input, ctx) => deregisterManagedInstance(fleetOrFail())(input, ctx),
      CreateActivation: createActivation,
      DescribeActivations: describeActivations,
      DeleteActivation: deleteActivation,
    },
    taggable: { ManagedInstance: managedInstance },
    start(services: Services) {
      const docker = options.docker ?? new Docker();
      executor = new AgentExecutor(docker);
      fleet = new DockerFleet(services, docker, executor);
      services.extensions.set(EXECUTOR_KEY, executor);
      services.extensions.set(FLEET_KEY, fleet);
      services.extensions.set(FLEET_ADMIN_KEY, fleet);
      fleet.start();
    },
    async stop() {
      await fleet?.stop();
      // Each agent kills what it started and exits: an in-process restart leaves no session open.
      await executor?.close();
    },
    status() {
      return fleet?.status() ?? { up: false, detail: 'not started' };
    },
  };
}
