// STUB (to be replaced): StartSession, ResumeSession, TerminateSession, DescribeSessions.
import type { Handlers, Services } from '../../core/capability.js';
import type { SessionRegistry } from '../model.js';

export function sessionHandlers(_registry: () => SessionRegistry | undefined): Handlers {
  return {};
}

export function createSessionRegistry(_services: Services): SessionRegistry {
  return {
    authorize: () => undefined,
    setStatus: () => undefined,
    ended: () => undefined,
    onTerminate: () => undefined,
    instanceOf: () => Promise.resolve(undefined),
  };
}
