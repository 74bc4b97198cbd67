// StartSession: a session with an online managed instance, its document planned (properties
// substituted, preferences applied), answered with the SessionId, a token and the data channel's URL
// on the emulator's own host and port.
import type { StartSessionRequest, StartSessionResponse } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { FLEET } from '../../instances/api.js';
import type { LiveSession } from '../model.js';
import { sessionErrors } from './errors.js';
import { PREFERENCES_DOCUMENT, planSession } from './properties.js';
import type { SessionTable } from './registry.js';

/**
 * AWS names a session `<IAM user name or role session name>-<17 hex digits>`; every caller of
 * ssm-local is the IAM user `ssm-local` (as Parameter Store's LastModifiedUser says).
 */
export const CALLER_NAME = 'ssm-local';

export function ownerArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:user/${CALLER_NAME}`;
}

/** The data channel's URL for a session, on the host and port the request was sent to. */
export function streamUrl(ctx: RequestContext, sessionId: string): string {
  const host = ctx.host ?? `127.0.0.1:${ctx.services.config.port}`;
  return `ws://${host}/v1/data-channel/${encodeURIComponent(sessionId)}?role=publish_subscribe`;
}

/** A fresh TokenValue: random, long, and opaque, like AWS's. */
export function newToken(ctx: RequestContext): string {
  return Buffer.from(ctx.services.ids.hex(192), 'hex').toString('base64url');
}

export function startSession(table: () => SessionTable) {
  return async (input: StartSessionRequest, ctx: RequestContext): Promise<StartSessionResponse> => {
    const target = input.Target!;
    const fleet = ctx.services.registry.get(FLEET);
    const instance = await fleet.get(ctx.accountId, ctx.region, target);
    if (!instance?.online) throw sessionErrors.targetNotConnected(target);
    const plan = planSession(ctx, input.DocumentName ?? PREFERENCES_DOCUMENT, input.Parameters ?? {});
    const sessionId = `${CALLER_NAME}-${ctx.services.ids.hex(17)}`;
    const session: LiveSession = {
      sessionId,
      accountId: ctx.accountId,
      region: ctx.region,
      target: instance.instanceId,
      documentName: plan.documentName,
      sessionType: plan.sessionType,
      properties: plan.properties,
      ...(input.Reason !== undefined ? { reason: input.Reason } : {}),
      owner: ownerArn(ctx.accountId),
      startDate: ctx.services.clock.now().getTime(),
      status: 'Connecting',
      token: newToken(ctx),
      idleTimeoutMinutes: plan.idleTimeoutMinutes,
      ...(plan.maxDurationMinutes !== undefined ? { maxDurationMinutes: plan.maxDurationMinutes } : {}),
    };
    table().add(session);
    return { SessionId: sessionId, TokenValue: session.token, StreamUrl: streamUrl(ctx, sessionId) };
  };
}
