// Instance containers: created with labels that say which fleet, account, region and instance they
// back, so a restarted emulator adopts the containers it made before (and their files). Containers
// are never privileged and never get the Docker socket.
import type Docker from 'dockerode';
import { statusCode } from './exec-common.js';

export const LABEL = {
  fleet: 'ssm-local.fleet',
  instanceId: 'ssm-local.instance-id',
  name: 'ssm-local.name',
  account: 'ssm-local.account',
  region: 'ssm-local.region',
  image: 'ssm-local.image',
  platform: 'ssm-local.platform',
  /** fleet-file | admin | registration */
  source: 'ssm-local.source',
  /** JSON array of {Key, Value}: the tags the instance was created with. */
  tags: 'ssm-local.tags',
  activationId: 'ssm-local.activation-id',
  iamRole: 'ssm-local.iam-role',
  /** Epoch milliseconds. */
  registeredAt: 'ssm-local.registered-at',
} as const;

/** Docker's rule for container names, which include the fleet name. */
export const FLEET_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export function containerName(fleet: string, instanceId: string): string {
  return `ssm-local-${fleet}-${instanceId}`;
}

/** A host name made from the instance's name (RFC 1123 label), or the instance id. */
export function hostnameFor(name: string, instanceId: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return label || instanceId;
}

export interface CreateSpec {
  fleet: string;
  instanceId: string;
  image: string;
  hostname: string;
  labels: Record<string, string>;
}

/** Creates and starts the container; answers its id. */
export async function createInstanceContainer(docker: Docker, spec: CreateSpec): Promise<string> {
  const container = await docker.createContainer({
    name: containerName(spec.fleet, spec.instanceId),
    Image: spec.image,
    Hostname: spec.hostname,
    Labels: spec.labels,
    HostConfig: {
      // Back after an engine restart, like a machine after a reboot; a container stopped on purpose
      // stays stopped (and its instance ConnectionLost).
      RestartPolicy: { Name: 'unless-stopped' },
      Privileged: false,
    },
  });
  try {
    await container.start();
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    throw error;
  }
  return container.id;
}

export function listFleetContainers(docker: Docker, fleet: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABEL.fleet}=${fleet}`] } });
}

export function ipAddressOf(info: Docker.ContainerInfo): string | undefined {
  for (const network of Object.values(info.NetworkSettings?.Networks ?? {})) {
    if (network.IPAddress) return network.IPAddress;
  }
  return undefined;
}

export async function removeContainer(docker: Docker, containerId: string): Promise<void> {
  try {
    await docker.getContainer(containerId).remove({ force: true, v: true });
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
  }
}
