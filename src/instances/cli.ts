// CLI subcommands that talk to a running emulator's admin endpoint:
//   ssm-local instances list [--json]
//   ssm-local instances add --name NAME [--image linux] [--tag KEY=VALUE]... [--id ID] [--hybrid]
//                           [--account-id ID] [--region REGION] [--iam-role ROLE]
//   ssm-local instances remove INSTANCE_ID
//   ssm-local register --activation-id ID --activation-code CODE [--name NAME] [--image linux]
// The server is --endpoint URL, else SSM_LOCAL_ENDPOINT, else http://127.0.0.1:$SSM_LOCAL_PORT (4583).
import type { AdminInstance } from './admin.js';

export function isAdminCommand(args: string[]): boolean {
  return args[0] === 'instances' || args[0] === 'register';
}

const USAGE = `usage:
  ssm-local instances list [--json] [--endpoint URL]
  ssm-local instances add --name NAME [--image linux] [--tag KEY=VALUE]... [--id ID] [--hybrid]
                          [--account-id ID] [--region REGION] [--iam-role ROLE] [--endpoint URL]
  ssm-local instances remove INSTANCE_ID [--endpoint URL]
  ssm-local register --activation-id ID --activation-code CODE [--name NAME] [--image linux] [--endpoint URL]`;

interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
}

const BOOLEAN_FLAGS = new Set(['json', 'hybrid']);

function parse(args: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (BOOLEAN_FLAGS.has(name)) value = 'true';
    else {
      const next = args[i + 1];
      if (next === undefined) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

class UsageError extends Error {}

async function call(endpoint: string, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${endpoint.replace(/\/+$/, '')}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(`no ssm-local server answers at ${endpoint} (${(error as Error).message})`, {
      cause: error,
    });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = { message: text };
  }
  if (!response.ok) {
    const { __type, message } = json as { __type?: string; message?: string };
    throw new Error(`${__type ?? `HTTP ${response.status}`}: ${message ?? ''}`);
  }
  return json;
}

function table(instances: AdminInstance[]): string {
  const rows = [
    ['INSTANCE ID', 'NAME', 'PING', 'TYPE', 'ACCOUNT/REGION', 'CONTAINER'],
    ...instances.map((i) => [
      i.instanceId,
      i.name || '-',
      i.pingStatus,
      i.resourceType,
      `${i.accountId}/${i.region}`,
      i.containerName,
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Runs the subcommand; answers the process exit code. */
export async function runAdminCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (text: string) => void = (text) => console.log(text),
  err: (text: string) => void = (text) => console.error(text),
): Promise<number> {
  try {
    const { positional, flags } = parse(args);
    const one = (name: string): string | undefined => flags.get(name)?.at(-1);
    const endpoint =
      one('endpoint') ?? env.SSM_LOCAL_ENDPOINT ?? `http://127.0.0.1:${env.SSM_LOCAL_PORT ?? '4583'}`;
    const [command, sub, ...rest] = positional;
    if (command === 'register') {
      const activationId = one('activation-id');
      const activationCode = one('activation-code');
      if (!activationId || !activationCode)
        throw new UsageError('register needs --activation-id and --activation-code');
      const name = one('name');
      const image = one('image');
      const instance = await call(endpoint, 'POST', '/_ssm-local/instances/register', {
        activationId,
        activationCode,
        ...(name !== undefined ? { name } : {}),
        ...(image !== undefined ? { image } : {}),
      });
      out(JSON.stringify(instance, null, 2));
      return 0;
    }
    if (sub === 'list') {
      const listing = (await call(endpoint, 'GET', '/_ssm-local/instances')) as {
        fleet: string;
        status: { up: boolean; detail?: string };
        instances: AdminInstance[];
      };
      if (one('json') === 'true') out(JSON.stringify(listing, null, 2));
      else {
        out(`${listing.status.up ? 'up' : 'DOWN'}: ${listing.status.detail ?? `fleet "${listing.fleet}"`}`);
        out(table(listing.instances));
      }
      return 0;
    }
    if (sub === 'add') {
      const name = one('name');
      if (!name) throw new UsageError('instances add needs --name');
      const tags = (flags.get('tag') ?? []).map((pair) => {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`--tag expects KEY=VALUE, got '${pair}'`);
        return { Key: pair.slice(0, eq), Value: pair.slice(eq + 1) };
      });
      const body: Record<string, unknown> = { name, tags };
      for (const [flag, member] of [
        ['image', 'image'],
        ['id', 'id'],
        ['account-id', 'accountId'],
        ['region', 'region'],
        ['iam-role', 'iamRole'],
      ] as const) {
        const value = one(flag);
        if (value !== undefined) body[member] = value;
      }
      if (one('hybrid') === 'true') body.hybrid = true;
      out(JSON.stringify(await call(endpoint, 'POST', '/_ssm-local/instances', body), null, 2));
      return 0;
    }
    if (sub === 'remove') {
      const [id] = rest;
      if (!id) throw new UsageError('instances remove needs an instance id');
      await call(endpoint, 'DELETE', `/_ssm-local/instances/${encodeURIComponent(id)}`);
      out(`removed ${id}`);
      return 0;
    }
    throw new UsageError(`unknown command: ${[command, sub].filter(Boolean).join(' ')}`);
  } catch (error) {
    if (error instanceof UsageError) {
      err(`ssm-local: ${error.message}\n${USAGE}`);
      return 2;
    }
    err(`ssm-local: ${(error as Error).message}`);
    return 1;
  }
}
