// The fleet's life cycle: admin endpoint and CLI (add, list, remove), and an emulator restart that
// adopts the containers made before, with the files written in them.
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTOR } from '../src/instances/api.js';
import { runAdminCommand } from '../src/instances/cli.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

const hasDocker = await requireDocker('fleet administration');

describe.skipIf(!hasDocker)('fleet administration and restart', () => {
  let server: DockerTestServer;
  let addedId: string;

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.endpoint}/_ssm-local/instances${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const describedIds = async () =>
    ((await server.client().send(new DescribeInstanceInformationCommand({}))).InstanceInformationList ?? [])
      .map((i) => i.InstanceId)
      .sort();
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdminCommand(
      [...args, '--endpoint', server.endpoint],
      {},
      (t) => out.push(t),
      (t) => err.push(t),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(async () => {
    server = await startDockerTestServer({ instances: 1 });
  });
  afterAll(async () => {
    await server?.stop();
    if (server) rmSync(server.fleetPath, { force: true });
  });

  it('adds and removes instances through the admin endpoint', async () => {
    const [first] = server.instanceIds;
    const listed = await admin('GET', '');
    expect(listed.status).toBe(200);
    expect(listed.json.fleet).toBe(server.fleet);
    expect(listed.json.instances).toEqual([
      expect.objectContaining({
        instanceId: first,
        pingStatus: 'Online',
        source: 'fleet-file',
        image: 'linux',
      }),
    ]);

    const added = await admin('POST', '', { name: 'added-1', tags: { Env: 'test' } });
    expect(added.status).toBe(201);
    addedId = added.json.instanceId as string;
    expect(addedId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(added.json).toMatchObject({
      name: 'added-1',
      pingStatus: 'Online',
      resourceType: 'EC2Instance',
      source: 'admin',
      tags: [
        { Key: 'Name', Value: 'added-1' },
        { Key: 'Env', Value: 'test' },
      ],
    });
    expect(await describedIds()).toEqual([first, addedId].sort());

    const duplicate = await admin('POST', '', { name: 'again', id: addedId });
    expect(duplicate.status).toBe(409);
    const invalid = await admin('POST', '', { name: 'x', image: 'windows' });
    expect(invalid).toMatchObject({ status: 400, json: { __type: 'ValidationException' } });
    const notJson = await fetch(`${server.endpoint}/_ssm-local/instances`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    const missing = await admin('DELETE', '/i-00000000000000000');
    expect(missing).toMatchObject({ status: 404, json: { __type: 'InvalidInstanceId' } });
  });

  it('adds, lists and removes instances with the CLI', async () => {
    const added = await cli('instances', 'add', '--name', 'cli-1', '--tag', 'Team=blue', '--hybrid');
    expect(added.code).toBe(0);
    const instance = JSON.parse(added.out) as { instanceId: string; tags: unknown[] };
    expect(instance.instanceId).toMatch(/^mi-[0-9a-f]{17}$/);
    expect(instance.tags).toEqual([{ Key: 'Team', Value: 'blue' }]);

    // The real entry point, as a user runs it.
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'src/cli.ts', 'instances', 'list', '--endpoint', server.endpoint],
      { cwd: new URL('..', import.meta.url).pathname },
    );
    expect(stdout).toContain(instance.instanceId);
    expect(stdout).toContain('cli-1');
    expect(stdout).toMatch(/INSTANCE ID\s+NAME\s+PING/);

    const removed = await cli('instances', 'remove', instance.instanceId);
    expect(removed).toMatchObject({ code: 0, out: `removed ${instance.instanceId}` });
    expect(await describedIds()).not.toContain(instance.instanceId);
    expect(
      await server.docker.listContainers({
        all: true,
        filters: { name: [`ssm-local-${server.fleet}-${instance.instanceId}`] },
      }),
    ).toEqual([]);
    const again = await cli('instances', 'remove', instance.instanceId);
    expect(again.code).toBe(1);
    expect(again.err).toContain('InvalidInstanceId');
    const usage = await cli('instances', 'add');
    expect(usage.code).toBe(2);
    const register = await cli(
      'register',
      '--activation-id',
      '00000000-0000-4000-8000-000000000000',
      '--activation-code',
      'abc',
    );
    expect(register.code).toBe(1);
    expect(register.err).toContain('InvalidActivationId');
  });

  it('adopts its containers, with their files, after a restart', async () => {
    const [first] = server.instanceIds;
    const executor = server.ssm.runtime.services.registry.get(EXECUTOR);
    const written = await (
      await executor.exec(server.instances[0]!.containerId, {
        argv: ['/bin/sh', '-c', 'echo kept > /root/kept.txt'],
      })
    ).result;
    expect(written.exitCode).toBe(0);
    const before = await describedIds();

    await server.stop({ keepContainers: true });
    server = await startDockerTestServer({ fleetPath: server.fleetPath, waitFor: 2 });

    expect(await describedIds()).toEqual(before);
    expect(server.instanceIds).toContain(first);
    expect(server.instanceIds).toContain(addedId);
    const read = await (
      await server.ssm.runtime.services.registry
        .get(EXECUTOR)
        .exec(server.instances.find((i) => i.instanceId === first)!.containerId, {
          argv: ['cat', '/root/kept.txt'],
        })
    ).result;
    expect(read).toMatchObject({ exitCode: 0, stdout: 'kept\n' });
  });
});
