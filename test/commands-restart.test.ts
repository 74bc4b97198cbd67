// Run Command across an emulator restart, against real containers: commands and invocations are kept
// in the data file; what was running when the emulator stopped is Failed instead of InProgress
// forever, and what was not yet sent is delivered once the emulator is back.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';
import {
  commandSettled,
  eventually,
  getInvocation,
  processes,
  runShell,
  settled,
} from './commands-helpers.js';

const hasDocker = await requireDocker('Run Command');

describe.skipIf(!hasDocker)('Run Command across a restart', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ssm-local-commands-'));
  const dataPath = join(folder, 'ssm-local.json');
  let server: DockerTestServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('marks running invocations Failed, keeps finished ones, and delivers those not yet sent', async () => {
    server = await startDockerTestServer({ instances: 2, options: { dataPath } });
    let ssm: SSMClient = server.client();
    const [one, two] = server.instanceIds as [string, string];
    const finished = await runShell(ssm, ['echo kept'], { InstanceIds: [one] });
    await settled(ssm, finished.CommandId!, one);
    // Only the first instance sleeps: the second runs quickly once it gets its turn.
    const running = await runShell(
      ssm,
      ['echo first', `[ "$AWS_SSM_INSTANCE_ID" = "${one}" ] && sleep 331`, 'echo done'],
      {
        InstanceIds: [one, two],
        MaxConcurrency: '1',
        MaxErrors: '1', // the lost invocation counts as an error; the second one still runs
      },
    );
    await settled(ssm, running.CommandId!, one, ['InProgress']);
    const containerOne = server.instances[0]!.containerId;
    await eventually(
      () => processes(server!.docker, containerOne),
      (list) => list.includes('sleep 331'),
    );
    expect((await getInvocation(ssm, running.CommandId!, two)).Status).toBe('Pending');

    const fleetPath = server.fleetPath;
    await server.stop({ keepContainers: true });
    server = await startDockerTestServer({ fleetPath, options: { dataPath } });
    ssm = server.client();

    expect(await getInvocation(ssm, finished.CommandId!, one)).toMatchObject({
      Status: 'Success',
      StandardOutputContent: 'kept\n',
    });
    const lost = await getInvocation(ssm, running.CommandId!, one);
    expect(lost).toMatchObject({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: -1 });
    expect(lost.ExecutionEndDateTime).not.toBe('');
    const delivered = await settled(ssm, running.CommandId!, two, undefined, 60_000);
    expect(delivered).toMatchObject({ Status: 'Success', StandardOutputContent: 'first\ndone\n' });
    expect(await commandSettled(ssm, running.CommandId!)).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Incomplete',
      CompletedCount: 2,
      ErrorCount: 1,
    });
  });
});
