// STUB (to be replaced): the WebSocket data channel and the shell backend.
import type { Services } from '../../core/capability.js';
import type { SessionBackend, SessionRegistry } from '../model.js';

/** Registers the /v1/data-channel/ upgrade handler; answers a function that closes every channel. */
export function startDataChannel(
  _services: Services,
  _registry: SessionRegistry,
  _backends: Record<string, SessionBackend>,
): () => Promise<void> {
  return () => Promise.resolve();
}

export function shellBackend(): SessionBackend {
  return { start: () => Promise.reject(new Error('shell sessions are not built yet')) };
}
