// With no Docker engine the server still starts and answers: instances are absent, the health
// endpoint says why, and the operations that need no container still work.
import {
  CreateActivationCommand,
  DescribeInstanceInformationCommand,
  GetConnectionStatusCommand,
} from '@aws-sdk/client-ssm';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tagsCapability } from '../src/tags/index.js';
import { EXECUTOR } from '../src/instances/api.js';
import { instancesCapability } from '../src/instances/index.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('instances without a Docker engine', () => {
  let server: TestServer;

  beforeAll(async () => {
    const started = Date.now();
    server = await startTestServer({
      // The default fleet file, and an engine address where nothing listens.
      fleetPath: new URL('../fixtures/fleet.json', import.meta.url).pathname,
      capabilities: [
        tagsCapability(),
        instancesCapability({ docker: new Docker({ host: '127.0.0.1', port: 1 }) }),
      ],
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });
  afterAll(async () => server?.stop());

  it('serves with no instances and says why in health', async () => {
    const ssm = server.client();
    expect((await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList).toEqual([]);
    expect((await ssm.send(new GetConnectionStatusCommand({ Target: 'i-0123456789abcdef0' }))).Status).toBe(
      'notconnected',
    );
    expect((await ssm.send(new CreateActivationCommand({ IamRole: 'r' }))).ActivationId).toBeTruthy();
    let detail = '';
    for (let i = 0; i < 50 && !detail.includes('no Docker engine'); i++) {
      const health = (await (await fetch(`${server.endpoint}/_ssm-local/health`)).json()) as {
        capabilities: Record<string, { up: boolean; detail?: string }>;
      };
      detail = health.capabilities.instances?.detail ?? '';
      if (!detail.includes('no Docker engine')) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(detail).toContain('no Docker engine answers at http://127.0.0.1:1');
    expect(await server.ssm.runtime.services.registry.get(EXECUTOR).available()).toBe(false);
  });

  it('refuses to add or register instances with 503', async () => {
    const added = await fetch(`${server.endpoint}/_ssm-local/instances`, {
      method: 'POST',
      body: JSON.stringify({ name: 'x' }),
    });
    expect(added.status).toBe(503);
    expect(((await added.json()) as { __type: string }).__type).toBe('DockerUnavailable');
    const listed = (await (await fetch(`${server.endpoint}/_ssm-local/instances`)).json()) as {
      status: { up: boolean };
      instances: unknown[];
    };
    expect(listed).toMatchObject({ status: { up: false }, instances: [] });
  });
});
