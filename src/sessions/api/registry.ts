// The sessions, in memory (a restart forgets them, as it ends every data channel): the
// SessionRegistry the data channel and the port backend use (../model.ts), and what the API
// handlers need besides (add, find, list, resume, terminate). Ended sessions stay listed as History
// for 30 days, as on AWS.
import { timingSafeEqual } from 'node:crypto';
import type { Services } from '../../core/capability.js';
import { serviceKey } from '../../core/services.js';
import { FLEET, type ManagedInstance } from '../../instances/api.js';
import type { LiveSession, SessionRegistry } from '../model.js';

/** How long ended sessions stay in DescribeSessions' History (AWS keeps 30 days). */
export const HISTORY_MS = 30 * 24 * 60 * 60 * 1000;

const ENDED = new Set(['Terminated', 'Failed']);

export function isActive(session: LiveSession): boolean {
  return !ENDED.has(session.status);
}

/** The registry, for tests and tools that look at sessions from outside the API. */
export const SESSION_REGISTRY = serviceKey<SessionTable>('sessions.registry');

interface Entry {
  live: LiveSession;
  /** Order of creation, for listings (newest first) and their NextTokens. */
  seq: number;
}

export class SessionTable implements SessionRegistry {
  private readonly sessions = new Map<string, Entry>();
  private readonly terminateListeners: Array<(sessionId: string) => void> = [];
  private seq = 0;

  constructor(private readonly services: Services) {}

  add(session: LiveSession): void {
    this.sessions.set(session.sessionId, { live: session, seq: ++this.seq });
  }

  /** A session of this account and region (active or in history), or undefined. */
  find(accountId: string, region: string, sessionId: string): LiveSession | undefined {
    this.prune();
    const entry = this.sessions.get(sessionId);
    return entry && entry.live.accountId === accountId && entry.live.region === region
      ? entry.live
      : undefined;
  }

  /** This account and region's sessions with their creation order. */
  list(accountId: string, region: string): Array<{ session: LiveSession; seq: number }> {
    this.prune();
    return [...this.sessions.values()]
      .filter(({ live }) => live.accountId === accountId && live.region === region)
      .map(({ live, seq }) => ({ session: live, seq }));
  }

  /** TerminateSession: the session ends now, and the data channel is told to close. */
  terminate(session: LiveSession): void {
    if (!isActive(session)) return;
    this.finish(session, 'Terminated');
    for (const listener of this.terminateListeners) {
      try {
        listener(session.sessionId);
      } catch (error) {
        console.error(`ssm-local: a TerminateSession listener failed for ${session.sessionId}:`, error);
      }
    }
  }

  // ---- SessionRegistry ----

  authorize(sessionId: string, token: string): LiveSession | undefined {
    const live = this.sessions.get(sessionId)?.live;
    if (!live || !isActive(live)) return undefined;
    const given = Buffer.from(token, 'utf8');
    const expected = Buffer.from(live.token, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected) ? live : undefined;
  }

  setStatus(sessionId: string, status: 'Connected' | 'Disconnected'): void {
    const live = this.sessions.get(sessionId)?.live;
    if (live && isActive(live)) live.status = status;
  }

  ended(sessionId: string, status: 'Terminated' | 'Failed'): void {
    const live = this.sessions.get(sessionId)?.live;
    if (live && isActive(live)) this.finish(live, status);
  }

  onTerminate(listener: (sessionId: string) => void): void {
    this.terminateListeners.push(listener);
  }

  async instanceOf(session: LiveSession): Promise<ManagedInstance | undefined> {
    const fleet = this.services.registry.find(FLEET);
    const instance = await fleet?.get(session.accountId, session.region, session.target);
    return instance?.online ? instance : undefined;
  }

  private finish(session: LiveSession, status: 'Terminated' | 'Failed'): void {
    session.status = status;
    session.endDate = this.services.clock.now().getTime();
  }

  private prune(): void {
    const cutoff = this.services.clock.now().getTime() - HISTORY_MS;
    for (const [id, { live }] of this.sessions) {
      if (live.endDate !== undefined && live.endDate < cutoff) this.sessions.delete(id);
    }
  }
}
