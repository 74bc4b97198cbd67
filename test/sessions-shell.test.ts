// Shell sessions against real containers, through StartSession and the data channel, with our
// protocol-notes client (test/support/session-client.ts) playing the official plugin.
import {
  DescribeSessionsCommand,
  ResumeSessionCommand,
  StartSessionCommand,
  TerminateSessionCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerExec } from './commands-helpers.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';
import { advanceClock } from './support/server.js';
import { PayloadType } from '../src/sessions/channel/codec.js';
import { SessionClient, type SessionClientOptions } from './support/session-client.js';

const hasDocker = await requireDocker('session manager shell');

describe.skipIf(!hasDocker)('shell sessions (real containers)', () => {
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

  async function open(options: SessionClientOptions = {}) {
    const start = await ssm.send(new StartSessionCommand({ Target: target }));
    const client = await SessionClient.open(start, options);
    clients.push(client);
    return { client, sessionId: start.SessionId! };
  }

  /** A shell session past its first prompt. */
  async function shell(options: SessionClientOptions = {}) {
    const opened = await open(options);
    await opened.client.waitFor('$ ');
    return opened;
  }

  /** `ps` of the instance's container, through docker exec. */
  const ps = (): Promise<string> =>
    dockerExec(server.docker, server.instances[0]!.containerId, ['ps', '-eo', 'pid,user,args']);

  async function state(sessionId: string, State: 'Active' | 'History') {
    const { Sessions } = await ssm.send(new DescribeSessionsCommand({ State }));
    return Sessions?.find((s) => s.SessionId === sessionId);
  }

  it('does the handshake: SessionType Standard_Stream, a four-part AgentVersion, then HandshakeComplete', async () => {
    const { client } = await open();
    await client.handshaken;
    const request = client.handshakeRequest!;
    expect(request.AgentVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(request.RequestedClientActions).toEqual([
      { ActionType: 'SessionType', ActionParameters: { SessionType: 'Standard_Stream', Properties: null } },
    ]);
    expect(typeof client.handshakeComplete?.HandshakeTimeToComplete).toBe('number');
    client.line('exit');
    await client.closed;
  });

  it('runs `echo hello` and `exit` as ssm-user: output, channel_closed, then History', async () => {
    const { client, sessionId } = await shell();
    expect((await state(sessionId, 'Active'))?.Status).toBe('Connected');
    client.line('echo hello; whoami');
    await client.waitFor(/hello\r\nssm-user\r\n/);
    client.line('exit');
    const closed = await client.closed;
    expect(closed).toMatchObject({ SessionId: sessionId, MessageType: 'channel_closed', Output: '' });
    expect(await client.socketClosed).toBe(1000);
    await expect.poll(async () => (await state(sessionId, 'History'))?.Status).toBe('Terminated');
  });

  it('retransmits an output frame the client dropped', async () => {
    // seq 0 and 1 are the handshake; seq 2 is the shell's first output (its prompt).
    const { client } = await shell({ dropOutputSeq: 2 });
    expect(client.arrivals.get(2)).toBeGreaterThanOrEqual(2);
    client.line('echo after-drop');
    await client.waitFor('after-drop\r\n');
    client.line('exit');
    await client.closed;
  });

  it('delivers out-of-order and duplicated input once, in order, and acks every copy', async () => {
    const { client } = await shell();
    const a = client.prepare('echo ');
    const b = client.prepare('ab');
    const c = client.prepare('cd\r');
    for (const frame of [c.frame, b.frame, a.frame, a.frame, c.frame]) client.sendFrame(frame);
    const text = await client.waitFor(/\r\nabcd\r\n/);
    expect(text.match(/echo abcd/g)).toHaveLength(1);
    await client.until(() => (client.inputAcks.filter((s) => s === c.seq).length === 2 ? true : undefined));
    expect(client.inputAcks.filter((s) => s === a.seq)).toHaveLength(2);
    client.line('exit');
    await client.closed;
  });

  it('an early input that does not fit the reorder buffer is not acknowledged, and is taken when sent again', async () => {
    const { client } = await shell();
    const a = client.prepare('echo ');
    // Three early fillers of 11 MiB (Size messages whose junk the shell ignores): the third passes
    // the buffer's 32 MiB.
    const junk = Buffer.alloc(11 * 1024 * 1024, 0x7a);
    const fillers = [1, 2, 3].map(() => client.prepare(junk, PayloadType.Size));
    const e = client.prepare('xy\r');
    for (const { frame } of [...fillers, e]) client.sendFrame(frame);
    await client.until(() => (client.inputAcks.includes(e.seq) ? true : undefined));
    expect(client.inputAcks).toContain(fillers[0]!.seq);
    expect(client.inputAcks).toContain(fillers[1]!.seq);
    expect(client.inputAcks).not.toContain(fillers[2]!.seq);
    // In order up to the one that was dropped: nothing runs yet.
    const from = client.output().length;
    client.sendFrame(a.frame);
    await client.until(() => (client.inputAcks.includes(a.seq) ? true : undefined));
    client.sendFrame(fillers[2]!.frame); // again, as the plugin does with unacknowledged input
    const text = await client.waitFor(/\r\nxy\r\n/, 15_000, from);
    expect(text.match(/echo xy/g)).toHaveLength(1);
    client.line('exit');
    await client.closed;
  });

  it('applies Size messages to the TTY', async () => {
    const { client } = await shell();
    client.size(123, 45);
    const from = client.output().length;
    client.line('stty size');
    await client.waitFor('45 123', 15_000, from);
    client.line('exit');
    await client.closed;
  });

  it('Ctrl-C (0x03) interrupts `sleep 100` through the TTY', async () => {
    const { client } = await shell();
    client.line('sleep 100');
    await expect.poll(ps).toMatch(/sleep 100/);
    const started = Date.now();
    client.send('\x03');
    client.line('echo interrupted');
    await client.waitFor('interrupted\r\n');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await ps()).not.toMatch(/sleep 100/);
    client.line('exit');
    await client.closed;
  });

  it('TerminateSession sends channel_closed and leaves no process behind', async () => {
    const { client, sessionId } = await shell();
    client.line('sleep 301 & sleep 302');
    await expect.poll(ps).toMatch(/sleep 302/);
    await ssm.send(new TerminateSessionCommand({ SessionId: sessionId }));
    const closed = await client.closed;
    expect(closed.SessionId).toBe(sessionId);
    expect(await ps()).not.toMatch(/sleep 30[12]/);
    await expect.poll(async () => (await state(sessionId, 'History'))?.Status).toBe('Terminated');
  });

  it('ends an idle session when the clock passes idleSessionTimeout (20 minutes by default)', async () => {
    const { client, sessionId } = await shell();
    client.line('sleep 303');
    await expect.poll(ps).toMatch(/sleep 303/);
    await advanceClock(server.endpoint, 21 * 60);
    const closed = await client.closed;
    expect(closed.Output).toMatch(/idle/);
    expect(await ps()).not.toMatch(/sleep 303/);
    await expect.poll(async () => (await state(sessionId, 'History'))?.Status).toBe('Terminated');
  });

  it('keeps a vanished client’s session (Disconnected) for ResumeSession, then ends it when idle', async () => {
    const { client, sessionId } = await shell();
    client.line('sleep 304');
    await expect.poll(ps).toMatch(/sleep 304/);
    client.vanish();
    await expect.poll(async () => (await state(sessionId, 'Active'))?.Status).toBe('Disconnected');
    // The shell still runs; a resumed socket carries on with the same sequence numbers.
    const resumed = await ssm.send(new ResumeSessionCommand({ SessionId: sessionId }));
    await client.connect(resumed);
    await expect.poll(async () => (await state(sessionId, 'Active'))?.Status).toBe('Connected');
    client.send('\x03');
    client.line('echo resumed');
    await client.waitFor('resumed\r\n');
    client.line('sleep 305');
    await expect.poll(ps).toMatch(/sleep 305/);
    client.vanish();
    await advanceClock(server.endpoint, 21 * 60);
    await expect.poll(async () => (await state(sessionId, 'History'))?.Status).toBe('Terminated');
    expect(await ps()).not.toMatch(/sleep 30[45]/);
  });
});
