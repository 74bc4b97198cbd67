// Configuration from flags and environment. Flags win over environment; both are documented in
// the README.
import { join } from 'node:path';

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
    fleetPath: new URL('../../fixtures/fleet.json', import.meta.url).pathname,
    log: false,
    ...overrides,
  };
}

export function configFromEnvironment(env: NodeJS.ProcessEnv, argv: string[]): Config {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    else flags[arg.slice(2)] = argv[++i] ?? '';
  }
  const pick = (flag: string, name: string): string | undefined => flags[flag] ?? env[name];
  const base = defaultConfig();
  const port = pick('port', 'SSM_LOCAL_PORT');
  return {
    ...base,
    port: port !== undefined ? Number(port) : base.port,
    host: pick('host', 'SSM_LOCAL_HOST') ?? base.host,
    dataPath: pick('data', 'SSM_LOCAL_DATA') ?? base.dataPath,
    defaultRegion: pick('region', 'SSM_LOCAL_REGION') ?? base.defaultRegion,
    defaultAccountId: pick('account-id', 'SSM_LOCAL_ACCOUNT_ID') ?? base.defaultAccountId,
    accounts: pairs(pick('accounts', 'SSM_LOCAL_ACCOUNTS')) ?? {},
    credentials: pairs(pick('credentials', 'SSM_LOCAL_CREDENTIALS')),
    fleetPath: pick('fleet', 'SSM_LOCAL_FLEET') ?? base.fleetPath,
    log: (pick('log', 'SSM_LOCAL_LOG') ?? '') !== '' && pick('log', 'SSM_LOCAL_LOG') !== '0',
  };
}
