// ResumeSession: a new token for an active session, so the plugin can reconnect its data channel.
// A session that has ended is answered without a TokenValue (the session-manager-plugin then prints
// "Session: <id> timed out." and exits); one this account and region never had is
// DoesNotExistException.
import type { ResumeSessionRequest, ResumeSessionResponse } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { sessionErrors } from './errors.js';
import { isActive, type SessionTable } from './registry.js';
import { newToken, streamUrl } from './start.js';

export function resumeSession(table: () => SessionTable) {
  return (input: ResumeSessionRequest, ctx: RequestContext): ResumeSessionResponse => {
    const sessionId = input.SessionId!;
    const session = table().find(ctx.accountId, ctx.region, sessionId);
    if (!session) throw sessionErrors.doesNotExist(sessionId);
    if (!isActive(session)) return { SessionId: sessionId };
    session.token = newToken(ctx);
    return { SessionId: sessionId, TokenValue: session.token, StreamUrl: streamUrl(ctx, sessionId) };
  };
}
