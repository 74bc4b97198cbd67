// Admin routes for the fleet (not part of SSM's API; used by the CLI and by tests):
//   GET    /_ssm-local/instances            the fleet's instances, every account and region
//   POST   /_ssm-local/instances            add one: {name, image?, tags?, id?, hybrid?, accountId?, region?, iamRole?}
//   DELETE /_ssm-local/instances/:id        remove one (its container is removed)
//   POST   /_ssm-local/instances/register   register with an activation: {activationId, activationCode, name?, image?}
// They reach the fleet only through the instances capability's contract (FLEET_ADMIN). Errors are
// thrown and answered by the app's one error handler as {"__type": code, "message": text}.
import type { Context, Env, Hono } from 'hono';
import type { Runtime } from '../core/runtime.js';
import {
  FLEET_ADMIN,
  type AddInstanceRequest,
  type FleetAdmin,
  type RegisterRequest,
} from '../instances/api.js';
import { SsmError } from '../protocol/errors.js';
import { parseJsonObject } from './body.js';

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  return parseJsonObject(await c.req.text());
}

/** Mounts the routes on the app, whatever its Env (the routes use no variables of their own). */
export function mountInstanceAdmin<E extends Env>(app: Hono<E>, runtime: Runtime): void {
  const base = '/_ssm-local/instances';
  const admin = (): FleetAdmin => {
    const found = runtime.services.registry.find(FLEET_ADMIN);
    if (!found)
      throw new SsmError('FleetDisabled', 'The instances capability is not part of this build.', 404);
    return found;
  };

  app.get(base, async (c) => {
    const fleet = admin();
    return c.json({ fleet: fleet.fleetName(), status: fleet.status(), instances: await fleet.listAll() });
  });
  app.post(`${base}/register`, async (c) =>
    c.json(await admin().register((await jsonBody(c)) as unknown as RegisterRequest), 201),
  );
  app.post(base, async (c) =>
    c.json(await admin().add((await jsonBody(c)) as unknown as AddInstanceRequest), 201),
  );
  app.delete(`${base}/:id`, async (c) => {
    const fleet = admin();
    const id = c.req.param('id');
    if (!(await fleet.remove(id))) {
      throw new SsmError('InvalidInstanceId', `No instance ${id} in fleet "${fleet.fleetName()}".`, 404);
    }
    return c.json({ removed: id });
  });
}
