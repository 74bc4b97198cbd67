// The server's flags and environment: every documented flag in both syntaxes, the environment as the
// fallback, flags over environment, and a clear error for a flag that does not exist.
import { describe, expect, it } from 'vitest';
import { configFromEnvironment, defaultConfig, type Config } from '../src/core/config.js';

/** Each flag, a value for it, its variable, and what the configuration then says. */
const FLAGS: Array<[flag: string, value: string, variable: string, expected: Partial<Config>]> = [
  ['port', '4999', 'SSM_LOCAL_PORT', { port: 4999 }],
  ['host', '0.0.0.0', 'SSM_LOCAL_HOST', { host: '0.0.0.0' }],
  ['data', '/tmp/x/state.json', 'SSM_LOCAL_DATA', { dataPath: '/tmp/x/state.json' }],
  ['region', 'eu-west-3', 'SSM_LOCAL_REGION', { defaultRegion: 'eu-west-3' }],
  ['account-id', '123456789012', 'SSM_LOCAL_ACCOUNT_ID', { defaultAccountId: '123456789012' }],
  [
    'accounts',
    'AKIDA:111122223333, AKIDB:444455556666',
    'SSM_LOCAL_ACCOUNTS',
    { accounts: { AKIDA: '111122223333', AKIDB: '444455556666' } },
  ],
  [
    'credentials',
    'AKIDA:secret:with:colons',
    'SSM_LOCAL_CREDENTIALS',
    { credentials: { AKIDA: 'secret:with:colons' } },
  ],
  ['fleet', '/tmp/fleet.json', 'SSM_LOCAL_FLEET', { fleetPath: '/tmp/fleet.json' }],
  ['log', '1', 'SSM_LOCAL_LOG', { log: true }],
];

describe('configFromEnvironment', () => {
  it('gives the defaults with no flags and no environment', () => {
    expect(configFromEnvironment({}, [])).toEqual(defaultConfig());
  });

  it.each(FLAGS)(
    'takes --%s as `--flag value`, `--flag=value` and from the environment',
    (flag, value, variable, expected) => {
      const wanted = { ...defaultConfig(), ...expected };
      expect(configFromEnvironment({}, [`--${flag}`, value])).toEqual(wanted);
      expect(configFromEnvironment({}, [`--${flag}=${value}`])).toEqual(wanted);
      expect(configFromEnvironment({ [variable]: value }, [])).toEqual(wanted);
    },
  );

  it('lets flags win over the environment, and falls back to it flag by flag', () => {
    const config = configFromEnvironment(
      { SSM_LOCAL_PORT: '1111', SSM_LOCAL_REGION: 'ap-south-1', SSM_LOCAL_LOG: '1' },
      ['--port', '2222', '--log=0'],
    );
    expect(config).toMatchObject({ port: 2222, defaultRegion: 'ap-south-1', log: false });
  });

  it('takes --log alone, anywhere among the flags', () => {
    expect(configFromEnvironment({}, ['--log']).log).toBe(true);
    expect(configFromEnvironment({}, ['--log', '0']).log).toBe(false);
    expect(configFromEnvironment({}, ['--log', '--port', '0'])).toMatchObject({ log: true, port: 0 });
    expect(configFromEnvironment({}, ['--port', '0', '--log'])).toMatchObject({ log: true, port: 0 });
    expect(configFromEnvironment({ SSM_LOCAL_LOG: '0' }, []).log).toBe(false);
    expect(configFromEnvironment({ SSM_LOCAL_LOG: '' }, []).log).toBe(false);
  });

  it.each([
    [['--prot', '4583'], '--prot'],
    [['--prot=4583'], '--prot'],
    [['--port', '1', '-p', '2'], '-p'],
  ])('refuses an unknown flag (%j), naming it and listing the known ones', (argv, named) => {
    const known = FLAGS.map(([flag]) => `--${flag}`).join(', ');
    expect(() => configFromEnvironment({}, argv)).toThrow(
      `ssm-local: unknown flag ${named} (the flags are ${known})`,
    );
  });

  it('refuses a flag without its value and an argument that is no flag', () => {
    expect(() => configFromEnvironment({}, ['--port'])).toThrow(/--port/);
    expect(() => configFromEnvironment({}, ['--region', 'eu-west-1', 'stray'])).toThrow(/stray/);
  });
});
