// The data channel's ClientMessage codec (notes §3) without Docker, and the channel's front door and
// other clients (a wrong token; the third-party `ssm-session` npm package) against real containers.
import { ResumeSessionCommand, StartSessionCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { createRequire } from 'node:module';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HEADER_LENGTH,
  MessageType,
  PayloadType,
  decode,
  digestOf,
  encode,
} from '../src/sessions/channel/codec.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';
import { SessionClient } from './support/session-client.js';

describe('ClientMessage codec', () => {
  const payload = Buffer.from('{"cols":300,"rows":100}');
  const frame = encode({
    messageType: MessageType.input,
    createdDate: 0x01a221a2b6a6,
    sequenceNumber: 1,
    messageId: 'dd62f2c3-f39d-412a-8bba-20274f2f3a93',
    payloadType: PayloadType.Size,
    payload,
  });

  it('lays out the header as the plugin does (the captured Size frame of the notes)', () => {
    expect(frame.readUInt32BE(0)).toBe(HEADER_LENGTH);
    expect(frame.subarray(4, 36).toString()).toBe('input_stream_data' + ' '.repeat(15));
    expect(frame.readUInt32BE(36)).toBe(1);
    expect(frame.subarray(40, 48).toString('hex')).toBe('000001a221a2b6a6');
    expect(frame.subarray(48, 56).toString('hex')).toBe('0000000000000001');
    expect(frame.subarray(64, 80).toString('hex')).toBe('8bba20274f2f3a93dd62f2c3f39d412a');
    expect(frame.subarray(80, 112)).toEqual(digestOf(payload));
    expect(frame.readUInt32BE(112)).toBe(3);
    expect(frame.readUInt32BE(116)).toBe(23);
    expect(frame.subarray(120).toString()).toBe('{"cols":300,"rows":100}');
  });

  it('decodes what it encodes, and NUL padding too', () => {
    const nul = Buffer.from(frame);
    nul.fill(0, 4 + 'input_stream_data'.length, 36);
    for (const f of [frame, nul]) {
      const decoded = decode(f);
      expect(decoded.ok && decoded.message).toMatchObject({
        messageType: 'input_stream_data',
        sequenceNumber: 1,
        messageId: 'dd62f2c3-f39d-412a-8bba-20274f2f3a93',
        payloadType: 3,
      });
    }
  });

  it('rejects a wrong digest, a zero CreatedDate or HeaderLength (except for publication messages)', () => {
    const badDigest = Buffer.from(frame);
    badDigest[90] = badDigest[90]! ^ 0xff;
    expect(decode(badDigest)).toMatchObject({ ok: false });
    expect(decode(badDigest, { verifyDigest: false })).toMatchObject({ ok: true });
    const noDate = encode({ messageType: MessageType.input, createdDate: 0, payload });
    expect(noDate.readBigUInt64BE(40)).toBe(0n);
    expect(decode(noDate)).toMatchObject({ ok: false });
    const noHeader = Buffer.from(frame);
    noHeader.writeUInt32BE(0, 0);
    expect(decode(noHeader)).toMatchObject({ ok: false });
    const paused = encode({ messageType: MessageType.pausePublication, createdDate: 0 });
    expect(decode(paused)).toMatchObject({ ok: true });
  });
});

interface SsmSessionLib {
  init(socket: WebSocket, data: { token: string; termOptions: { rows: number; cols: number } }): void;
  decode(data: Buffer): { payloadType: number; payload: Uint8Array; messageType: string };
  sendACK(socket: WebSocket, message: unknown): void;
  sendText(socket: WebSocket, text: Uint8Array): void;
}

const hasDocker = await requireDocker('session manager data channel');

describe.skipIf(!hasDocker)('the data channel with other clients (real containers)', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;

  beforeAll(async () => {
    server = await startDockerTestServer({ instances: 1 });
    ssm = server.client();
  });
  const sockets: WebSocket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await server?.stop();
  });

  it('closes a socket whose OpenDataChannelInput has a wrong token, sending nothing', async () => {
    const start = await ssm.send(new StartSessionCommand({ Target: server.instanceIds[0] }));
    const socket = new WebSocket(start.StreamUrl!);
    const frames: unknown[] = [];
    socket.on('message', (data) => frames.push(data));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ MessageSchemaVersion: '1.0', RequestId: 'x', TokenValue: 'wrong' }));
    const code = await new Promise((resolve) => socket.once('close', resolve));
    expect(code).toBe(1008);
    expect(frames).toEqual([]);
    // The right token still opens it.
    const client = await SessionClient.open(start);
    await client.waitFor('$ ');
    client.line('exit');
    await client.closed;
  });

  it('closes a socket that sends a message over 16 MiB (1009); the session can be resumed', async () => {
    const start = await ssm.send(new StartSessionCommand({ Target: server.instanceIds[0] }));
    const client = await SessionClient.open(start);
    await client.waitFor('$ ');
    // Sent by hand (the client keeps no copy to send again after resuming).
    const payload = Buffer.alloc(16 * 1024 * 1024 + 1, 0x61);
    client.sendFrame(
      encode({ messageType: MessageType.input, sequenceNumber: 1_000, payloadType: 1, payload }),
    );
    expect(await client.socketClosed).toBe(1009);
    const resumed = await ssm.send(new ResumeSessionCommand({ SessionId: start.SessionId }));
    await client.connect(resumed);
    client.line('exit');
    await client.closed;
  });

  it('serves the ssm-session npm package (no handshake, digests that are not SHA-256), with ws as its WebSocket', async () => {
    const { ssm: lib } = createRequire(import.meta.url)('ssm-session') as { ssm: SsmSessionLib };
    const start = await ssm.send(new StartSessionCommand({ Target: server.instanceIds[0] }));
    const socket = new WebSocket(start.StreamUrl!);
    sockets.push(socket);
    let output = '';
    let closed = false;
    socket.on('message', (data: Buffer) => {
      const message = lib.decode(data);
      if (message.messageType === 'channel_closed') closed = true;
      if (message.messageType !== 'output_stream_data') return;
      lib.sendACK(socket, message);
      if (message.payloadType === 1) output += Buffer.from(message.payload).toString('utf8');
    });
    await new Promise((resolve) => socket.once('open', resolve));
    lib.init(socket, { token: start.TokenValue!, termOptions: { rows: 30, cols: 111 } });
    await expect.poll(() => output).toContain('$ ');
    lib.sendText(socket, new TextEncoder().encode('stty size; echo from-$((6*7))\r'));
    await expect.poll(() => output).toContain('30 111\r\nfrom-42');
    lib.sendText(socket, new TextEncoder().encode('exit\r'));
    await expect.poll(() => closed).toBe(true);
  });
});
