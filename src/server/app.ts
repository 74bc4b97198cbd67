// The HTTP pipeline, one request at a time: find the operation from X-Amz-Target, identify the
// caller (SigV4), parse the JSON body (application/x-amz-json-1.1 is read as text and parsed here;
// Hono's json validator would silently yield {}), validate it against the model, run the handler.
import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { contextFor } from '../core/context.js';
import type { Runtime } from '../core/runtime.js';
import { identifyCaller } from '../protocol/auth.js';
import { SsmError, errors } from '../protocol/errors.js';
import { serviceModel } from '../protocol/model.js';
import type { OperationName } from '../protocol/operations.js';
import { CONTENT_TYPE, serializeError, serializeOutput } from '../protocol/serialize.js';
import { validateInput } from '../protocol/validate.js';
import { parseJsonObject } from './body.js';
import { mountClockAdmin } from './admin-clock.js';
import { mountInstanceAdmin } from './admin-instances.js';
import { mountConsole } from '../ui/route.js';

export const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** What the SSM route records for the error handler and the log. */
export interface AppEnv {
  Variables: { requestId: string; operation: string; started: number };
}

const ADMIN_PREFIX = '/_ssm-local/';

export function createApp(runtime: Runtime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
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
  mountClockAdmin(app, runtime);
  mountConsole(app, runtime);

  app.post('/', async (c) => {
    const requestId = services.ids.uuid();
    c.set('requestId', requestId);
    c.set('started', performance.now());
    const target = c.req.header('x-amz-target') ?? '';
    if (!target.startsWith(prefix) || !model.operations[target.slice(prefix.length)]) {
      throw errors.unknownOperation();
    }
    const operation = target.slice(prefix.length) as OperationName;
    c.set('operation', operation);
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
    const ctx = contextFor(services, {
      accountId: caller.accountId,
      region: caller.region,
      operation,
      requestId,
      ...(c.req.header('host') ? { host: c.req.header('host')! } : {}),
    });
    const output = await (handler as (i: unknown, c: typeof ctx) => unknown)(input, ctx);
    if (services.config.log) log(operation, 200, c.get('started'));
    return c.body(serializeOutput(output), 200, {
      'content-type': CONTENT_TYPE,
      'x-amzn-requestid': requestId,
    });
  });

  // One error handler for the SSM route and the admin routes: an SsmError is answered as it says; any
  // other error is a fault of ours, logged, and answered 500 without its details on the SSM route.
  app.onError((caught, c) => {
    const admin = c.req.path.startsWith(ADMIN_PREFIX);
    let error: SsmError;
    if (caught instanceof SsmError) {
      error = caught;
    } else {
      console.error(
        `ssm-local: internal error in ${admin ? c.req.path : (c.get('operation') ?? '-')}:`,
        caught,
      );
      error = admin ? new SsmError('InternalServerError', caught.message, 500) : errors.internal();
    }
    if (admin) return c.json({ __type: error.code, message: error.message }, error.status as 400);
    const { status, body, headers } = serializeError(error);
    const started = c.get('started');
    if (services.config.log && started !== undefined)
      log(c.get('operation') ?? '-', status, started, error.code);
    return c.body(body, status as 400, {
      ...headers,
      'x-amzn-requestid': c.get('requestId') ?? services.ids.uuid(),
    });
  });

  app.notFound((c) => c.json({ message: 'Not found. ssm-local answers POST / with X-Amz-Target.' }, 404));
  return app;
}

function log(operation: string, status: number, started: number, code?: string): void {
  const ms = (performance.now() - started).toFixed(1);
  console.log(`${new Date().toISOString()} ${operation} ${status}${code ? ` ${code}` : ''} ${ms}ms`);
}
