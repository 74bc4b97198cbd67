// Assembles a running emulator: services (config, clock, ids, store, secrets), the capabilities and
// the operation table. Handlers are checked against the service model at start-up.
import type { Capability, AnyHandler, Services } from './capability.js';
import { randomIds, systemClock, type Clock, type Ids } from './clock.js';
import type { Config } from './config.js';
import { Secrets } from './secrets.js';
import { serviceModel } from '../protocol/model.js';
import { LowStore, type Store } from '../store/store.js';
import { dirname, join } from 'node:path';

export interface Runtime {
  services: Services;
  capabilities: Capability[];
  handlers: Map<string, AnyHandler>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  capabilities: Capability[];
  clock?: Clock;
  ids?: Ids;
  store?: Store;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config } = options;
  const store = options.store ?? (await LowStore.open(config.dataPath));
  const secrets = Secrets.open(
    config.dataPath === ':memory:' ? undefined : join(dirname(config.dataPath), 'master.key'),
  );
  const services: Services = {
    config,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomIds,
    store,
    secrets,
    extensions: new Map(),
    taggable: new Map(),
  };
  const model = serviceModel();
  const handlers = new Map<string, AnyHandler>();
  const taggable = services.taggable;
  for (const capability of options.capabilities) {
    for (const [operation, handler] of Object.entries(capability.handlers)) {
      if (!model.operations[operation]) {
        throw new Error(`capability ${capability.name} handles ${operation}, which is not an SSM operation`);
      }
      if (handlers.has(operation)) throw new Error(`two capabilities handle ${operation}`);
      handlers.set(operation, handler);
    }
    for (const [type, target] of Object.entries(capability.taggable ?? {})) taggable.set(type, target);
  }
  for (const capability of options.capabilities) await capability.start?.(services);
  return {
    services,
    capabilities: options.capabilities,
    handlers,
    async stop() {
      for (const capability of [...options.capabilities].reverse()) await capability.stop?.();
      await store.close();
    },
  };
}
