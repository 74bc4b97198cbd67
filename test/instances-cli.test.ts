// Command-line parsing of `ssm-local instances …` and `ssm-local register …`: every flag in both
// spellings, repeated --tag, and the usage errors (exit code 2) a user sees for a wrong command line.
import { describe, expect, it } from 'vitest';
import { parseAdminArgs, resolveEndpoint, runAdminCommand, UsageError } from '../src/instances/cli.js';

const split = (line: string) => line.split(' ');

describe('instances list', () => {
  it('takes --json and --endpoint', () => {
    expect(parseAdminArgs(split('instances list'))).toEqual({ command: 'instances list', json: false });
    expect(parseAdminArgs(split('instances list --json --endpoint http://h:1'))).toEqual({
      command: 'instances list',
      json: true,
      endpoint: 'http://h:1',
    });
    expect(parseAdminArgs(split('instances list --endpoint=http://h:1'))).toMatchObject({
      endpoint: 'http://h:1',
    });
  });

  it('finds the subcommand when flags come first', () => {
    expect(parseAdminArgs(split('--endpoint http://h:1 instances --json list'))).toEqual({
      command: 'instances list',
      json: true,
      endpoint: 'http://h:1',
    });
  });

  it('rejects a value given to the --json switch and a stray argument', () => {
    expect(() => parseAdminArgs(split('instances list --json=false'))).toThrow(UsageError);
    expect(() => parseAdminArgs(split('instances list extra'))).toThrow(
      "unexpected argument 'extra' for 'instances list'",
    );
  });
});

describe('instances add', () => {
  it('reads every flag, with a space or an equals sign', () => {
    const spaced = split(
      'instances add --name web-3 --image linux --tag Role=web --tag Env=a=b --id mi-0123456789abcdef0 ' +
        '--hybrid --account-id 111122223333 --region eu-west-1 --iam-role SSMRole --endpoint http://h:1',
    );
    const equals = split(
      'instances add --name=web-3 --image=linux --tag=Role=web --tag=Env=a=b --id=mi-0123456789abcdef0 ' +
        '--hybrid --account-id=111122223333 --region=eu-west-1 --iam-role=SSMRole --endpoint=http://h:1',
    );
    const expected = {
      command: 'instances add',
      endpoint: 'http://h:1',
      body: {
        name: 'web-3',
        image: 'linux',
        tags: [
          { Key: 'Role', Value: 'web' },
          { Key: 'Env', Value: 'a=b' },
        ],
        id: 'mi-0123456789abcdef0',
        hybrid: true,
        accountId: '111122223333',
        region: 'eu-west-1',
        iamRole: 'SSMRole',
      },
    };
    expect(parseAdminArgs(spaced)).toEqual(expected);
    expect(parseAdminArgs(equals)).toEqual(expected);
  });

  it('sends only the flags given (the README example)', () => {
    expect(parseAdminArgs(split('instances add --name web-3 --tag Role=web'))).toEqual({
      command: 'instances add',
      body: { name: 'web-3', tags: [{ Key: 'Role', Value: 'web' }] },
    });
    expect(parseAdminArgs(split('instances add --name web-3'))).toEqual({
      command: 'instances add',
      body: { name: 'web-3', tags: [] },
    });
  });

  it('takes the last of a repeated single-value flag, and an empty tag value', () => {
    expect(parseAdminArgs(split('instances add --name a --name b --tag Empty='))).toMatchObject({
      body: { name: 'b', tags: [{ Key: 'Empty', Value: '' }] },
    });
  });

  it('names what is wrong', () => {
    expect(() => parseAdminArgs(split('instances add'))).toThrow('instances add needs --name');
    expect(() => parseAdminArgs(split('instances add --name=x --tag Role'))).toThrow(
      "--tag expects KEY=VALUE, got 'Role'",
    );
    expect(() => parseAdminArgs(split('instances add --name=x --tag =v'))).toThrow(
      "--tag expects KEY=VALUE, got '=v'",
    );
    expect(() => parseAdminArgs(split('instances add --name'))).toThrow(/--name.*argument missing/);
    // A flag where a value belongs is not taken as the value.
    expect(() => parseAdminArgs(split('instances add --name --hybrid'))).toThrow(UsageError);
  });
});

describe('instances remove', () => {
  it('takes the instance id wherever it sits', () => {
    expect(parseAdminArgs(split('instances remove i-0123456789abcdef0'))).toEqual({
      command: 'instances remove',
      instanceId: 'i-0123456789abcdef0',
    });
    expect(parseAdminArgs(split('instances remove --endpoint http://h:1 i-0123456789abcdef0'))).toEqual({
      command: 'instances remove',
      instanceId: 'i-0123456789abcdef0',
      endpoint: 'http://h:1',
    });
  });

  it('needs exactly one id', () => {
    expect(() => parseAdminArgs(split('instances remove'))).toThrow('instances remove needs an instance id');
    expect(() => parseAdminArgs(split('instances remove i-1 i-2'))).toThrow(
      "unexpected argument 'i-2' for 'instances remove'",
    );
  });
});

describe('register', () => {
  it('reads the activation and optional name and image (the README example)', () => {
    expect(parseAdminArgs(split('register --activation-id A --activation-code C --name edge-1'))).toEqual({
      command: 'register',
      body: { activationId: 'A', activationCode: 'C', name: 'edge-1' },
    });
    expect(
      parseAdminArgs(
        split(
          'register --activation-id=A --activation-code=C --name=edge-1 --image=linux --endpoint=http://h:1',
        ),
      ),
    ).toEqual({
      command: 'register',
      endpoint: 'http://h:1',
      body: { activationId: 'A', activationCode: 'C', name: 'edge-1', image: 'linux' },
    });
  });

  it('needs both halves of the activation', () => {
    expect(() => parseAdminArgs(split('register --activation-id A'))).toThrow(
      'register needs --activation-id and --activation-code',
    );
  });
});

describe('unknown flags and commands', () => {
  it("names the flag and the subcommand's own flags", () => {
    expect(() => parseAdminArgs(split('instances add --name x --colour red'))).toThrow(
      "unknown flag --colour for 'instances add' (the flags are --name, --image, --tag, --id, " +
        '--hybrid, --account-id, --region, --iam-role, --endpoint)',
    );
    expect(() => parseAdminArgs(split('instances list --verbose'))).toThrow(
      "unknown flag --verbose for 'instances list' (the flags are --json, --endpoint)",
    );
    expect(() => parseAdminArgs(split('instances remove -f i-1'))).toThrow(
      "unknown flag -f for 'instances remove' (the flags are --endpoint)",
    );
    // A flag of another subcommand is unknown here.
    expect(() => parseAdminArgs(split('register --activation-id A --activation-code C --tag K=V'))).toThrow(
      "unknown flag --tag for 'register' (the flags are --activation-id, --activation-code, --name, " +
        '--image, --endpoint)',
    );
  });

  it('names an unknown flag that hides the subcommand', () => {
    expect(() => parseAdminArgs(split('--colour red instances list'))).toThrow(/^unknown flag --colour/);
  });

  it('names an unknown command', () => {
    expect(() => parseAdminArgs(split('instances'))).toThrow('unknown command: instances');
    expect(() => parseAdminArgs(split('instances start web-1'))).toThrow('unknown command: instances start');
  });

  it('exits 2 with the usage text, without calling a server', async () => {
    const err: string[] = [];
    const code = await runAdminCommand(
      split('instances add --name x --colour red'),
      { SSM_LOCAL_ENDPOINT: 'http://127.0.0.1:1' },
      () => {},
      (text) => err.push(text),
    );
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^ssm-local: unknown flag --colour for 'instances add'.*\nusage:/s);
  });
});

describe('resolveEndpoint', () => {
  it('prefers --endpoint, then SSM_LOCAL_ENDPOINT, then SSM_LOCAL_PORT', () => {
    expect(resolveEndpoint('http://flag:1', { SSM_LOCAL_ENDPOINT: 'http://env:2' })).toBe('http://flag:1');
    expect(resolveEndpoint(undefined, { SSM_LOCAL_ENDPOINT: 'http://env:2' })).toBe('http://env:2');
    expect(resolveEndpoint(undefined, { SSM_LOCAL_PORT: '9999' })).toBe('http://127.0.0.1:9999');
    expect(resolveEndpoint(undefined, {})).toBe('http://127.0.0.1:4583');
  });
});
