// Command sessions and the Session Manager preferences against real containers, with our
// protocol-notes client (test/support/session-client.ts) playing the official plugin:
// AWS-StartInteractiveCommand (a TTY: input reaches the command, the session ends when it exits),
// AWS-StartNonInteractiveCommand (output, then the end), and the account's SSM-SessionManagerRunShell:
// runAs, the shell profile, the maximum session duration on the emulator's clock.
import {
  CreateDocumentCommand,
  DescribeSessionsCommand,
  StartSessionCommand,
  UpdateDocumentCommand,
  type SSMClient,
  type StartSessionCommandInput,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerExec } from './commands-helpers.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';
import { advanceClock } from './support/server.js';
import { SessionClient } from './support/session-client.js';

const hasDocker = await requireDocker('session manager command sessions');

describe.skipIf(!hasDocker)('command sessions and preferences (real containers)', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let target: string;
  const clients: SessionClient[] = [];

  beforeAll(async () => {
    server = await startDockerTestServer({ instances: 1 });
    ssm = server.client();
    target = server.instanceIds[0]!;
  });
  afterAll(async () => {
    for (const client of clients) client.socket?.terminate();
    await server?.stop();
  });

  async function open(input: Omit<StartSessionCommandInput, 'Target'> = {}) {
    const start = await ssm.send(new StartSessionCommand({ Target: target, ...input }));
    const client = await SessionClient.open(start);
    clients.push(client);
    return { client, sessionId: start.SessionId! };
  }

  async function history(sessionId: string) {
    const { Sessions } = await ssm.send(new DescribeSessionsCommand({ State: 'History' }));
    return Sessions?.find((s) => s.SessionId === sessionId);
  }

  /** Runs a command in the instance's container (docker exec, as the image's user: root). */
  const inContainer = (script: string): Promise<string> =>
    dockerExec(server.docker, server.instances[0]!.containerId, ['/bin/sh', '-c', script]);

  /** Creates or updates the account's Session Manager preferences. */
  async function preferences(inputs: Record<string, unknown>): Promise<void> {
    const Content = JSON.stringify({
      schemaVersion: '1.0',
      description: 'Document to hold regional settings for Session Manager',
      sessionType: 'Standard_Stream',
      inputs,
    });
    try {
      await ssm.send(
        new CreateDocumentCommand({ Name: 'SSM-SessionManagerRunShell', DocumentType: 'Session', Content }),
      );
    } catch (error) {
      if ((error as Error).name !== 'DocumentAlreadyExists') throw error;
      await ssm.send(
        new UpdateDocumentCommand({
          Name: 'SSM-SessionManagerRunShell',
          DocumentVersion: '$LATEST',
          Content,
        }),
      );
    }
  }

  it('AWS-StartInteractiveCommand: typed input reaches the command through a TTY; its exit ends the session', async () => {
    const { client, sessionId } = await open({
      DocumentName: 'AWS-StartInteractiveCommand',
      Parameters: { command: ['bash -c \'read -r x; echo "got-$x"; tty; whoami\''] },
    });
    await client.handshaken;
    expect(client.handshakeRequest!.RequestedClientActions[0]!.ActionParameters.SessionType).toBe(
      'InteractiveCommands',
    );
    client.line('hello');
    // The TTY echoes the input, then the command answers (it runs with a terminal, as ssm-user).
    const text = await client.waitFor(/got-hello\r\n\/dev\/pts\/\d+\r\nssm-user\r\n/);
    expect(text).toContain('hello\r\n');
    const closed = await client.closed;
    expect(closed).toMatchObject({ SessionId: sessionId, MessageType: 'channel_closed', Output: '' });
    await expect.poll(async () => (await history(sessionId))?.Status).toBe('Terminated');
  });

  it('AWS-StartInteractiveCommand: `cat` echoes lines until Ctrl-D', async () => {
    const { client } = await open({
      DocumentName: 'AWS-StartInteractiveCommand',
      Parameters: { command: ['cat'] },
    });
    await client.handshaken;
    client.line('first line');
    // The TTY echoes the line, then cat writes it back.
    await client.waitFor('first line\r\nfirst line\r\n');
    client.send('\x04');
    await client.closed;
  });

  it('AWS-StartNonInteractiveCommand: the output (stdout and stderr) arrives, then the session ends', async () => {
    const { client, sessionId } = await open({
      DocumentName: 'AWS-StartNonInteractiveCommand',
      Parameters: { command: ['echo out-$((6*7)); echo err-line >&2; test -t 1 || echo no-tty'] },
    });
    await client.handshaken;
    expect(client.handshakeRequest!.RequestedClientActions[0]!.ActionParameters.SessionType).toBe(
      'NonInteractiveCommands',
    );
    const closed = await client.closed;
    expect(closed.Output).toBe('');
    // No TTY: plain "\n" line ends.
    expect(client.output()).toContain('out-42\n');
    expect(client.output()).toContain('err-line\n');
    expect(client.output()).toContain('no-tty\n');
    await expect.poll(async () => (await history(sessionId))?.Status).toBe('Terminated');
  });

  it('runAs: runAsEnabled with runAsDefaultUser starts shells and commands as that user', async () => {
    await inContainer('id -u session-alice >/dev/null 2>&1 || useradd -m -s /bin/bash session-alice');
    await preferences({ runAsEnabled: true, runAsDefaultUser: 'session-alice' });
    const { client } = await open();
    await client.waitFor('$ ');
    client.line('whoami; echo "home=$HOME"');
    await client.waitFor(/\r\nsession-alice\r\nhome=\/home\/session-alice\r\n/);
    client.line('exit');
    await client.closed;
    const command = await open({
      DocumentName: 'AWS-StartInteractiveCommand',
      Parameters: { command: ['whoami'] },
    });
    await command.client.closed;
    expect(command.client.output()).toContain('session-alice');
  });

  it('runAs: a runAsDefaultUser that does not exist fails the session with the agent message', async () => {
    await preferences({ runAsEnabled: true, runAsDefaultUser: 'nobody-here' });
    const { client, sessionId } = await open();
    const closed = await client.closed;
    expect(closed.Output).toMatch(/RunAs user nobody-here does not exist/);
    await expect.poll(async () => (await history(sessionId))?.Status).toBe('Failed');
  });

  it('shellProfile.linux is typed into a new shell before the user types', async () => {
    await preferences({ runAsEnabled: false, shellProfile: { linux: 'export FOO=bar', windows: '' } });
    const { client } = await open();
    await client.handshaken;
    client.line('echo "FOO is [$FOO]"');
    await client.waitFor('FOO is [bar]\r\n');
    client.line('exit');
    await client.closed;
    // Not for command sessions (the agent runs the profile for Standard_Stream only).
    const command = await open({
      DocumentName: 'AWS-StartNonInteractiveCommand',
      Parameters: { command: ['echo "FOO is [$FOO]"'] },
    });
    await command.client.closed;
    expect(command.client.output()).toContain('FOO is []');
  });

  it('maxSessionDuration ends a busy session when the emulated clock passes it', async () => {
    await preferences({ maxSessionDuration: '30', idleSessionTimeout: '60' });
    const { client, sessionId } = await open();
    await client.waitFor('$ ');
    client.line('sleep 600');
    // Not yet: 29 minutes in (and within the idle timeout, so it is the maximum that ends it).
    await advanceClock(server.endpoint, 29 * 60);
    client.send('x');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await history(sessionId))?.Status).toBeUndefined();
    await advanceClock(server.endpoint, 2 * 60);
    const closed = await client.closed;
    expect(closed.Output).toMatch(/maximum session duration \(30 minutes\)/);
    expect(await inContainer('ps -eo args')).not.toMatch(/sleep 600/);
    await expect.poll(async () => (await history(sessionId))?.Status).toBe('Terminated');
  });
});
