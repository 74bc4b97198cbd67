// How the port backend reaches ports of a REAL instance container: directly on the container's IP,
// through the in-container relay for a server bound to its loopback only and for a host name only
// the container resolves, and the agent's message for a port nothing listens on.
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerDialer, relayConnect } from '../src/sessions/port/dial.js';
import type { TargetConnection } from '../src/sessions/port/relay.js';
import { dockerExec } from './commands-helpers.js';
import { createTestInstance, removeFleet, requireDocker } from './support/docker.js';

const hasDocker = await requireDocker('port forwarding');

/** Sends an HTTP/1.0 request and answers everything the server says until it closes. */
function httpGet(connection: TargetConnection, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    connection.onData((bytes) => chunks.push(bytes));
    connection.onEnd((error) => (error ? reject(error) : resolve(Buffer.concat(chunks).toString())));
    connection.write(Buffer.from(`GET ${path} HTTP/1.0\r\nHost: x\r\n\r\n`));
  });
}

const BANNER_ON_LOOPBACK = [
  'import socket',
  's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
  "s.bind(('127.0.0.1', 8002)); s.listen(5)",
  'while True:',
  "    c, _ = s.accept(); c.sendall(b'SSH-2.0-Loopback_1.0\\r\\n')",
].join('\n');

async function inContainer(docker: Docker, containerId: string, script: string): Promise<void> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: ['/bin/sh', '-c', script] });
  await exec.start({ Detach: true });
}

describe.skipIf(!hasDocker)('port backend: reaching a real container', () => {
  const docker = new Docker();
  const fleet = `t-port-${randomBytes(3).toString('hex')}`;
  let containerId: string;
  const dialer = new ContainerDialer(() => docker);

  beforeAll(async () => {
    containerId = await createTestInstance(docker, fleet, 'port-box');
    await inContainer(
      docker,
      containerId,
      'mkdir -p /srv/www && echo hello-from-the-instance > /srv/www/hello.txt && cd /srv/www && ' +
        '(nohup python3 -m http.server 8000 >/dev/null 2>&1 &) && ' +
        '(nohup python3 -m http.server 8001 --bind 127.0.0.1 >/dev/null 2>&1 &) && ' +
        // A server-first protocol on the loopback only: a banner as soon as a client connects.
        `(nohup python3 -c "${BANNER_ON_LOOPBACK}" >/dev/null 2>&1 &)`,
    );
    // Wait for both servers (through the relay, which sees the loopback).
    const deadline = Date.now() + 20_000;
    for (const port of [8000, 8001, 8002]) {
      for (;;) {
        try {
          (await relayConnect(docker, containerId, '127.0.0.1', port)).close();
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }
  });
  afterAll(async () => removeFleet(fleet, docker));

  it('dials a server listening on all addresses', async () => {
    const connect = await dialer.connector(containerId, '', 8000);
    expect(await httpGet(await connect(), '/hello.txt')).toMatch(/200 OK[\s\S]*hello-from-the-instance/);
  });

  it('reaches a server bound to the container loopback only (through the relay)', async () => {
    const connect = await dialer.connector(containerId, 'localhost', 8001);
    expect(await httpGet(await connect(), '/hello.txt')).toMatch(/200 OK[\s\S]*hello-from-the-instance/);
  });

  it('resolves a remote host name as the container does (its own host name here)', async () => {
    const connect = await dialer.connector(containerId, 'port-box', 8000);
    expect(await httpGet(await connect(), '/hello.txt')).toMatch(/hello-from-the-instance/);
  });

  it('keeps a relayed server-first banner that comes before anyone listens', async () => {
    const connection = await relayConnect(docker, containerId, '127.0.0.1', 8002);
    // The banner comes at once (often in the same read as the relay's `connected`); listen late.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const chunks: Buffer[] = [];
    connection.onData((bytes) => chunks.push(bytes));
    const deadline = Date.now() + 5000;
    while (!Buffer.concat(chunks).toString().includes('SSH-2.0-Loopback_1.0\r\n')) {
      if (Date.now() > deadline)
        throw new Error(`no banner: ${JSON.stringify(Buffer.concat(chunks).toString())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    connection.close();
  });

  it('answers the agent messages for a closed port and an unknown host', async () => {
    const closed = await dialer.connector(containerId, '', 8999);
    await expect(closed()).rejects.toThrow(/^dial tcp [\d.:]+: connect: connection refused$/);
    const unknown = await dialer.connector(containerId, 'no-such-host.invalid', 80);
    await expect(unknown()).rejects.toThrow('lookup no-such-host.invalid: no such host');
  });

  it('closing a relayed connection ends the relay process in the container', async () => {
    const connection = await relayConnect(docker, containerId, '127.0.0.1', 8001);
    connection.close();
    const deadline = Date.now() + 5000;
    for (;;) {
      const out = await dockerExec(docker, containerId, [
        '/bin/sh',
        '-c',
        'ps -eo args | grep -c "[S]SM_LOCAL_PORT_RELAY\\|[s]sm-local-port-relay" || true',
      ]);
      // dockerExec demultiplexes the engine's stream: the output is grep's count alone.
      if (/(^|\D)0\s*$/.test(out)) break;
      if (Date.now() > deadline) throw new Error(`relay still running: ${out}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
