// Port forwarding end to end against a REAL instance container: servers started in it with
// SendCommand, StartSession with the port documents, and the data channel driven by the test client
// playing the plugin in basic mode (it sends the local TCP client's bytes as PT1, Flag 1 when that
// client disconnects, Flag 2 on Ctrl-C).
import {
  DescribeSessionsCommand,
  ResumeSessionCommand,
  StartSessionCommand,
  TerminateSessionCommand,
  type SSMClient,
  type StartSessionCommandOutput,
} from '@aws-sdk/client-ssm';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_VERSION_FOR_SESSIONS } from '../src/sessions/model.js';
import { dockerExec, runShell, settled } from './commands-helpers.js';
import { startDockerTestServer, requireDocker, type DockerTestServer } from './support/docker.js';
import { SessionClient, type SessionClientOptions } from './support/session-client.js';

const hasDocker = await requireDocker('port forwarding sessions');

const BANNER_SERVER = `
import socket, threading
def serve(c):
    c.sendall(b'SSH-2.0-Fake_1.0\\r\\n'); c.recv(100); c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 2222)); s.listen(5)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
`;

const request = (path: string) => `GET ${path} HTTP/1.0\r\nHost: localhost\r\n\r\n`;

async function sessionState(ssm: SSMClient, sessionId: string, state: 'Active' | 'History') {
  const out = await ssm.send(new DescribeSessionsCommand({ State: state }));
  return out.Sessions?.find((s) => s.SessionId === sessionId);
}

describe.skipIf(!hasDocker)('port forwarding sessions (real container)', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let target: string;

  beforeAll(async () => {
    server = await startDockerTestServer({ instances: 1 });
    ssm = server.client();
    target = server.instanceIds[0]!;
    const command = await runShell(
      ssm,
      [
        'mkdir -p /srv/www && echo hello-from-the-instance > /srv/www/hello.txt',
        'echo second-file > /srv/www/two.txt',
        'head -c 20971520 /dev/urandom > /srv/www/big.bin',
        `cat > /srv/banner.py <<'EOF'\n${BANNER_SERVER}\nEOF`,
        'cd /srv/www && setsid nohup python3 -m http.server 8000 >/dev/null 2>&1 < /dev/null &',
        // The same files from a server on the loopback only: reached through the in-container relay.
        'cd /srv/www && setsid nohup python3 -m http.server 8003 --bind 127.0.0.1 >/dev/null 2>&1 < /dev/null &',
        'setsid nohup python3 /srv/banner.py >/dev/null 2>&1 < /dev/null &',
        "for i in $(seq 50); do python3 -c \"import socket; socket.create_connection(('127.0.0.1', 8000)); socket.create_connection(('127.0.0.1', 2222)); socket.create_connection(('127.0.0.1', 8003))\" 2>/dev/null && exit 0; sleep 0.1; done; exit 1",
      ],
      { InstanceIds: [target] },
    );
    const invocation = await settled(ssm, command.CommandId!, target);
    expect(invocation.Status, invocation.StandardErrorContent).toBe('Success');
  });
  afterAll(async () => server?.stop());

  /** The SHA-256 of /srv/www/big.bin, as the instance computes it. */
  async function bigFileDigest(): Promise<string> {
    const said = await dockerExec(server.docker, server.instances[0]!.containerId, [
      'sha256sum',
      '/srv/www/big.bin',
    ]);
    const digest = /([0-9a-f]{64}) {2}\/srv/.exec(said)?.[1];
    if (!digest) throw new Error(`no digest in ${JSON.stringify(said)}`);
    return digest;
  }

  /** StartSession with a session document, our client connected and through the handshake. */
  async function openSession(
    DocumentName: string,
    Parameters: Record<string, string[]>,
    options?: SessionClientOptions,
  ): Promise<{ start: StartSessionCommandOutput; client: SessionClient }> {
    const start = await ssm.send(new StartSessionCommand({ Target: target, DocumentName, Parameters }));
    const client = await SessionClient.open(start, options);
    await client.handshaken;
    return { start, client };
  }

  /** The HTTP body of a 20 MiB download once it has all come (the chunks joined only then). */
  function wholeBigFile(chunks: Buffer[], received: number): Buffer | undefined {
    if (received < 20 * 1024 * 1024) return undefined;
    const all = Buffer.concat(chunks);
    const at = all.indexOf('\r\n\r\n');
    return at >= 0 && all.length - at - 4 >= 20 * 1024 * 1024 ? all.subarray(at + 4) : undefined;
  }

  it('AWS-StartPortForwardingSession: two fetches through one session (Flag 1 between), Flag 2 ends it', async () => {
    const { start, client } = await openSession('AWS-StartPortForwardingSession', {
      portNumber: ['8000'],
      localPortNumber: ['0'],
    });
    expect(client.handshakeRequest?.AgentVersion).toBe(AGENT_VERSION_FOR_SESSIONS);
    expect(client.handshakeRequest?.RequestedClientActions[0]?.ActionParameters).toMatchObject({
      SessionType: 'Port',
      Properties: { portNumber: '8000', type: 'LocalPortForwarding', localPortNumber: '0' },
    });

    client.send(request('/hello.txt'));
    const first = await client.waitFor(/hello-from-the-instance/);
    expect(first).toMatch(/^HTTP\/1\.0 200 OK/);
    client.flag(1); // the local client disconnected
    const from = client.output().length;
    client.send(request('/two.txt'));
    const second = await client.waitFor(/second-file/, 15_000, from);
    expect(second).toMatch(/^HTTP\/1\.0 200 OK/);
    expect(await sessionState(ssm, start.SessionId!, 'Active')).toMatchObject({ Status: 'Connected' });

    client.flag(2); // Ctrl-C in the plugin
    const closed = await client.closed;
    expect(closed.SessionId).toBe(start.SessionId);
    const ended = await sessionState(ssm, start.SessionId!, 'History');
    expect(ended?.Status).toBe('Terminated');
  });

  /** Opens a port session to `port` and downloads big.bin `rounds` times (a new local connection each). */
  async function downloadBigFile(port: number, rounds: number): Promise<SessionClient> {
    const want = await bigFileDigest();
    let chunks: Buffer[] = [];
    const { client } = await openSession(
      'AWS-StartPortForwardingSession',
      { portNumber: [String(port)], localPortNumber: ['0'] },
      { record: false, onOutput: (b) => chunks.push(b) },
    );
    for (let round = 1; round <= rounds; round++) {
      chunks = [];
      if (round > 1) client.flag(1); // a new local connection
      client.send(request('/big.bin'));
      const body = await client.until(
        () =>
          wholeBigFile(
            chunks,
            chunks.reduce((n, b) => n + b.length, 0),
          ),
        60_000,
        'the whole file',
      );
      expect(body.length).toBe(20 * 1024 * 1024);
      expect(createHash('sha256').update(body).digest('hex')).toBe(want);
    }
    return client;
  }

  it('a 20 MiB download arrives byte for byte (large messages, flow control), twice in one session', async () => {
    const client = await downloadBigFile(8000, 2);
    // Large messages: 20 MiB in far fewer than 320 messages of 64 KiB.
    expect(client.arrivals.size).toBeLessThan(200);
    client.flag(2);
    await client.closed;
  });

  it('a 20 MiB download from a loopback-only server arrives byte for byte through the relay', async () => {
    // The engine's exec stream hands the relay's output over in chunks of about 32 KiB: gathered
    // while the client has output to acknowledge (coalescer.ts), each message's digest checked.
    const client = await downloadBigFile(8003, 1);
    client.flag(2);
    await client.closed;
  });

  it('a download survives the socket dropping mid-way: ResumeSession, the same bytes, none twice', async () => {
    const chunks: Buffer[] = [];
    let received = 0;
    const { start, client } = await openSession(
      'AWS-StartPortForwardingSession',
      { portNumber: ['8000'], localPortNumber: ['0'] },
      {
        record: false,
        onOutput: (bytes) => {
          chunks.push(bytes);
          received += bytes.length;
        },
      },
    );
    client.send(request('/big.bin'));
    await client.until(() => (received > 3 * 1024 * 1024 ? true : undefined), 30_000, 'some of the file');
    client.vanish();
    await expect
      .poll(async () => (await sessionState(ssm, start.SessionId!, 'Active'))?.Status)
      .toBe('Disconnected');
    await client.connect(await ssm.send(new ResumeSessionCommand({ SessionId: start.SessionId! })));
    const body = await client.until(() => wholeBigFile(chunks, received), 60_000, 'the whole file');
    expect(body.length).toBe(20 * 1024 * 1024);
    expect(createHash('sha256').update(body).digest('hex')).toBe(await bigFileDigest());
    client.flag(2);
    await client.closed;
  });

  it('TerminateSession closes a port session', async () => {
    const { start, client } = await openSession('AWS-StartPortForwardingSession', { portNumber: ['8000'] });
    client.send(request('/hello.txt'));
    await client.waitFor(/hello-from-the-instance/);
    await ssm.send(new TerminateSessionCommand({ SessionId: start.SessionId! }));
    expect((await client.closed).SessionId).toBe(start.SessionId);
  });

  it('...ToRemoteHost reaches a host as the instance names it', async () => {
    const { client } = await openSession('AWS-StartPortForwardingSessionToRemoteHost', {
      host: ['localhost'],
      portNumber: ['8000'],
      localPortNumber: ['0'],
    });
    client.send(request('/hello.txt'));
    await client.waitFor(/hello-from-the-instance/);
    client.flag(2);
    await client.closed;
  });

  it('AWS-StartSSHSession: a server-first banner arrives unasked; the target closing ends the session', async () => {
    const { start, client } = await openSession('AWS-StartSSHSession', { portNumber: ['2222'] });
    expect(
      client.handshakeRequest?.RequestedClientActions[0]?.ActionParameters.Properties,
    ).not.toHaveProperty('type');
    await client.waitFor('SSH-2.0-Fake_1.0\r\n');
    client.send('SSH-2.0-Client\r\n');
    expect((await client.closed).SessionId).toBe(start.SessionId);
  });

  it('a port nothing listens on ends the session with the agent message', async () => {
    const start = await ssm.send(
      new StartSessionCommand({
        Target: target,
        DocumentName: 'AWS-StartPortForwardingSession',
        Parameters: { portNumber: ['8999'] },
      }),
    );
    const client = await SessionClient.open(start);
    const closed = await client.closed;
    expect(closed.Output).toMatch(
      /^Unable to connect to specified port: dial tcp .*:8999: connect: connection refused$/,
    );
  });
});
