// The inventory gatherer's parts without containers: how it reads the step's inputs, the `files`
// filters and custom inventory files as the agent does, how it reads dpkg, rpm, lscpu and ip output,
// and the gather script itself run by this machine's sh.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PluginExec, PluginRun } from '../src/commands/api.js';
import type { RequestContext } from '../src/core/capability.js';
import type { InventoryApi, InventoryEntry } from '../src/inventory/api.js';
import { customItem, customTypes } from '../src/inventory/gatherer/custom.js';
import { fileRows, parseFileFilters } from '../src/inventory/gatherer/files.js';
import { readInputs } from '../src/inventory/gatherer/gather.js';
import { gatherInventory } from '../src/inventory/gatherer/index.js';
import {
  contentHash,
  detailedFromCpuinfo,
  detailedFromLscpu,
  dpkgApplications,
  rpmApplications,
} from '../src/inventory/gatherer/model.js';
import { networkFacts } from '../src/inventory/gatherer/network.js';
import { expandedPathWord, FIELD, RECORD } from '../src/inventory/gatherer/script.js';

const sh = (script: string, env: Record<string, string> = {}): string =>
  execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

describe('reading the step inputs', () => {
  it('reads names without regard to case and collects only what is exactly Enabled', () => {
    expect(
      readInputs({
        Applications: 'Enabled',
        networkconfig: 'enabled',
        files: '[]',
        customInventory: 'Enabled',
      }),
    ).toMatchObject({ applications: true, networkConfig: false, files: '[]', customInventory: true });
  });
  it('refuses a value that is not a string, as the agent does', () => {
    expect(readInputs({ applications: 1 })).toBeUndefined();
  });
});

describe('the files parameter', () => {
  it('expands environment variables as Go os.Expand does, in the instance', () => {
    const expand = (path: string) => sh(`printf %s ${expandedPathWord(path)}`, { HOME: '/home/x' });
    expect(expand('$HOME/logs')).toBe('/home/x/logs');
    expect(expand('${HOME}s')).toBe('/home/xs');
    expect(expand('/a/$UNSET/b')).toBe('/a//b');
    expect(expand('cost$')).toBe('cost$');
    expect(expand('${HOME')).toBe('HOME');
    expect(expand("it's $1here")).toBe("it's here");
    expect(expand('$(reboot)')).toBe('$(reboot)');
  });

  it('reads keys case-insensitively, backslashes as slashes, with the agent defaults', () => {
    expect(parseFileFilters('[{"path":"C:\\\\Temp","PATTERN":["*.log"]}]')).toEqual([
      { path: 'C://Temp', patterns: ['*.log'], recursive: false, dirScanLimit: 5000 },
    ]);
    expect(() => parseFileFilters('{"Path":"/"}')).toThrow(/cannot unmarshal object into Go value/);
    expect(() => parseFileFilters('[{"Path":"/","Pattern":"*"}]')).toThrow(
      /filterObj.Pattern of type \[\]string/,
    );
    expect(() => parseFileFilters('[{')).toThrow(/invalid JSON/);
  });

  it('reports each file once, and fails on the agent limits', () => {
    const filters = parseFileFilters(
      '[{"Path":"/a","Pattern":["*"],"Recursive":true,"DirScanLimit":2},{"Path":"/b","Pattern":["*"]}]',
    );
    const rows = fileRows(filters, ['dirs 2\nfile 5|0|/a/x.log\nfile 1|60|/a/b/y|z', 'file 5|0|/a/x.log\n']);
    expect(rows).toEqual([
      expect.objectContaining({
        Name: 'x.log',
        Size: '5',
        InstalledDir: '/a',
        ModificationTime: '1970-01-01T00:00:00Z',
      }),
      expect.objectContaining({
        Name: 'y|z',
        Size: '1',
        InstalledDir: '/a/b',
        ModificationTime: '1970-01-01T00:01:00Z',
      }),
    ]);
    expect(Object.keys(rows[0]!)).toHaveLength(12);
    expect(() => fileRows(filters, ['dirs 3\n', ''])).toThrow('Directory Scan Limit Exceeded');
    const many = Array.from({ length: 501 }, (_, i) => `file 1|0|/a/${i}`).join('\n');
    expect(() => fileRows(filters, [`dirs 1\n${many}`, ''])).toThrow('File Count Limit Exceeded');
    expect(fileRows(filters, ['missing\n', 'missing\n'])).toEqual([]);
  });
});

describe('package managers', () => {
  it('reads dpkg-query as the agent does (first line of the description, x86_64, built PackageId)', () => {
    const record = [
      'curl',
      'Alessandro <ghedo@debian.org>',
      '7.88.1-10',
      'web',
      'amd64',
      'https://curl.se/',
      'command line tool\n more text',
    ].join(FIELD);
    const bare = ['libfoo', 'Someone', '1.0', '', 'all', '', ''].join(FIELD);
    expect(dpkgApplications(`${record}${RECORD}${bare}${RECORD}`)).toEqual([
      {
        Name: 'curl',
        Publisher: 'Alessandro <ghedo@debian.org>',
        Version: '7.88.1-10',
        ApplicationType: 'web',
        Architecture: 'x86_64',
        URL: 'https://curl.se/',
        Summary: 'command line tool',
        PackageId: 'curl_7.88.1-10_amd64.deb',
      },
      {
        Name: 'libfoo',
        Publisher: 'Someone',
        Version: '1.0',
        Architecture: 'all',
        PackageId: 'libfoo_1.0_all.deb',
      },
    ]);
  });

  it('reads rpm with its install time, release and epoch rules', () => {
    const fields = [
      'bash',
      'Amazon Linux',
      '5.2.15',
      '2.amzn2023',
      '(none)',
      '1700000000',
      'Unspecified',
      'x86_64',
      'https://www.gnu.org/software/bash',
      'The GNU Bourne Again shell',
      'bash-5.2.15-2.amzn2023.src.rpm',
    ];
    const [row] = rpmApplications(fields.join(FIELD) + RECORD);
    expect(row).toEqual({
      Name: 'bash',
      Publisher: 'Amazon Linux',
      Version: '5.2.15',
      Release: '2.amzn2023',
      InstalledTime: '2023-11-14T22:13:20Z',
      ApplicationType: 'Unspecified',
      Architecture: 'x86_64',
      URL: 'https://www.gnu.org/software/bash',
      Summary: 'The GNU Bourne Again shell',
      PackageId: 'bash-5.2.15-2.amzn2023.src.rpm',
    });
    const [epoch] = rpmApplications([...fields.slice(0, 4), '2', ...fields.slice(5)].join(FIELD) + RECORD);
    expect(epoch!.Epoch).toBe('2');
  });
});

describe('CPU and network', () => {
  it('reads lscpu as the agent does, with /proc/cpuinfo for the speed newer lscpu leaves out', () => {
    const lscpu =
      'CPU(s):   4\nOn-line CPU(s) list: 0-3\nModel name:  Intel(R) Xeon(R)\nThread(s) per core: 2\nCore(s) per socket: 2\nSocket(s): 1\n';
    expect(detailedFromLscpu(lscpu, 'cpu MHz\t\t: 2400.072', '6.1.0')).toEqual({
      CPUModel: 'Intel(R) Xeon(R)',
      CPUSpeedMHz: '2400',
      CPUs: '4',
      CPUSockets: '1',
      CPUCores: '2',
      CPUHyperThreadEnabled: 'true',
      OSServicePack: '',
      KernelVersion: '6.1.0',
    });
    const cpu = (n: number) =>
      `processor\t: ${n}\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2596.1\nphysical id\t: 0\nsiblings\t: 2\ncpu cores\t: 2\n`;
    expect(detailedFromCpuinfo(`${cpu(0)}\n${cpu(1)}\n`, 'k')).toMatchObject({
      CPUModel: 'AMD EPYC',
      CPUSpeedMHz: '2596',
      CPUs: '2',
      CPUSockets: '1',
      CPUCores: '2',
      CPUHyperThreadEnabled: 'false',
    });
  });

  it('reads ip -o link, addr and route: no loopback, the last address of each family', () => {
    const ip = [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
      '7: eth0@if8: <BROADCAST,UP> mtu 1500 link/ether 02:42:AC:11:00:02 brd ff:ff:ff:ff:ff:ff',
      '1: lo    inet 127.0.0.1/8 scope host lo',
      '7: eth0    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0',
      '7: eth0    inet 10.0.0.9/24 scope global secondary eth0',
      '7: eth0    inet6 fe80::42:acff:fe11:2/64 scope link',
      'default via 172.17.0.1 dev eth0 ',
    ].join('\n');
    const sections = new Map([
      ['ip', ip],
      ['resolv', '# generated\nnameserver 10.0.0.2\nnameserver 8.8.8.8\n'],
    ]);
    const facts = networkFacts(sections);
    expect(facts.primaryIpv4).toBe('10.0.0.9');
    expect(facts.rows).toEqual([
      {
        Name: 'eth0',
        SubnetMask: '255.255.255.0',
        Gateway: '172.17.0.1',
        DNSServer: '10.0.0.2',
        MacAddress: '02:42:ac:11:00:02',
        IPV4: '10.0.0.9',
        IPV6: 'fe80::42:acff:fe11:2',
      },
    ]);
  });
});

describe('custom inventory', () => {
  it('takes a map or a list of string maps, and skips what the agent skips', () => {
    expect(customItem('{"typename":"Custom:A","SchemaVersion":"1.0","Content":{"k":"v"}}')).toEqual({
      typeName: 'Custom:A',
      schemaVersion: '1.0',
      content: [{ k: 'v' }],
    });
    expect(customItem('{"TypeName":"AWS:A","SchemaVersion":"1.0","Content":{}}')).toBeInstanceOf(Error);
    expect(customItem('{"TypeName":"Custom:A","SchemaVersion":"1","Content":{}}')).toBeInstanceOf(Error);
    expect(customItem('{"TypeName":"Custom:A","SchemaVersion":"1.0","Content":{"n":1}}')).toBeInstanceOf(
      Error,
    );
    expect(
      customItem('{"TypeName":"Custom:A","SchemaVersion":"1.0","Content":[{"n":1},{"k":"v"}]}'),
    ).toMatchObject({
      content: [{ k: 'v' }],
    });
    const files = new Map([
      ['a.json', '{"TypeName":"Custom:A","SchemaVersion":"1.0","Content":{"k":"1"}}'],
      ['b.json', '{"TypeName":"Custom:A","SchemaVersion":"1.0","Content":{"k":"2"}}'],
      ['c.json', 'nope'],
    ]);
    expect(customTypes(['a.json', 'b.json', 'c.json'], files)).toEqual([
      { typeName: 'Custom:A', schemaVersion: '1.0', content: [{ k: '1' }] },
    ]);
    const many = Array.from({ length: 21 }, (_, i) => `${i}.json`);
    expect(() => customTypes(many, files)).toThrow(
      'Total custom inventory file count (21) exceed limit (20)',
    );
  });
});

it('hashes content as the agent does (base64 of the MD5 of its JSON)', () => {
  expect(contentHash([])).toBe('11FxOYiYfpMxmANj4kGJzg==');
});

describe('the whole step, with the script run by this machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-local-inv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'data/sub'), { recursive: true });
  writeFileSync(join(dir, 'data/one.log'), 'abc');
  writeFileSync(join(dir, 'data/sub/two.log'), 'abcdef');
  writeFileSync(join(dir, 'data/skip.txt'), 'x');
  mkdirSync(join(dir, 'custom'));
  writeFileSync(
    join(dir, 'custom/x.json'),
    '{"TypeName":"Custom:X","SchemaVersion":"2.1","Content":[{"a":"b"}]}',
  );

  /** An inventory that records what it is handed. */
  function recording(): { put: InventoryEntry[][]; inventory: InventoryApi } {
    const put: InventoryEntry[][] = [];
    const inventory: InventoryApi = {
      putGathered: (_ctx, _instanceId, entries) => {
        put.push(entries);
        return Promise.resolve();
      },
    };
    return { put, inventory };
  }

  function fakeRun(inputs: Record<string, unknown>, stopped?: PluginExec['stopped']): { run: PluginRun } {
    const ctx = {
      region: 'us-east-1',
      services: { clock: { now: () => new Date('2026-01-02T03:04:05.678Z') } },
    };
    const run = {
      ctx: ctx as unknown as RequestContext,
      instance: {
        instanceId: 'i-0123456789abcdef0',
        containerId: 'c',
        name: 'n',
        platformType: 'Linux',
        online: true,
        tags: [],
      },
      commandId: 'c',
      stepName: 'collectSoftwareInventoryItems',
      inputs,
      directory: dir,
      stopped: false,
      exec: (request) => {
        if (stopped)
          return Promise.resolve({ exitCode: null, stdout: '', stderr: '', containerLost: false, stopped });
        const stdout = execFileSync(request.argv[0]!, request.argv.slice(1), { encoding: 'utf8' });
        return Promise.resolve({ exitCode: 0, stdout, stderr: '', containerLost: false });
      },
    } satisfies PluginRun;
    return { run };
  }

  it('gathers files and custom inventory and hands them over with the capture time', async () => {
    const { run } = fakeRun({
      files: JSON.stringify([{ Path: join(dir, 'data'), Pattern: ['*.log'], Recursive: true }]),
      customInventory: 'Enabled',
      customInventoryDirectory: join(dir, 'custom'),
    });
    const { put, inventory } = recording();
    const outcome = await gatherInventory(run, inventory);
    expect(outcome).toMatchObject({ status: 'Success', responseCode: 0 });
    const types = put[0]!.map((e) => e.TypeName);
    expect(types).toEqual(['AWS:InstanceInformation', 'AWS:Tag', 'AWS:File', 'Custom:X']);
    const file = put[0]!.find((e) => e.TypeName === 'AWS:File')!;
    expect(file.CaptureTime).toBe('2026-01-02T03:04:05Z');
    expect(file.Content!.map((r) => `${r.Name} ${r.Size}`).sort()).toEqual(['one.log 3', 'two.log 6']);
    expect(put[0]!.find((e) => e.TypeName === 'Custom:X')).toMatchObject({
      SchemaVersion: '2.1',
      Content: [{ a: 'b' }],
    });
  });

  it('fails the step on a gatherer error and uploads nothing; reports a cancel as Cancelled', async () => {
    const { put, inventory } = recording();
    const limited = fakeRun({
      files: JSON.stringify([{ Path: dir, Pattern: ['*'], Recursive: true, DirScanLimit: 1 }]),
    });
    expect(await gatherInventory(limited.run, inventory)).toMatchObject({
      status: 'Failed',
      stderr: 'Encountered error while executing AWS:File. Error - Directory Scan Limit Exceeded',
    });
    expect(await gatherInventory(fakeRun({ applications: ['Enabled'] }).run, inventory)).toMatchObject({
      status: 'Failed',
      stderr: 'invalid or unrecognized input was received for aws:softwareInventory plugin',
    });
    expect(await gatherInventory(fakeRun({}, 'cancel').run, inventory)).toMatchObject({
      status: 'Cancelled',
    });
    expect(put).toEqual([]);
  });
});
