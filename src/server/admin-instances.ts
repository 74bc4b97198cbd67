// Admin routes for the fleet (not part of SSM's API; used by the CLI and by tests):
//   GET    /_ssm-local/instances            the fleet's instances, every account and region
//   POST   /_ssm-local/instances            add one: {name, image?, tags?, id?, hybrid?, accountId?, region?, iamRole?}
//   DELETE /_ssm-local/instances/:id        remove one (its container is removed)
//   POST   /_ssm-local/instances/register   register with an activation: {activationId, activationCode, name?, image?}
// Errors answer {"__type": code, "message": text} like the SSM API.
import type { Context, Hono } from 'hono';
import type { Runtime } from '../core/runtime.js';
import {
  fleetAdminOf,
  type AddInstanceRequest,
  type FleetAdmin,
  type RegisterRequest,
} from '../instances/admin.js';
import { SsmError } from '../protocol/errors.js';
import { parseJsonObject } from './body.js';

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  return parseJsonObject(await c.req.text());
}

export function mountInstanceAdmin(app: Hono, runtime: Runtime): void {
  const base = '/_ssm-local/instances';
  const run = async (c: Context, fn: (admin: FleetAdmin) => Promise<Response>): Promise<Response> => {
    const admin = fleetAdminOf(runtime.services);
    try {
      if (!admin)
        throw new SsmError('FleetDisabled', 'The instances capability is not part of this build.', 404);
      return await fn(admin);
    } catch (caught) {
      const error =
        caught instanceof SsmError
          ? caught
          : new SsmError('InternalServerError', (caught as Error).message, 500);
      if (error.status >= 500) console.error(`ssm-local: ${c.req.method} ${c.req.path}:`, caught);
      return c.json({ __type: error.code, message: error.message }, error.status as 400);
    }
  };

  app.get(base, (c) =>
    run(c, async (admin) =>
      c.json({ fleet: admin.fleetName(), status: admin.status(), instances: await admin.listAll() }),
    ),
  );
  app.post(`${base}/register`, (c) =>
    run(c, async (admin) =>
      c.json(await admin.register((await jsonBody(c)) as unknown as RegisterRequest), 201),
    ),
  );
  app.post(base, (c) =>
    run(c, async (admin) =>
      c.json(await admin.add((await jsonBody(c)) as unknown as AddInstanceRequest), 201),
    ),
  );
  app.delete(`${base}/:id`, (c) =>
    run(c, async (admin) => {
      const id = c.req.param('id');
      if (!(await admin.remove(id))) {
        throw new SsmError('InvalidInstanceId', `No instance ${id} in fleet "${admin.fleetName()}".`, 404);
      }
      return c.json({ removed: id });
    }),
  );
}
