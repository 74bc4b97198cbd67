// What a capability is: a typed table of operation handlers, the services it provides and needs,
// optional start/stop hooks and taggable resource types. A capability knows nothing of HTTP; the
// protocol layer knows nothing of any capability. A new capability is one folder and one line in
// src/capabilities.ts.
import type { Clock, Ids } from './clock.js';
import type { Config } from './config.js';
import type { Scheduler } from './scheduler.js';
import type { Upgrades } from './upgrades.js';
import type { Secrets } from './secrets.js';
import type { ServiceKey, ServiceRegistry } from './services.js';
import type { OperationInput, OperationName, OperationOutput } from '../protocol/operations.js';
import type { RegionScope, Store } from '../store/store.js';

export interface Services {
  config: Config;
  clock: Clock;
  /** Everything that waits in emulated time goes through it (see scheduler.ts). */
  scheduler: Scheduler;
  ids: Ids;
  store: Store;
  secrets: Secrets;
  /** What capabilities offer one another, by typed key. */
  registry: ServiceRegistry;
  /** Resource types reachable by the tagging operations, from every capability's `taggable`. */
  taggable: Map<string, TaggableType>;
  /** Handlers of HTTP upgrades (WebSockets) on the emulator's port, by path prefix. */
  upgrades: Upgrades;
  /** Calls the emulator's own operations in-process, as a client would (Automation's aws:executeAwsApi). */
  operations: OperationCaller;
}

/**
 * The emulator's own API, called from inside it: the input is validated against the model exactly as
 * an HTTP request's body is, the operation's handler runs in ctx's account and region, and the answer
 * is the JSON a client would receive (dates as epoch seconds). Failures are the SsmErrors a client
 * would get (an operation with no handler: InternalFailure, 501).
 */
export interface OperationCaller {
  call(ctx: RequestContext, operation: string, input: unknown): Promise<Record<string, unknown>>;
}

export interface RequestContext {
  accountId: string;
  region: string;
  requestId: string;
  operation: string;
  /**
   * The host and port the request was sent to (its Host header), for URLs the emulator hands out
   * (Session Manager's StreamUrl); absent for work outside a request.
   */
  host?: string;
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

/** A capability's handlers: any operations of the model, each typed by its SDK input and output. */
export type Handlers = {
  [K in OperationName]?: Handler<OperationInput<K>, OperationOutput<K>>;
};

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
  handlers?: Handlers;
  taggable?: Record<string, TaggableType>;
  /** Services this capability provides (with services.registry.provide, in start). */
  provides?: readonly ServiceKey<unknown>[];
  /** Services it cannot do without: the runtime starts their providers first, or refuses to start. */
  needs?: readonly ServiceKey<unknown>[];
  /** Services it uses when the build has them: their providers start first. */
  uses?: readonly ServiceKey<unknown>[];
  start?(services: Services): void | Promise<void>;
  /**
   * Called once every capability has started (and provided its services): where recovered work
   * resumes, so that it finds everything another capability registers in its start.
   */
  started?(): void | Promise<void>;
  stop?(): void | Promise<void>;
  status?(): CapabilityStatus;
}
