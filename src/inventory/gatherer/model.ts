// The inventory types the SSM Agent's Linux gatherers report, built from what the gather script
// printed: each row's attributes in the agent's struct order (its JSON), with its omitempty rules.
import { createHash } from 'node:crypto';
import { FIELD, RECORD } from './script.js';

export type Row = Record<string, string>;

export interface GatheredType {
  typeName: string;
  schemaVersion: string;
  content: Row[];
}

/** The agent's cleanupJSONField: the first line only, no CR, at most 100 characters. */
function cleanField(text: string): string {
  const newline = text.indexOf('\n');
  const line = (newline >= 0 ? text.slice(0, newline) : text).replace(/\r/g, '');
  return line.length > 100 ? line.slice(0, 100) : line;
}

/** model.FormatArchitecture: amd64 is x86_64, 386 is i386, the rest lower-cased. */
export function formatArchitecture(arch: string): string {
  const lower = arch.trim().toLowerCase();
  if (lower === 'amd64') return 'x86_64';
  if (lower === '386') return 'i386';
  return lower;
}

/** Adds the attributes that are not empty, in order (Go's omitempty). */
function withOptional(row: Row, optional: [string, string][]): Row {
  for (const [key, value] of optional) if (value !== '') row[key] = value;
  return row;
}

/** Application rows in the agent's order: Name, Publisher, Version, Release, Epoch, InstalledTime, ... */
function application(a: {
  name: string;
  publisher: string;
  version: string;
  release?: string;
  epoch?: string;
  installedTime?: string;
  applicationType: string;
  architecture: string;
  url: string;
  summary: string;
  packageId: string;
}): Row {
  const row: Row = { Name: a.name, Publisher: a.publisher, Version: a.version };
  withOptional(row, [
    ['Release', a.release ?? ''],
    ['Epoch', a.epoch ?? ''],
    ['InstalledTime', a.installedTime ?? ''],
    ['ApplicationType', a.applicationType],
  ]);
  row.Architecture = formatArchitecture(a.architecture);
  return withOptional(row, [
    ['URL', a.url],
    ['Summary', a.summary],
    ['PackageId', a.packageId],
  ]);
}

function records(text: string | undefined, fields: number): string[][] {
  if (!text) return [];
  return text
    .split(RECORD)
    .map((record) => record.split(FIELD).map(cleanField))
    .filter((values) => values.length === fields);
}

/** dpkg-query -W: Package, Maintainer, Version, Section, Architecture, Homepage, Description. */
export function dpkgApplications(text: string | undefined): Row[] {
  return records(text, 7).map(([name, publisher, version, section, arch, url, summary]) =>
    application({
      name: name!,
      publisher: publisher!,
      version: version!,
      applicationType: section!,
      architecture: arch!,
      url: url!,
      summary: summary!,
      // As the agent builds it: ${Package}_${Version}_${Architecture}.deb.
      packageId: `${name!}_${version!}_${arch!}.deb`,
    }),
  );
}

/** rpm -qa: NAME, VENDOR, VERSION, RELEASE, EPOCH, INSTALLTIME, GROUP, ARCH, URL, Summary, SourceRPM. */
export function rpmApplications(text: string | undefined): Row[] {
  return records(text, 11).map(
    ([name, vendor, version, release, epoch, installed, group, arch, url, summary, source]) => {
      let theEpoch = epoch!;
      if (theEpoch === '(none)') {
        // The agent: an epoch only when the package id carries one (name-epoch:version-...).
        theEpoch = source!.includes(':') ? (source!.split(':')[0]!.split('-')[1] ?? '') : '';
      }
      const seconds = Number(installed);
      const installedTime =
        installed !== '' && Number.isInteger(seconds)
          ? new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
          : installed!;
      return application({
        name: name!,
        publisher: vendor!,
        version: version!,
        release: release!,
        epoch: theEpoch,
        installedTime,
        applicationType: group!,
        architecture: arch!,
        url: url!,
        summary: summary!,
        packageId: source!,
      });
    },
  );
}

const AWS_COMPONENTS = new Set([
  'amazon-ssm-agent',
  'amazon ssm agent',
  'com.amazon.aws.ssm',
  'aws tools for windows',
  'ec2configservice',
  'aws-cfn-bootstrap',
  'aws pv drivers',
]);

/** The applications the agent counts as AWS components (its fixed list and the aws-*tools- sets). */
export function awsComponents(applications: Row[]): Row[] {
  return applications.filter((a) => {
    const name = (a.Name ?? '').trim().toLowerCase();
    return AWS_COMPONENTS.has(name) || name.includes('aws-apitools-') || name.includes('aws-amitools-');
  });
}

/** Go's strings.Index-based getFieldValue over lscpu's output. */
function lscpuField(output: string, key: string): string {
  const at = output.indexOf(`${key}:`);
  if (at < 0) return '';
  const rest = `${output.slice(at + key.length + 1)}\n`;
  return rest.slice(0, rest.indexOf('\n')).trim();
}

const integer = (text: string): number => (/^[+-]?\d+$/.test(text) ? Number(text) : 0);

function detailedRow(info: {
  model: string;
  mhz: string;
  cpus: string;
  sockets: string;
  coresPerSocket: string;
  threadsPerCore: string;
  kernel: string;
}): Row {
  const mhz = info.mhz === '' ? '' : String(Math.trunc(Number.parseFloat(info.mhz) || 0));
  const sockets = /^[+-]?\d+$/.test(info.sockets) ? info.sockets : '';
  const cores =
    sockets !== '' && info.coresPerSocket !== ''
      ? String(integer(sockets) * integer(info.coresPerSocket))
      : '';
  const hyper = info.threadsPerCore === '' ? '' : String(integer(info.threadsPerCore) > 1);
  return {
    CPUModel: info.model,
    CPUSpeedMHz: mhz,
    CPUs: info.cpus,
    CPUSockets: sockets,
    CPUCores: cores,
    CPUHyperThreadEnabled: hyper,
    OSServicePack: '',
    KernelVersion: info.kernel,
  };
}

/**
 * AWS:InstanceDetailedInformation from lscpu as the agent parses it. Newer lscpu prints no
 * "CPU MHz" line; /proc/cpuinfo's first "cpu MHz" stands in for it then.
 */
export function detailedFromLscpu(lscpu: string, cpuMhzLine: string, kernel: string): Row {
  const mhz = lscpuField(lscpu, 'CPU MHz') || (/:\s*([\d.]+)/.exec(cpuMhzLine)?.[1] ?? '');
  return detailedRow({
    model: lscpuField(lscpu, 'Model name'),
    mhz,
    cpus: lscpuField(lscpu, 'CPU(s)'),
    sockets: lscpuField(lscpu, 'Socket(s)'),
    coresPerSocket: lscpuField(lscpu, 'Core(s) per socket'),
    threadsPerCore: lscpuField(lscpu, 'Thread(s) per core'),
    kernel,
  });
}

/** The same attributes from /proc/cpuinfo, for an instance without lscpu. */
export function detailedFromCpuinfo(cpuinfo: string, kernel: string): Row {
  const blocks = cpuinfo.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  const value = (block: string, key: string): string =>
    new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm').exec(block)?.[1]?.trim() ?? '';
  const first = blocks[0] ?? '';
  const sockets = new Set(blocks.map((b) => value(b, 'physical id'))).size || 1;
  const cores = value(first, 'cpu cores');
  const siblings = value(first, 'siblings');
  const threads =
    cores && siblings ? String(Math.max(1, Math.round(integer(siblings) / integer(cores) || 1))) : '';
  return detailedRow({
    model: value(first, 'model name'),
    mhz: value(first, 'cpu MHz'),
    cpus: blocks.length > 0 ? String(blocks.length) : '',
    sockets: String(sockets),
    coresPerSocket: cores,
    threadsPerCore: threads,
    kernel,
  });
}

/** Go's json.Marshal of rows (HTML-escaped as Go does), for the agent's content hash. */
function goJson(rows: Row[]): string {
  return JSON.stringify(rows)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The agent's ContentHash: base64 of the MD5 of the content's JSON. */
export function contentHash(rows: Row[]): string {
  return createHash('md5').update(goJson(rows), 'utf8').digest('base64');
}

/** The byte size of a type as the agent measures it against its 3 MB per type / 10 MB limits. */
export function jsonSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
