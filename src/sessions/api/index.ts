// Session Manager's API: StartSession, ResumeSession, TerminateSession and DescribeSessions over the
// sessions kept in memory (registry.ts), which the data channel (../channel) authorizes and updates
// through the SessionRegistry seam (../model.ts). Session documents come from the documents
// capability (Amazon's AWS-Start* documents are in fixtures/documents/); properties.ts plans a
// session from its document and the account's SSM-SessionManagerRunShell preferences.
import type { Handlers, Services } from '../../core/capability.js';
import type { SessionRegistry } from '../model.js';
import { describeSessions } from './describe.js';
import { sessionErrors } from './errors.js';
import { SESSION_REGISTRY, SessionTable } from './registry.js';
import { resumeSession } from './resume.js';
import { startSession } from './start.js';
import { terminateSession } from './terminate.js';

export { SESSION_REGISTRY, SessionTable } from './registry.js';

export function sessionHandlers(registry: () => SessionRegistry | undefined): Handlers {
  const table = (): SessionTable => {
    const current = registry();
    if (!(current instanceof SessionTable)) throw sessionErrors.notStarted();
    return current;
  };
  return {
    StartSession: startSession(table),
    ResumeSession: resumeSession(table),
    TerminateSession: terminateSession(table),
    DescribeSessions: describeSessions(table),
  };
}

/** The sessions of every account and region; also offered as SESSION_REGISTRY (for tests and tools). */
export function createSessionRegistry(services: Services): SessionRegistry {
  const table = new SessionTable(services);
  services.registry.provide(SESSION_REGISTRY, table);
  return table;
}
