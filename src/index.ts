// Programmatic API, for a test runner's global set-up:
//   const ssm = await startSsmLocal({ port: 0, dataPath: ':memory:' });
//   ... new SSMClient({ endpoint: ssm.endpoint, region: 'us-east-1', credentials }) ...
//   await ssm.stop();
import { serve, type ServerType } from '@hono/node-server';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { allCapabilities, type CapabilityOptions } from './capabilities.js';
import type { Capability } from './core/capability.js';
import type { Clock, Ids } from './core/clock.js';
import { defaultConfig, type Config } from './core/config.js';
import { createRuntime, type Runtime } from './core/runtime.js';
import { createApp } from './server/app.js';

export type { Config } from './core/config.js';
export { defaultConfig, configFromEnvironment } from './core/config.js';
export type { Clock, Ids } from './core/clock.js';
export { FakeClock } from './core/fake-clock.js';
export type { InstanceExecutor, ExecRequest, ExecResult, ExecHandle } from './docker/executor.js';
export { MemoryFleet, type FleetBackend } from './instances/index.js';

export interface StartOptions extends Partial<Config>, CapabilityOptions {
  /** The clock every capability reads and the scheduler runs on (a FakeClock in tests). */
  clock?: Clock;
  ids?: Ids;
  /** Replaces the whole build (fleet and executor then go to the instances capability you pass). */
  capabilities?: Capability[];
}

export interface SsmLocal {
  /** http://host:port, for the SDK's `endpoint`. */
  endpoint: string;
  port: number;
  runtime: Runtime;
  app: ReturnType<typeof createApp>;
  stop(): Promise<void>;
}

export async function startSsmLocal(options: StartOptions = {}): Promise<SsmLocal> {
  const { clock, ids, capabilities, fleet, executor, ...overrides } = options;
  const config = defaultConfig(overrides);
  const runtime = await createRuntime({
    config,
    capabilities:
      capabilities ?? allCapabilities({ ...(fleet ? { fleet } : {}), ...(executor ? { executor } : {}) }),
    ...(clock ? { clock } : {}),
    ...(ids ? { ids } : {}),
  });
  const app = createApp(runtime);
  let server: ServerType | undefined;
  try {
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  // WebSockets on the same port (Session Manager's data channel): a capability's handler by path.
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!runtime.services.upgrades.handle(request, socket, head)) socket.destroy();
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    endpoint: `http://${shownHost}:${port}`,
    port,
    runtime,
    app,
    async stop() {
      // Upgraded sockets (data channels) are the server's no more: close() would wait for them.
      runtime.services.upgrades.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await runtime.stop();
    },
  };
}
