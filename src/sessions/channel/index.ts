// The WebSocket data channel at /v1/data-channel/<session-id> (notes §2-§8) and the shell backend.
// A client's first frame is a TEXT OpenDataChannelInput whose TokenValue must be the session's current
// token (StartSession's, or the latest ResumeSession's); every later frame is a binary ClientMessage.
// The channel of a session lives until the session ends, across sockets: a client that reconnects
// after ResumeSession continues with the same sequence numbers and gets the unacknowledged output again.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Services } from '../../core/capability.js';
import type { SessionBackend, SessionRegistry } from '../model.js';
import { SessionChannel } from './channel.js';

export { shellBackend } from './shell.js';

export const DATA_CHANNEL_PREFIX = '/v1/data-channel/';

/** A socket that sends no OpenDataChannelInput within this long (real time) is closed. */
const OPEN_TIMEOUT_MS = 30_000;

/**
 * The largest WebSocket message a client may send (ws closes the socket with 1009 beyond it). The
 * plugin's input messages carry 1,024 bytes at most; this only stops a client from making the
 * emulator hold one message of any size.
 */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Close code for a refused OpenDataChannelInput (the plugin does not read it). */
const POLICY_VIOLATION = 1008;

export interface OpenDataChannelInput {
  MessageSchemaVersion?: string;
  RequestId?: string;
  TokenValue?: string;
  ClientId?: string;
  ClientVersion?: string;
}

/** Registers the /v1/data-channel/ upgrade handler; answers a function that closes every channel. */
export function startDataChannel(
  services: Services,
  registry: SessionRegistry,
  backends: Record<string, SessionBackend>,
): () => Promise<void> {
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const channels = new Map<string, SessionChannel>();
  let stopped = false;

  const channelFor = (sessionId: string, token: string): SessionChannel | undefined => {
    const session = registry.authorize(sessionId, token);
    if (!session) return undefined;
    const existing = channels.get(sessionId);
    if (existing) return existing;
    const channel = new SessionChannel(session, {
      services,
      registry,
      backends,
      onGone: (gone) => {
        if (channels.get(gone.session.sessionId) === gone) channels.delete(gone.session.sessionId);
      },
    });
    channels.set(sessionId, channel);
    return channel;
  };

  const opened = (socket: WebSocket, sessionId: string) => {
    const timer = setTimeout(
      () => socket.close(POLICY_VIOLATION, 'no OpenDataChannelInput'),
      OPEN_TIMEOUT_MS,
    );
    timer.unref();
    socket.on('error', () => undefined);
    socket.once('message', (data, isBinary) => {
      clearTimeout(timer);
      const token = isBinary ? undefined : tokenOf(data as Buffer);
      const channel = token === undefined || stopped ? undefined : channelFor(sessionId, token);
      if (!channel) {
        socket.close(POLICY_VIOLATION, 'unauthorized');
        return;
      }
      channel.attach(socket);
    });
  };

  services.upgrades.register(
    DATA_CHANNEL_PREFIX,
    (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      const sessionId = decodeURIComponent(path.slice(DATA_CHANNEL_PREFIX.length));
      if (stopped || !sessionId || sessionId.includes('/')) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      server.handleUpgrade(request, socket, head, (ws) => opened(ws, sessionId));
    },
  );

  registry.onTerminate((sessionId) => {
    const channel = channels.get(sessionId);
    if (channel) void channel.end('', 'Terminated');
    else registry.ended(sessionId, 'Terminated');
  });

  return async () => {
    stopped = true;
    // The emulator stops: every backend is stopped (no process left in a container), at once.
    await Promise.all([...channels.values()].map((channel) => channel.end('', 'Terminated', false)));
    for (const client of server.clients) client.terminate();
    server.close();
  };
}

function tokenOf(data: Buffer): string | undefined {
  try {
    const input = JSON.parse(data.toString('utf8')) as OpenDataChannelInput;
    return typeof input.TokenValue === 'string' ? input.TokenValue : undefined;
  } catch {
    return undefined;
  }
}
