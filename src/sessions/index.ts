// Session Manager: shells and port forwarding into the instances through the official plugin's data
// channel (api/ for the API, channel/ for the WebSocket data channel and shells, port/ for port
// forwarding; model.ts for the seams between them).
//
// What differs from real SSM:
// - (filled in by each part)
import type { Capability, CapabilityStatus, Services } from '../core/capability.js';
import { DOCUMENTS } from '../documents/api.js';
import { EXECUTOR, FLEET } from '../instances/api.js';
import { createSessionRegistry, sessionHandlers } from './api/index.js';
import { startDataChannel, shellBackend } from './channel/index.js';
import type { SessionBackend, SessionRegistry } from './model.js';
import { portBackend } from './port/index.js';

export function sessionsCapability(): Capability {
  let registry: SessionRegistry | undefined;
  let stopChannel: (() => Promise<void>) | undefined;
  return {
    name: 'sessions',
    needs: [FLEET, DOCUMENTS],
    uses: [EXECUTOR],
    handlers: sessionHandlers(() => registry),
    start(services: Services) {
      registry = createSessionRegistry(services);
      const backends: Record<string, SessionBackend> = {
        Standard_Stream: shellBackend(),
        InteractiveCommands: shellBackend(),
        NonInteractiveCommands: shellBackend(),
        Port: portBackend(),
      };
      stopChannel = startDataChannel(services, registry, backends);
    },
    async stop() {
      await stopChannel?.();
    },
    status(): CapabilityStatus {
      return registry ? { up: true } : { up: false, detail: 'not started' };
    },
  };
}
