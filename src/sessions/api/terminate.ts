// TerminateSession: the session ends (History, status Terminated) and the data channel is told to
// send channel_closed to the client. As on AWS, whose only error for it is InternalServerError, it
// answers the SessionId whatever the session: unknown and already ended ones included.
import type { TerminateSessionRequest, TerminateSessionResponse } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import type { SessionTable } from './registry.js';

export function terminateSession(table: () => SessionTable) {
  return (input: TerminateSessionRequest, ctx: RequestContext): TerminateSessionResponse => {
    const sessionId = input.SessionId!;
    const session = table().find(ctx.accountId, ctx.region, sessionId);
    if (session) table().terminate(session);
    return { SessionId: sessionId };
  };
}
