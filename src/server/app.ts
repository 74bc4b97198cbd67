// The HTTP pipeline, one request at a time: find the operation from X-Amz-Target, identify the
// caller (SigV4), parse the JSON body (application/x-amz-json-1.1 is read as text and parsed here;
// Hono's json validator would silently yield {}), validate it against the model, run the handler.
import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import type { RequestContext } from '../core/capability.js';
import type { Runtime } from '../core/runtime.js';
import { identifyCaller } from '../protocol/auth.js';
import { SsmError, errors } from '../protocol/errors.js';
import { serviceModel } from '../protocol/model.js';
import { CONTENT_TYPE, serializeError, serializeOutput } from '../protocol/serialize.js';
import { validateInput } from '../protocol/validate.js';
import { parseJsonObject } from './body.js';
import { mountInstanceAdmin } from './admin-instances.js';

export const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function createApp(runtime: Runtime): Hono {
  const app = new Hono();
  const model = serviceModel();
  const prefix = `${model.metadata.targetPrefix}.`;
  const { services } = runtime;
  // Uptime is wall time since the app was made (the injected clock may be a test's fake one).
  const createdAt = Date.now();

  app.get('/_ssm-local/health', (c) => {
    const capabilities: Record<string, { up: boolean; detail?: string }> = {};
    for (const capability of runtime.capabilities) {
      capabilities[capability.name] = capability.status?.() ?? { up: true };
    }
    return c.json({
      service: 'ssm-local',
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - createdAt) / 1000),
      capabilities,
      operationsImplemented: runtime.handlers.size,
      operationsInModel: Object.keys(model.operations).length,
    });
  });

  app.post('/_ssm-local/reset', async (c) => {
    await services.store.reset();
    return c.json({ reset: true });
  });

  mountInstanceAdmin(app, runtime);

  app.post('/', async (c) => {
    const requestId = services.ids.uuid();
    const started = performance.now();
    let operation = '-';
    try {
      const target = c.req.header('x-amz-target') ?? '';
      if (!target.startsWith(prefix) || !model.operations[target.slice(prefix.length)]) {
        throw errors.unknownOperation();
      }
      operation = target.slice(prefix.length);
      const body = await c.req.text();
      const caller = await identifyCaller(services.config, c.req.header('authorization'), () => {
        const url = new URL(c.req.url);
        return {
          method: 'POST',
          path: url.pathname + url.search,
          headers: Object.fromEntries(Object.entries(c.req.header()).map(([k, v]) => [k.toLowerCase(), v])),
          body,
        };
      });
      const input = validateInput(model.operations[operation]!, parseJsonObject(body));
      const handler = runtime.handlers.get(operation);
      if (!handler) throw errors.notImplemented(operation);
      const ctx: RequestContext = {
        accountId: caller.accountId,
        region: caller.region,
        requestId,
        operation,
        services,
        scope: services.store.scope(caller.accountId, caller.region),
        persist: (records) =>
          services.store.persist(
            records?.map((r) => ({ ...r, accountId: caller.accountId, region: caller.region })),
          ),
      };
      const output = await (handler as (i: unknown, c: RequestContext) => unknown)(input, ctx);
      if (services.config.log) log(operation, 200, started);
      return c.body(serializeOutput(output), 200, {
        'content-type': CONTENT_TYPE,
        'x-amzn-requestid': requestId,
      });
    } catch (caught) {
      let error: SsmError;
      if (caught instanceof SsmError) {
        error = caught;
      } else {
        console.error(`ssm-local: internal error in ${operation}:`, caught);
        error = errors.internal();
      }
      const { status, body, headers } = serializeError(error);
      if (services.config.log) log(operation, status, started, error.code);
      return c.body(body, status as 400, { ...headers, 'x-amzn-requestid': requestId });
    }
  });

  app.notFound((c) => c.json({ message: 'Not found. ssm-local answers POST / with X-Amz-Target.' }, 404));
  return app;
}

function log(operation: string, status: number, started: number, code?: string): void {
  const ms = (performance.now() - started).toFixed(1);
  console.log(`${new Date().toISOString()} ${operation} ${status}${code ? ` ${code}` : ''} ${ms}ms`);
}
