// What a capability is: a named set of operation handlers plus optional start/stop hooks and
// taggable resource types. A capability knows nothing of HTTP; the protocol layer knows nothing of
// any capability.
import type { Clock, Ids } from './clock.js';
import type { Config } from './config.js';
import type { Secrets } from './secrets.js';
import type { RegionScope, Store } from '../store/store.js';

export interface Services {
  config: Config;
  clock: Clock;
  ids: Ids;
  store: Store;
  secrets: Secrets;
  /** Per-capability shared objects (for example the Docker executor), set up by capabilities. */
  extensions: Map<string, unknown>;
  /** Resource types reachable by the tagging operations, from every capability's `taggable`. */
  taggable: Map<string, TaggableType>;
}

export interface RequestContext {
  accountId: string;
  region: string;
  requestId: string;
  operation: string;
  services: Services;
  scope: RegionScope;
  /**
   * Resolves once the changes made so far are durable. Await it before answering a write. Naming
   * the records changed (state[capability][collection][key], in this account and region) lets the
   * store append just those to its journal; without them it rewrites everything.
   */
  persist(records?: ChangedRecord[]): Promise<void>;
}

export interface ChangedRecord {
  capability: string;
  collection: string;
  key: string;
}

export type Handler<I, O> = (input: I, ctx: RequestContext) => O | Promise<O>;
// Handlers are stored by operation name; each is written against its own SDK input/output type.
export type AnyHandler = Handler<never, unknown>;

export interface Tag {
  Key: string;
  Value: string;
}

/** A resource type that AddTagsToResource and friends can reach. */
export interface TaggableType {
  /** The resource's tag list (mutable), or an SsmError (InvalidResourceId) when it does not exist. */
  tags(ctx: RequestContext, resourceId: string): Tag[];
  maxTags?: number;
}

export interface CapabilityStatus {
  up: boolean;
  detail?: string;
}

export interface Capability {
  name: string;
  handlers: Record<string, AnyHandler>;
  taggable?: Record<string, TaggableType>;
  start?(services: Services): void | Promise<void>;
  stop?(): void | Promise<void>;
  status?(): CapabilityStatus;
}

export function defineHandler<I, O>(handler: Handler<I, O>): AnyHandler {
  return handler as AnyHandler;
}
