// The context an operation runs in: its account, region and store scope, and a persist() bound to
// them. Requests get one from the HTTP pipeline; work that runs outside a request (a scheduled run,
// a recovery pass, an execution in the background) gets one from backgroundContext.
import type { RequestContext, Services } from './capability.js';

export interface ContextOrigin {
  accountId: string;
  region: string;
  /** The operation the work belongs to (for logs and for messages that name it). */
  operation: string;
  requestId?: string;
  /** The host (and port) the request was sent to, from its Host header. */
  host?: string;
}

export function contextFor(services: Services, origin: ContextOrigin): RequestContext {
  const { accountId, region } = origin;
  return {
    accountId,
    region,
    requestId: origin.requestId ?? services.ids.uuid(),
    ...(origin.host ? { host: origin.host } : {}),
    operation: origin.operation,
    services,
    scope: services.store.scope(accountId, region),
    persist: (records) => services.store.persist(records?.map((r) => ({ ...r, accountId, region }))),
  };
}

/** A context for background work of one account and region (no request behind it). */
export function backgroundContext(
  services: Services,
  accountId: string,
  region: string,
  operation: string,
): RequestContext {
  return contextFor(services, { accountId, region, operation });
}
