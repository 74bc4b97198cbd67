// The Parameter Store state of one account and region, kept as plain JSON in the store: every
// parameter with its versions (oldest first, at most 100), its tags, and an index of the parameters
// that carry an Expiration policy. Times are epoch milliseconds.
import type { ChangedRecord, RequestContext, Tag } from '../core/capability.js';
import type { RegionScope } from '../store/store.js';

export type ParameterType = 'String' | 'StringList' | 'SecureString';
export type StoredTier = 'Standard' | 'Advanced';

export interface StoredPolicy {
  /** The policy's JSON text as the caller gave it. */
  text: string;
  type: 'Expiration' | 'ExpirationNotification' | 'NoChangeNotification';
}

export interface ParameterVersion {
  version: number;
  type: ParameterType;
  /** The value for String and StringList; for SecureString the ciphertext blob (base64), never the plaintext. */
  value: string;
  keyId?: string;
  description?: string;
  allowedPattern?: string;
  tier: StoredTier;
  dataType: string;
  policies: StoredPolicy[];
  labels: string[];
  modifiedAt: number;
  modifiedBy: string;
}

export interface StoredParameter {
  /** The name as it was first created ("/a/b", "p" or "/p"). */
  name: string;
  versions: ParameterVersion[];
  tags: Tag[];
}

export interface ParametersState {
  /** Keyed by the name without its leading slash, so "p" and "/p" are one parameter (one ARN). */
  parameters: Record<string, StoredParameter>;
  /** key -> epoch ms at which the Expiration policy of the latest version deletes the parameter. */
  expiring: Record<string, number>;
}

export const CAPABILITY = 'parameters';

export const initialState = (): ParametersState => ({ parameters: {}, expiring: {} });

export function stateOf(scope: RegionScope): ParametersState {
  return scope.get<ParametersState>(CAPABILITY, initialState);
}

// How many parameters each tier holds, for the per-region limits. Counted once per state object, then
// kept up to date by every change below, so a PutParameter never walks all parameters.
const tierCounts = new WeakMap<ParametersState, Record<StoredTier, number>>();

export function countsOf(state: ParametersState): Record<StoredTier, number> {
  let counts = tierCounts.get(state);
  if (!counts) {
    counts = { Standard: 0, Advanced: 0 };
    for (const parameter of Object.values(state.parameters)) counts[latest(parameter).tier]++;
    tierCounts.set(state, counts);
  }
  return counts;
}

/** Records a parameter moving between tiers (from undefined: created; to undefined: deleted). */
export function recountTier(
  state: ParametersState,
  from: StoredTier | undefined,
  to: StoredTier | undefined,
): void {
  const counts = tierCounts.get(state);
  if (!counts || from === to) return;
  if (from) counts[from]--;
  if (to) counts[to]++;
}

/** The store records a change to one parameter touches (for a journaled write). */
export function parameterRecords(key: string): ChangedRecord[] {
  return [
    { capability: CAPABILITY, collection: 'parameters', key },
    { capability: CAPABILITY, collection: 'expiring', key },
  ];
}

export function removeParameter(state: ParametersState, key: string): boolean {
  const parameter = state.parameters[key];
  delete state.expiring[key];
  if (!parameter) return false;
  recountTier(state, latest(parameter).tier, undefined);
  delete state.parameters[key];
  return true;
}

// The earliest expiration time of a state, kept in memory so that the purge every request runs is a
// single comparison until something is actually due. A lower bound: removals leave it as it is.
const earliestExpiry = new WeakMap<ParametersState, number>();

/** Records (or, with undefined, drops) the Expiration time of a parameter. */
export function setExpiry(state: ParametersState, key: string, at: number | undefined): void {
  if (at === undefined) {
    delete state.expiring[key];
    return;
  }
  state.expiring[key] = at;
  const earliest = earliestExpiry.get(state);
  if (earliest !== undefined && at < earliest) earliestExpiry.set(state, at);
}

/** Deletes the parameters whose Expiration time has come. Returns how many went. */
export function purgeExpired(state: ParametersState, now: number): number {
  const earliest = earliestExpiry.get(state);
  if (earliest !== undefined && earliest > now) return 0;
  let purged = 0;
  let next = Infinity;
  for (const [key, at] of Object.entries(state.expiring)) {
    if (at > now) next = Math.min(next, at);
    else if (removeParameter(state, key)) purged++;
  }
  earliestExpiry.set(state, next);
  return purged;
}

/**
 * This region's state with expired parameters already gone, so every operation sees an expired
 * parameter as deleted even between two sweeps. A purge is written out in the background: the sweep
 * (and the next purge after a restart) would redo it anyway.
 */
export function parametersState(ctx: RequestContext): ParametersState {
  const state = stateOf(ctx.scope);
  if (purgeExpired(state, ctx.services.clock.now().getTime()) > 0) {
    ctx.persist().catch(() => undefined);
  }
  return state;
}

export function latest(parameter: StoredParameter): ParameterVersion {
  return parameter.versions[parameter.versions.length - 1]!;
}

/** Who made a change, as ParameterMetadata.LastModifiedUser shows it. */
export function modifiedBy(ctx: RequestContext): string {
  return `arn:aws:iam::${ctx.accountId}:user/ssm-local`;
}
