// Managed instances as real Docker containers: the fleet (fleet file + admin endpoint + CLI),
// DescribeInstanceInformation, GetConnectionStatus, DeregisterManagedInstance, hybrid activations
// and ManagedInstance tags. Provides the Fleet (FLEET), the executor that runs processes in the
// instances (EXECUTOR), the fleet's administration (FLEET_ADMIN) and EC2-style control of the
// instances' machines (MACHINES: start, stop, terminate, create an image) for Run Command, the admin
// routes, Automation and the capabilities after it. Where instances live is a backend (backend.ts):
// Docker by default, or a MemoryFleet given by a test, with a fake executor, to run without an
// engine.
//
// What differs from real SSM:
// - Instances are Docker containers of the image built from docker/linux (Debian bookworm); only
//   Linux instances exist. There is no SSM Agent: AgentVersion is fixed at 3.3.1611.0 and
//   IsLatestVersion is true.
// - Stopped instances follow what AWS said of InstanceInformation (aws/amazon-ssm-agent#407,
//   2021-11-23): "A stopped instance means its lifecycle has ended in the point of view of
//   InstanceInformation. A ConnectionLost instance refers to the instances that are running but
//   fail the health check from SSM", and a stopped instance shows up again once it is started and
//   passes the health check. So:
//   - an i- instance whose container is stopped (or gone) is no managed node: left out of
//     DescribeInstanceInformation (whatever the filters, before paging), of Run Command's tag
//     targeting, and refused by id (InvalidInstanceId, "not in a valid state"); GetConnectionStatus
//     says notconnected. Started again, it is Online with the same id, tags and files.
//   - ConnectionLost is an instance whose container runs but whose agent does not answer: a paused
//     container, one being rebooted (`exit 194`), or one whose ssm-local agent died (a script ran
//     `pkill -f /usr/local/lib/ssm-local/agent.py`). A dead agent is started again 90 s of clock time
//     later, as the SSM Agent's systemd unit does (Restart=always, RestartSec=90), or at once when
//     the container starts again (a boot). An mi- instance whose container stopped is ConnectionLost
//     too: AWS cannot see an on-premises server stop, only its agent fall silent. Run Command
//     refuses a ConnectionLost instance by id (InvalidInstanceId, whose causes AWS lists as "SSM
//     Agent isn't running") and reaches it by tag as an Undeliverable invocation.
//   - PingStatus is never Inactive. LastPingDateTime is "now" while Online, else when the container
//     stopped (mi-) or when the emulator last saw the instance Online (it does not ping on its own).
//   - The agent's health is what the executor saw (a session that ended while its container ran
//     on), never a probe per request: DescribeInstanceInformation costs no engine call while the
//     fleet's containers do not change.
//   - The admin listing (`ssm-local instances list`) shows every instance, a stopped i- one as
//     `Stopped`.
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
// - Some error texts are written in AWS's style where AWS's exact words are not known (errors.ts
//   marks them): InvalidFilterKey, the PingStatus/PlatformTypes/AssociationStatus filter values,
//   using both filter lists at once, the activations' errors and DeregisterManagedInstance.
// - Deregistering stops the container and renames it `ssm-local-deregistered-<fleet>-<id>`; it is
//   kept (with its files) but never listed or adopted again. RegistrationsCount is not lowered.
// - DescribeInstanceInformation: an InstanceIds filter naming a well-formed but unknown id simply
//   matches nothing (a malformed id is InvalidInstanceId); the default page size is 50.
// - The executor keeps at most 8 MiB of each output stream of a process (memory protection).
// - Machines (Automation's aws:changeInstanceState and aws:createImage) control only i- instances;
//   an mi- id is InvalidInstanceId. Stopping is `docker stop` with a 10 s grace (Force: `docker
//   kill`), starting is `docker start` and resolves once the instance's agent answers (EC2's
//   pending lasts that long); there are no instance or system status checks. Terminating removes
//   the container and the instance at once (no shutting-down period); the instance id is remembered
//   as terminated (a fleet file entry with that id is not created again; one without an id is, with
//   a new id, at the next start).
// - An image (aws:createImage) is the container committed as the Docker image
//   ssm-local/image:<ami-id>; unless NoReboot, a running instance is stopped for it and started
//   again, as EC2 does. It is `available` once the call returns (no pending period), has no
//   snapshots or block device mappings, and is usable only by this account and region
//   (FleetAdmin.add / the fleet file `image`). Image names are unique per account and region, as on
//   EC2. Images are never deregistered: remove them with `docker rmi` (ssm-local then calls the id
//   unknown).
// - Instances belong to one account and region (fleet file accountId/region, default the
//   configured ones); a registered instance belongs to its activation's account and region.
import Docker from 'dockerode';
import type { Capability, Services, Tag, TaggableType } from '../core/capability.js';
import { AgentExecutor } from '../docker/agent-executor.js';
import type { InstanceExecutor } from '../docker/executor.js';
import { createActivation, deleteActivation, describeActivations } from './activations.js';
import { FleetAdministration } from './admin.js';
import { EXECUTOR, FLEET, FLEET_ADMIN, MACHINES } from './api.js';
import type { FleetBackend } from './backend.js';
import { deregisterManagedInstance, getConnectionStatus } from './connection.js';
import { describeInstanceInformation } from './describe-instance-information.js';
import { DockerBackend } from './docker-backend.js';
import { instanceErrors } from './errors.js';
import { InstanceFleet } from './fleet.js';
import { FleetMachines } from './machines.js';
import { instancesState } from './state.js';

export type { FleetBackend, MachineStatus } from './backend.js';
export { MemoryFleet, type MemoryInstance } from './memory-fleet.js';

export interface InstancesOptions {
  /** The engine of the Docker backend; default: dockerode's defaults (DOCKER_HOST, the socket). */
  docker?: Docker;
  /** Where instances live instead of Docker (a MemoryFleet in tests). */
  fleet?: FleetBackend;
  /** What runs processes in the instances, provided under EXECUTOR; default the Docker agent executor. */
  executor?: InstanceExecutor;
}

export function instancesCapability(options: InstancesOptions = {}): Capability {
  let fleet: InstanceFleet | undefined;
  let ownExecutor: AgentExecutor | undefined;
  const current = (): InstanceFleet => {
    if (!fleet) throw instanceErrors.notStarted();
    return fleet;
  };

  const managedInstance: TaggableType = {
    tags(ctx, resourceId): Tag[] {
      const member = resourceId.startsWith('mi-')
        ? fleet?.member(ctx.accountId, ctx.region, resourceId)
        : undefined;
      if (!member) throw instanceErrors.unknownManagedInstance();
      const state = instancesState(ctx.scope);
      return (state.tags[resourceId] ??= member.labelTags.map((t) => ({ ...t })));
    },
  };

  return {
    name: 'instances',
    provides: [FLEET, EXECUTOR, FLEET_ADMIN, MACHINES],
    handlers: {
      DescribeInstanceInformation: describeInstanceInformation(current),
      GetConnectionStatus: getConnectionStatus(current),
      DeregisterManagedInstance: deregisterManagedInstance(current),
      CreateActivation: createActivation,
      DescribeActivations: describeActivations,
      DeleteActivation: deleteActivation,
    },
    taggable: { ManagedInstance: managedInstance },
    start(services: Services) {
      // Docker is reached only when it is used: by the Docker backend or the default executor.
      let docker = options.docker;
      const engine = (): Docker => (docker ??= new Docker());
      // Given the scheduler, the executor restarts an agent that died 90 s of clock time later.
      const executor =
        options.executor ??
        (ownExecutor = new AgentExecutor(engine(), undefined, { scheduler: services.scheduler }));
      const backend = options.fleet ?? new DockerBackend(engine(), executor);
      fleet = new InstanceFleet(services, backend);
      services.registry.provide(FLEET, fleet);
      services.registry.provide(EXECUTOR, executor);
      services.registry.provide(FLEET_ADMIN, new FleetAdministration(fleet));
      services.registry.provide(MACHINES, new FleetMachines(fleet));
      fleet.start();
    },
    async stop() {
      await fleet?.stop();
      // Each agent kills what it started and exits: an in-process restart leaves no session open.
      await ownExecutor?.close();
    },
    status() {
      return fleet?.status() ?? { up: false, detail: 'not started' };
    },
  };
}
