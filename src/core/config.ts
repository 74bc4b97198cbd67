// Configuration from flags and environment. Flags win over environment; both are documented in
// the README.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface Config {
  port: number;
  host: string;
  /** lowdb file, or ':memory:' for no persistence. */
  dataPath: string;
  defaultRegion: string;
  defaultAccountId: string;
  /** access key id -> account id */
  accounts: Record<string, string>;
  /** Strict SigV4: access key id -> secret. Undefined accepts any request, signed or not. */
  credentials: Record<string, string> | undefined;
  /** The fleet file for managed instances. */
  fleetPath: string;
  log: boolean;
}

function pairs(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const out: Record<string, string> = {};
  for (const item of text.split(',')) {
    const at = item.indexOf(':');
    if (at <= 0) throw new Error(`ssm-local: expected KEY:VALUE pairs separated by commas, got '${item}'`);
    out[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return out;
}

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 4583,
    host: '127.0.0.1',
    dataPath: join(process.cwd(), 'data', 'ssm-local.json'),
    defaultRegion: 'us-east-1',
    defaultAccountId: '000000000000',
    accounts: {},
    credentials: undefined,
    fleetPath: fileURLToPath(new URL('../../fixtures/fleet.json', import.meta.url)),
    log: false,
    ...overrides,
  };
}

/** Every flag the server takes, each with the environment variable it stands for. */
const FLAGS = {
  port: 'SSM_LOCAL_PORT',
  host: 'SSM_LOCAL_HOST',
  data: 'SSM_LOCAL_DATA',
  region: 'SSM_LOCAL_REGION',
  'account-id': 'SSM_LOCAL_ACCOUNT_ID',
  accounts: 'SSM_LOCAL_ACCOUNTS',
  credentials: 'SSM_LOCAL_CREDENTIALS',
  fleet: 'SSM_LOCAL_FLEET',
  log: 'SSM_LOCAL_LOG',
} as const;
type Flag = keyof typeof FLAGS;

const FLAG_OPTIONS = Object.fromEntries(
  Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }]),
) as Record<Flag, { type: 'string' }>;

/**
 * `--flag value` and `--flag=value`; `--log` may also stand alone (as `--log=1`). Throws an Error that
 * names an unknown flag and lists the known ones, a flag given without its value, or an argument
 * that is no flag.
 */
function parseFlags(argv: string[]): Partial<Record<Flag, string>> {
  // The server takes no arguments but flags, so what follows `--log` is its value unless it is a flag.
  const args = argv.map((arg, i) =>
    arg === '--log' && argv[i + 1]?.startsWith('-') !== false ? '--log=1' : arg,
  );
  // A lenient pass first, only to name an unknown flag better than parseArgs would.
  const { tokens } = parseArgs({ args, options: FLAG_OPTIONS, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'option' && !Object.hasOwn(FLAGS, token.name)) {
      const known = Object.keys(FLAGS)
        .map((flag) => `--${flag}`)
        .join(', ');
      throw new Error(`ssm-local: unknown flag ${token.rawName} (the flags are ${known})`);
    }
  }
  try {
    return parseArgs({ args, options: FLAG_OPTIONS, strict: true }).values;
  } catch (error) {
    // A flag without its value, or an argument that is no flag: parseArgs's message says which.
    throw new Error(`ssm-local: ${(error as Error).message}`, { cause: error });
  }
}

export function configFromEnvironment(env: NodeJS.ProcessEnv, argv: string[]): Config {
  const flags = parseFlags(argv);
  const pick = (flag: Flag): string | undefined => flags[flag] ?? env[FLAGS[flag]];
  const base = defaultConfig();
  const port = pick('port');
  const log = pick('log') ?? '';
  return {
    ...base,
    port: port !== undefined ? Number(port) : base.port,
    host: pick('host') ?? base.host,
    dataPath: pick('data') ?? base.dataPath,
    defaultRegion: pick('region') ?? base.defaultRegion,
    defaultAccountId: pick('account-id') ?? base.defaultAccountId,
    accounts: pairs(pick('accounts')) ?? {},
    credentials: pairs(pick('credentials')),
    fleetPath: pick('fleet') ?? base.fleetPath,
    log: log !== '' && log !== '0',
  };
}
