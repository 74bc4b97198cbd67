// HTTP upgrades (WebSockets) on the emulator's own port: a capability registers a handler for a path
// prefix in start() (Session Manager's data channel at /v1/data-channel/); the server hands every
// upgrade request to the first handler whose prefix its path starts with, and refuses the others.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export class Upgrades {
  private readonly handlers: Array<{ prefix: string; handler: UpgradeHandler }> = [];
  /** The sockets handed to handlers and still open (the HTTP server's close() does not see them). */
  private readonly sockets = new Set<Duplex>();

  register(prefix: string, handler: UpgradeHandler): void {
    if (this.handlers.some((h) => h.prefix === prefix))
      throw new Error(`upgrades of ${prefix} are handled twice`);
    this.handlers.push({ prefix, handler });
  }

  /** Hands the request to its handler; false when no handler takes its path. */
  handle(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (request.url ?? '').split('?')[0] ?? '';
    const found = this.handlers.find((h) => path.startsWith(h.prefix));
    if (!found) return false;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    found.handler(request, socket, head);
    return true;
  }

  /** Destroys every upgraded socket still open (the emulator is stopping). */
  closeAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
