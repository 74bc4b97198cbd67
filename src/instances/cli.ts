// CLI subcommands that talk to a running emulator's admin endpoint:
//   ssm-local instances list [--json]
//   ssm-local instances add --name NAME [--image linux|AMI_ID] [--tag KEY=VALUE]... [--id ID] [--hybrid]
//                           [--account-id ID] [--region REGION] [--iam-role ROLE]
//   ssm-local instances remove INSTANCE_ID
//   ssm-local register --activation-id ID --activation-code CODE [--name NAME] [--image linux]
// The server is --endpoint URL, else SSM_LOCAL_ENDPOINT, else http://127.0.0.1:$SSM_LOCAL_PORT (4583).
// Flags are parsed by util.parseArgs, strictly: each subcommand accepts only its own flags, and a
// value may be given as `--flag value` or `--flag=value`.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AdminInstance } from './api.js';

export function isAdminCommand(args: string[]): boolean {
  return args[0] === 'instances' || args[0] === 'register';
}

const USAGE = `usage:
  ssm-local instances list [--json] [--endpoint URL]
  ssm-local instances add --name NAME [--image linux|AMI_ID] [--tag KEY=VALUE]... [--id ID] [--hybrid]
                          [--account-id ID] [--region REGION] [--iam-role ROLE] [--endpoint URL]
  ssm-local instances remove INSTANCE_ID [--endpoint URL]
  ssm-local register --activation-id ID --activation-code CODE [--name NAME] [--image linux] [--endpoint URL]`;

/** A mistake in the command line: reported with the usage text and exit code 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

const stringFlag = { type: 'string' } as const;
const endpointFlag = { endpoint: stringFlag } as const;
/** Each subcommand's flags; anything else on its command line is an error. */
const OPTIONS = {
  'instances list': { json: { type: 'boolean' }, ...endpointFlag },
  'instances add': {
    name: stringFlag,
    image: stringFlag,
    tag: { type: 'string', multiple: true },
    id: stringFlag,
    hybrid: { type: 'boolean' },
    'account-id': stringFlag,
    region: stringFlag,
    'iam-role': stringFlag,
    ...endpointFlag,
  },
  'instances remove': { ...endpointFlag },
  register: {
    'activation-id': stringFlag,
    'activation-code': stringFlag,
    name: stringFlag,
    image: stringFlag,
    ...endpointFlag,
  },
} as const satisfies Record<string, Options>;

type Subcommand = keyof typeof OPTIONS;

/** Every flag of every subcommand, so a first pass can find the subcommand wherever flags sit. */
const ALL_OPTIONS: Options = Object.assign({}, ...Object.values(OPTIONS));

const flagList = (options: Options): string =>
  Object.keys(options)
    .map((name) => `--${name}`)
    .join(', ');

/** What the command line asks for; `endpoint` is only the flag's value (see resolveEndpoint). */
export type AdminInvocation =
  | { command: 'instances list'; endpoint?: string; json: boolean }
  | {
      command: 'instances add';
      endpoint?: string;
      body: {
        name: string;
        tags: { Key: string; Value: string }[];
        image?: string;
        id?: string;
        accountId?: string;
        region?: string;
        iamRole?: string;
        hybrid?: true;
      };
    }
  | { command: 'instances remove'; endpoint?: string; instanceId: string }
  | {
      command: 'register';
      endpoint?: string;
      body: { activationId: string; activationCode: string; name?: string; image?: string };
    };

/** The subcommand named by the words that are not flags or flag values. */
function findSubcommand(args: string[]): Subcommand {
  const { positionals, tokens } = parseArgs({
    args,
    options: ALL_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const [command, sub] = positionals;
  const name = command === 'register' ? command : `${command} ${sub}`;
  if (Object.hasOwn(OPTIONS, name)) return name as Subcommand;
  // An unknown flag may have taken the word after it; name the flag rather than the word.
  const unknown = tokens.find((t) => t.kind === 'option' && !Object.hasOwn(ALL_OPTIONS, t.name));
  if (unknown?.kind === 'option')
    throw new UsageError(`unknown flag ${unknown.rawName} (the flags are ${flagList(ALL_OPTIONS)})`);
  throw new UsageError(`unknown command: ${[command, sub].filter(Boolean).join(' ')}`);
}

/** Parses `args` strictly against one subcommand's flags; its words come back as positionals. */
function parseFor<const O extends Options>(subcommand: Subcommand, args: string[], options: O) {
  // A first, lenient pass finds unknown flags, so the message names the subcommand and its flags.
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'option' && !Object.hasOwn(options, token.name))
      throw new UsageError(
        `unknown flag ${token.rawName} for '${subcommand}' (the flags are ${flagList(options)})`,
      );
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    // A missing value, or a value given to a switch (--json=false).
    if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))
      throw new UsageError((error as Error).message);
    throw error;
  }
  const words = subcommand.split(' ').length;
  return { values: parsed.values, operands: parsed.positionals.slice(words) };
}

function noOperands(subcommand: Subcommand, operands: string[]): void {
  if (operands.length > 0) throw new UsageError(`unexpected argument '${operands[0]}' for '${subcommand}'`);
}

function parseTag(pair: string): { Key: string; Value: string } {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new UsageError(`--tag expects KEY=VALUE, got '${pair}'`);
  return { Key: pair.slice(0, eq), Value: pair.slice(eq + 1) };
}

/** Reads an admin command line (without the program name); throws UsageError when it is wrong. */
export function parseAdminArgs(args: string[]): AdminInvocation {
  const command = findSubcommand(args);
  switch (command) {
    case 'instances list': {
      const { values, operands } = parseFor(command, args, OPTIONS[command]);
      noOperands(command, operands);
      return { command, endpoint: values.endpoint, json: values.json === true };
    }
    case 'instances add': {
      const { values, operands } = parseFor(command, args, OPTIONS[command]);
      noOperands(command, operands);
      if (!values.name) throw new UsageError('instances add needs --name');
      const body: Extract<AdminInvocation, { command: 'instances add' }>['body'] = {
        name: values.name,
        tags: (values.tag ?? []).map(parseTag),
      };
      if (values.image !== undefined) body.image = values.image;
      if (values.id !== undefined) body.id = values.id;
      if (values['account-id'] !== undefined) body.accountId = values['account-id'];
      if (values.region !== undefined) body.region = values.region;
      if (values['iam-role'] !== undefined) body.iamRole = values['iam-role'];
      if (values.hybrid === true) body.hybrid = true;
      return { command, endpoint: values.endpoint, body };
    }
    case 'instances remove': {
      const { values, operands } = parseFor(command, args, OPTIONS[command]);
      const [instanceId, ...extra] = operands;
      if (!instanceId) throw new UsageError('instances remove needs an instance id');
      noOperands(command, extra);
      return { command, endpoint: values.endpoint, instanceId };
    }
    case 'register': {
      const { values, operands } = parseFor(command, args, OPTIONS[command]);
      noOperands(command, operands);
      const activationId = values['activation-id'];
      const activationCode = values['activation-code'];
      if (!activationId || !activationCode)
        throw new UsageError('register needs --activation-id and --activation-code');
      const body: Extract<AdminInvocation, { command: 'register' }>['body'] = {
        activationId,
        activationCode,
      };
      if (values.name !== undefined) body.name = values.name;
      if (values.image !== undefined) body.image = values.image;
      return { command, endpoint: values.endpoint, body };
    }
  }
}

/** --endpoint, else SSM_LOCAL_ENDPOINT, else the local port. */
export function resolveEndpoint(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env.SSM_LOCAL_ENDPOINT ?? `http://127.0.0.1:${env.SSM_LOCAL_PORT ?? '4583'}`;
}

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
    json = { message: stringFlag };
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
    const invocation = parseAdminArgs(args);
    const endpoint = resolveEndpoint(invocation.endpoint, env);
    switch (invocation.command) {
      case 'register': {
        const instance = await call(endpoint, 'POST', '/_ssm-local/instances/register', invocation.body);
        out(JSON.stringify(instance, null, 2));
        return 0;
      }
      case 'instances list': {
        const listing = (await call(endpoint, 'GET', '/_ssm-local/instances')) as {
          fleet: string;
          status: { up: boolean; detail?: string };
          instances: AdminInstance[];
        };
        if (invocation.json) out(JSON.stringify(listing, null, 2));
        else {
          out(`${listing.status.up ? 'up' : 'DOWN'}: ${listing.status.detail ?? `fleet "${listing.fleet}"`}`);
          out(table(listing.instances));
        }
        return 0;
      }
      case 'instances add':
        out(JSON.stringify(await call(endpoint, 'POST', '/_ssm-local/instances', invocation.body), null, 2));
        return 0;
      case 'instances remove': {
        const id = invocation.instanceId;
        await call(endpoint, 'DELETE', `/_ssm-local/instances/${encodeURIComponent(id)}`);
        out(`removed ${id}`);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`ssm-local: ${error.message}\n${USAGE}`);
      return 2;
    }
    err(`ssm-local: ${(error as Error).message}`);
    return 1;
  }
}
