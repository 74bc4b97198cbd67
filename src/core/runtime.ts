// Assembles a running emulator: services (config, clock, scheduler, ids, store, secrets, the
// registry of what capabilities provide), the capabilities in dependency order, and the operation
// table. Handlers are checked against the service model at start-up.
import type { Capability, Handler, RequestContext, Services } from './capability.js';
import { randomIds, type Clock, type Ids } from './clock.js';
import type { Config } from './config.js';
import { FakeClock } from './fake-clock.js';
import { createScheduler } from './scheduler.js';
import { Secrets } from './secrets.js';
import { Upgrades } from './upgrades.js';
import { ServiceRegistry, type ServiceKey } from './services.js';
import { errors } from '../protocol/errors.js';
import { serviceModel, type ServiceModel } from '../protocol/model.js';
import { serializeOutput } from '../protocol/serialize.js';
import { validateInput } from '../protocol/validate.js';
import type { OperationName } from '../protocol/operations.js';
import { LowStore, type Store } from '../store/store.js';
import { dirname, join } from 'node:path';

/** A handler as the pipeline calls it, with input already validated against the model. */
export type AnyHandler = Handler<never, unknown>;

export interface Runtime {
  services: Services;
  /** In start order: every capability after those it needs or uses. */
  capabilities: Capability[];
  handlers: Map<OperationName, AnyHandler>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  capabilities: Capability[];
  clock?: Clock;
  ids?: Ids;
  store?: Store;
}

/**
 * The capabilities ordered so that each starts after the providers of what it needs or uses.
 * A needed service nobody provides, or a cycle, stops the start with a message naming it.
 */
export function startOrder(capabilities: Capability[]): Capability[] {
  const providers = new Map<string, Capability>();
  for (const capability of capabilities) {
    for (const key of capability.provides ?? []) {
      const other = providers.get(key.name);
      if (other)
        throw new Error(`capabilities ${other.name} and ${capability.name} both provide ${key.name}`);
      providers.set(key.name, capability);
    }
  }
  const ordered: Capability[] = [];
  const state = new Map<Capability, 'visiting' | 'done'>();
  const visit = (capability: Capability, path: string[]): void => {
    const seen = state.get(capability);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new Error(
        `capabilities depend on each other in a cycle: ${[...path, capability.name].join(' -> ')}`,
      );
    }
    state.set(capability, 'visiting');
    const before = (key: ServiceKey<unknown>, needed: boolean): void => {
      const provider = providers.get(key.name);
      if (!provider) {
        if (needed)
          throw new Error(`capability ${capability.name} needs ${key.name}, which no capability provides`);
        return;
      }
      if (provider !== capability) visit(provider, [...path, capability.name]);
    };
    for (const key of capability.needs ?? []) before(key, true);
    for (const key of capability.uses ?? []) before(key, false);
    state.set(capability, 'done');
    ordered.push(capability);
  };
  for (const capability of capabilities) visit(capability, []);
  return ordered;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  const capabilities = startOrder(options.capabilities);
  const store = options.store ?? (await LowStore.open(config.dataPath));
  const secrets = Secrets.open(
    config.dataPath === ':memory:' ? undefined : join(dirname(config.dataPath), 'master.key'),
  );
  // By default the wall clock, which POST /_ssm-local/clock can move forward (a running FakeClock:
  // real time plus an offset, and advancing runs what falls due on the way).
  const model = serviceModel();
  const handlers = new Map<OperationName, AnyHandler>();
  const clock = options.clock ?? new FakeClock(Date.now(), { running: true });
  const services: Services = {
    config,
    clock,
    scheduler: createScheduler(clock),
    ids: options.ids ?? randomIds,
    store,
    secrets,
    registry: new ServiceRegistry(),
    taggable: new Map(),
    upgrades: new Upgrades(),
    operations: { call: (ctx, operation, input) => callOperation(model, handlers, ctx, operation, input) },
  };
  for (const capability of capabilities) {
    for (const [operation, handler] of Object.entries(capability.handlers ?? {})) {
      if (!model.operations[operation]) {
        throw new Error(`capability ${capability.name} handles ${operation}, which is not an SSM operation`);
      }
      if (handlers.has(operation as OperationName)) throw new Error(`two capabilities handle ${operation}`);
      handlers.set(operation as OperationName, handler as AnyHandler);
    }
    for (const [type, target] of Object.entries(capability.taggable ?? {}))
      services.taggable.set(type, target);
  }
  const started: Capability[] = [];
  const stopAll = async (): Promise<void> => {
    services.scheduler.stop();
    for (const capability of [...started].reverse()) await capability.stop?.();
    await store.close();
  };
  try {
    for (const capability of capabilities) {
      started.push(capability);
      await capability.start?.(services);
      for (const key of capability.provides ?? []) {
        if (!services.registry.has(key)) {
          throw new Error(`capability ${capability.name} declares ${key.name} but did not provide it`);
        }
      }
    }
    for (const capability of capabilities) await capability.started?.();
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
  return { services, capabilities, handlers, stop: stopAll };
}

async function callOperation(
  model: ServiceModel,
  handlers: Map<OperationName, AnyHandler>,
  ctx: RequestContext,
  operation: string,
  input: unknown,
): Promise<Record<string, unknown>> {
  const definition = model.operations[operation];
  if (!definition) throw errors.unknownOperation();
  const validated = validateInput(definition, input);
  const handler = handlers.get(operation as OperationName);
  if (!handler) throw errors.notImplemented(operation);
  const output = await (handler as (i: unknown, c: RequestContext) => unknown)(validated, {
    ...ctx,
    operation,
  });
  return JSON.parse(serializeOutput(output)) as Record<string, unknown>;
}
