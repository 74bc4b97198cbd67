// Hybrid activations and registering containers with them (admin endpoint), then
// DeregisterManagedInstance. The fleet file declares no instance: every container here comes from a
// registration.
import {
  CreateActivationCommand,
  DeleteActivationCommand,
  DeregisterManagedInstanceCommand,
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/core/clock.js';
import { LABEL } from '../src/docker/containers.js';
import { errorOf } from './support/server.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

const hasDocker = await requireDocker('hybrid activations');

const HOUR = 3600_000;
let offset = 0;
const clock: Clock = { now: () => new Date(Date.now() + offset) };

describe.skipIf(!hasDocker)('hybrid activations and registration', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;

  const register = async (body: Record<string, unknown>) => {
    const response = await fetch(`${server.endpoint}/_ssm-local/instances/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, string> };
  };
  const activation = async (id: string) =>
    (
      await ssm.send(
        new DescribeActivationsCommand({ Filters: [{ FilterKey: 'ActivationIds', FilterValues: [id] }] }),
      )
    ).ActivationList![0]!;

  beforeAll(async () => {
    server = await startDockerTestServer({ fleet: [], options: { clock } });
    ssm = server.client();
  });
  afterAll(async () => server?.stop());

  it('creates activations with AWS defaults and describes them', async () => {
    const created = await ssm.send(new CreateActivationCommand({ IamRole: 'SSMServiceRole' }));
    expect(created.ActivationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.ActivationCode).toMatch(/^[A-Za-z0-9+/]{20}$/);
    const described = await activation(created.ActivationId!);
    expect(described).toEqual({
      ActivationId: created.ActivationId,
      IamRole: 'SSMServiceRole',
      RegistrationLimit: 1,
      RegistrationsCount: 0,
      ExpirationDate: expect.any(Date),
      Expired: false,
      CreatedDate: expect.any(Date),
      Tags: [],
    });
    expect(described.ExpirationDate!.getTime() - described.CreatedDate!.getTime()).toBe(24 * HOUR);
    expect(described).not.toHaveProperty('ActivationCode');

    const named = await ssm.send(
      new CreateActivationCommand({
        IamRole: 'OtherRole',
        DefaultInstanceName: 'edge box',
        Description: 'edge devices',
        RegistrationLimit: 5,
        ExpirationDate: new Date(Date.now() + 48 * HOUR),
        Tags: [{ Key: 'Site', Value: 'lab' }],
      }),
    );
    const byName = await ssm.send(
      new DescribeActivationsCommand({
        Filters: [{ FilterKey: 'DefaultInstanceName', FilterValues: ['edge box'] }],
      }),
    );
    expect(byName.ActivationList).toEqual([
      expect.objectContaining({
        ActivationId: named.ActivationId,
        Description: 'edge devices',
        RegistrationLimit: 5,
        Tags: [{ Key: 'Site', Value: 'lab' }],
      }),
    ]);
    const byRole = await ssm.send(
      new DescribeActivationsCommand({
        Filters: [{ FilterKey: 'IamRole', FilterValues: ['SSMServiceRole'] }],
      }),
    );
    expect(byRole.ActivationList!.map((a) => a.ActivationId)).toContain(created.ActivationId);
    expect(byRole.ActivationList!.map((a) => a.ActivationId)).not.toContain(named.ActivationId);

    // Pagination over a few more.
    for (let i = 0; i < 3; i++) await ssm.send(new CreateActivationCommand({ IamRole: 'PagedRole' }));
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ssm.send(new DescribeActivationsCommand({ MaxResults: 2, NextToken }));
      expect(page.ActivationList!.length).toBeLessThanOrEqual(2);
      seen.push(...page.ActivationList!.map((a) => a.ActivationId!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const bad = await errorOf(() => ssm.send(new DescribeActivationsCommand({ NextToken: 'nope' })));
    expect(bad.name).toBe('InvalidNextToken');
  });

  it('refuses expiration dates in the past or beyond 30 days', async () => {
    for (const ExpirationDate of [new Date(Date.now() - HOUR), new Date(Date.now() + 31 * 24 * HOUR)]) {
      const error = await errorOf(() =>
        ssm.send(new CreateActivationCommand({ IamRole: 'SSMServiceRole', ExpirationDate })),
      );
      expect(error.name).toBe('InvalidParameters');
      expect(error.$metadata?.httpStatusCode).toBe(400);
    }
    const error = await errorOf(() =>
      ssm.send(new CreateActivationCommand({ IamRole: 'r', RegistrationLimit: 0 })),
    );
    expect(error.name).toBe('ValidationException');
  });

  it('registers a container with an activation, within its limit, and deregisters it', async () => {
    const { ActivationId, ActivationCode } = await ssm.send(
      new CreateActivationCommand({
        IamRole: 'HybridRole',
        DefaultInstanceName: 'edge-1',
        RegistrationLimit: 1,
      }),
    );
    const wrong = await register({ activationId: ActivationId, activationCode: 'A'.repeat(20) });
    expect(wrong.status).toBe(400);
    expect(wrong.json.__type).toBe('InvalidActivation');
    const unknown = await register({
      activationId: '00000000-0000-4000-8000-000000000000',
      activationCode: 'x',
    });
    expect(unknown.json.__type).toBe('InvalidActivationId');

    const registered = await register({ activationId: ActivationId, activationCode: ActivationCode });
    expect(registered.status).toBe(201);
    const instanceId = registered.json.instanceId!;
    expect(instanceId).toMatch(/^mi-[0-9a-f]{17}$/);
    expect((await activation(ActivationId!)).RegistrationsCount).toBe(1);

    const info = (
      await ssm.send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: 'ActivationIds', Values: [ActivationId!] }],
        }),
      )
    ).InstanceInformationList!;
    expect(info).toHaveLength(1);
    expect(info[0]).toMatchObject({
      InstanceId: instanceId,
      PingStatus: 'Online',
      ResourceType: 'ManagedInstance',
      ActivationId,
      IamRole: 'HybridRole',
      Name: 'edge-1',
      ComputerName: 'edge-1',
      RegistrationDate: expect.any(Date),
      PlatformName: 'Debian GNU/Linux',
    });

    const usedUp = await register({ activationId: ActivationId, activationCode: ActivationCode });
    expect(usedUp.status).toBe(400);
    expect(usedUp.json.__type).toBe('ActivationLimitExceeded');

    await ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: instanceId }));
    expect((await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList).toEqual([]);
    const containers = await server.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.instanceId}=${instanceId}`] },
    });
    expect(containers).toHaveLength(1);
    expect(containers[0]!.State).not.toBe('running');
    expect(containers[0]!.Names[0]).toBe(`/ssm-local-deregistered-${server.fleet}-${instanceId}`);
    const again = await errorOf(() =>
      ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: instanceId })),
    );
    expect(again.name).toBe('InvalidInstanceId');
    const notMi = await errorOf(() =>
      ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: 'i-0123456789abcdef0' })),
    );
    expect(notMi.name).toBe('ValidationException');
  });

  it('refuses registration once the activation has expired, and reports it Expired', async () => {
    const { ActivationId, ActivationCode } = await ssm.send(
      new CreateActivationCommand({ IamRole: 'HybridRole', ExpirationDate: new Date(Date.now() + HOUR) }),
    );
    offset = 2 * HOUR;
    try {
      expect((await activation(ActivationId!)).Expired).toBe(true);
      const expired = await register({ activationId: ActivationId, activationCode: ActivationCode });
      expect(expired.status).toBe(400);
      expect(expired.json.__type).toBe('ActivationExpired');
      expect((await activation(ActivationId!)).RegistrationsCount).toBe(0);
    } finally {
      offset = 0;
    }
  });

  it('deletes activations: InvalidActivationId for unknown ones, InvalidActivation once deleted', async () => {
    const { ActivationId, ActivationCode } = await ssm.send(new CreateActivationCommand({ IamRole: 'r' }));
    await ssm.send(new DeleteActivationCommand({ ActivationId }));
    expect(
      (
        await ssm.send(
          new DescribeActivationsCommand({
            Filters: [{ FilterKey: 'ActivationIds', FilterValues: [ActivationId!] }],
          }),
        )
      ).ActivationList,
    ).toEqual([]);
    let error = await errorOf(() => ssm.send(new DeleteActivationCommand({ ActivationId })));
    expect(error.name).toBe('InvalidActivation');
    error = await errorOf(() =>
      ssm.send(new DeleteActivationCommand({ ActivationId: '11111111-2222-4333-8444-555555555555' })),
    );
    expect(error.name).toBe('InvalidActivationId');
    error = await errorOf(() => ssm.send(new DeleteActivationCommand({ ActivationId: 'not-a-uuid' })));
    expect(error.name).toBe('ValidationException');
    const refused = await register({ activationId: ActivationId, activationCode: ActivationCode });
    expect(refused.json.__type).toBe('InvalidActivation');
  });
});
