// Docker-backed test servers: each gets its own fleet file (a temp file) and fleet label, so test
// files running side by side on one engine never see each other's instances; stop() removes the
// fleet's containers.
//
//   const hasDocker = await requireDocker('run command');
//   describe.skipIf(!hasDocker)('...', () => {
//     let server: DockerTestServer;
//     beforeAll(async () => { server = await startDockerTestServer({ instances: 2 }); });
//     afterAll(async () => server?.stop());
//     it('...', async () => { const [a] = server.instanceIds; ... server.client() ... });
//   });
//
// With no Docker engine: outside CI the suite is skipped with a loud message; with CI=true the file
// fails, so a CI run without an engine can never pass silently.
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartOptions } from '../../src/index.js';
import { LABEL, createInstanceContainer } from '../../src/docker/containers.js';
import { ensureImage } from '../../src/docker/images.js';
import {
  FLEET,
  FLEET_ADMIN,
  type Fleet,
  type FleetAdmin,
  type ManagedInstance,
} from '../../src/instances/api.js';
import { startTestServer, type TestServer } from './server.js';

export async function dockerAvailable(): Promise<boolean> {
  try {
    await Promise.race([
      new Docker().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when a Docker engine answers. Otherwise throws when CI=true (the test file fails) and
 * elsewhere prints a loud warning and answers false, for describe.skipIf(!hasDocker).
 */
export async function requireDocker(what: string): Promise<boolean> {
  if (await dockerAvailable()) return true;
  const message = `no Docker engine answers (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'}): ${what} tests need one`;
  if (process.env.CI === 'true') throw new Error(`${message}; failing because CI=true`);
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPED: ${message}.\n${'!'.repeat(100)}\n`);
  return false;
}

export interface FleetInstanceSpec {
  name: string;
  id?: string;
  hybrid?: boolean;
  tags?: Record<string, string> | Array<{ Key: string; Value: string }>;
  accountId?: string;
  region?: string;
  iamRole?: string;
}

export interface DockerTestOptions {
  /** How many plain Linux instances (named <fleet>-1..n). Default 2. */
  instances?: number;
  /** Instances declared explicitly (instead of `instances`). */
  fleet?: FleetInstanceSpec[];
  /** Reuse an existing fleet file (for restart tests): its containers are adopted. */
  fleetPath?: string;
  /** Wait until this many instances are online (default: all declared). */
  waitFor?: number;
  options?: StartOptions;
}

export interface DockerTestServer extends TestServer {
  fleet: string;
  fleetPath: string;
  /** The instances that were online when the server became ready, sorted by name. */
  instances: ManagedInstance[];
  instanceIds: string[];
  /**
   * The fleet of the default account and region (as Run Command sees it): a stopped i- instance is
   * not in it (get answers undefined), a paused or stopped mi- one is, offline.
   */
  fleetApi: Fleet;
  admin: FleetAdmin;
  docker: Docker;
  /** Stops the server; removes the fleet's containers and fleet file unless keepContainers. */
  stop(options?: { keepContainers?: boolean }): Promise<void>;
}

/** Removes every container of the fleet (deregistered ones included). */
/** One bare instance container of the linux image in `fleet` (no server), for executor tests. */
export async function createTestInstance(docker: Docker, fleet: string, hostname: string): Promise<string> {
  const image = await ensureImage(docker, 'linux', (line) => console.log(`[image] ${line}`));
  const instanceId = `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
  return createInstanceContainer(docker, {
    fleet,
    instanceId,
    image,
    hostname,
    labels: { [LABEL.fleet]: fleet, [LABEL.instanceId]: instanceId },
  });
}

export async function removeFleet(fleet: string, docker = new Docker()): Promise<void> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.fleet}=${fleet}`] },
  });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
}

export async function startDockerTestServer(options: DockerTestOptions = {}): Promise<DockerTestServer> {
  let fleet: string;
  let fleetPath: string;
  let expected: number;
  if (options.fleetPath) {
    fleetPath = options.fleetPath;
    const { readFileSync } = await import('node:fs');
    const doc = JSON.parse(readFileSync(fleetPath, 'utf8')) as { fleet: string; instances: unknown[] };
    fleet = doc.fleet;
    expected = doc.instances.length;
  } else {
    fleet = `t-${randomBytes(4).toString('hex')}`;
    const specs: FleetInstanceSpec[] =
      options.fleet ??
      Array.from({ length: options.instances ?? 2 }, (_, i) => ({ name: `${fleet}-${i + 1}` }));
    fleetPath = join(tmpdir(), `ssm-local-fleet-${fleet}.json`);
    writeFileSync(
      fleetPath,
      JSON.stringify({ fleet, instances: specs.map((s) => ({ image: 'linux', ...s })) }),
    );
    expected = specs.length;
  }
  const server = await startTestServer({ ...options.options, fleetPath });
  const docker = new Docker();
  const stop = async (stopOptions: { keepContainers?: boolean } = {}) => {
    await server.stop();
    if (!stopOptions.keepContainers) {
      await removeFleet(fleet, docker);
      if (!options.fleetPath) rmSync(fleetPath, { force: true });
    }
  };
  try {
    const services = server.ssm.runtime.services;
    const admin = services.registry.get(FLEET_ADMIN);
    const fleetApi = services.registry.get(FLEET);
    await admin.whenReady();
    const status = admin.status();
    if (!status.up) throw new Error(`the test fleet did not come up: ${status.detail ?? ''}`);
    const { defaultAccountId, defaultRegion } = services.config;
    const want = options.waitFor ?? expected;
    const deadline = Date.now() + 120_000;
    let instances = await fleetApi.list(defaultAccountId, defaultRegion);
    while (instances.filter((i) => i.online).length < want) {
      if (Date.now() > deadline) throw new Error(`only ${instances.length} of ${want} instances came up`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      instances = await fleetApi.list(defaultAccountId, defaultRegion);
    }
    instances = instances.filter((i) => i.online).sort((a, b) => a.name.localeCompare(b.name));
    return {
      ...server,
      fleet,
      fleetPath,
      instances,
      instanceIds: instances.map((i) => i.instanceId),
      fleetApi,
      admin,
      docker,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** Removes the images a test made (aws:createImage, Machines.createImage); missing ones are fine. */
export async function removeImages(docker: Docker, images: readonly string[]): Promise<void> {
  for (const image of images) {
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  }
}
