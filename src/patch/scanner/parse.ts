// Readers of the scanner scripts' output (scripts.ts): sections cut by marker lines, /etc/os-release,
// dpkg-query's lines, `apt-cache show` stanzas, Release fields (grep -H) and `apt-cache policy` version tables.
import type { InstallResult, PackageFacts, PackageInstall, ScanResult } from '../model.js';
import { parseOsRelease } from '../../core/os-release.js';
import { productOf as supportedProduct } from '../baselines/snapshot.js';
import { MARKER } from './scripts.js';

export interface Section {
  /** The marker's word, e.g. "installed", "one". */
  name: string;
  /** What follows the word on the marker line, e.g. "pkg=1.0" for `one pkg=1.0`. */
  argument: string;
  lines: string[];
}

/** The output cut at its marker lines; what precedes the first marker is left out. */
export function splitSections(stdout: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARKER)) {
      const rest = line.slice(MARKER.length);
      const space = rest.indexOf(' ');
      current = {
        name: space < 0 ? rest : rest.slice(0, space),
        argument: space < 0 ? '' : rest.slice(space + 1),
        lines: [],
      };
      sections.push(current);
    } else if (current) current.lines.push(line);
  }
  return sections;
}

function section(sections: Section[], name: string): string[] {
  return sections.find((s) => s.name === name)?.lines ?? [];
}

/**
 * PRODUCT and OperatingSystem as Patch Manager names them (Debian12 / DEBIAN), from the baselines'
 * table of supported products; a release Patch Manager does not know keeps its own name.
 */
export function productOf(osRelease: Record<string, string>): { product: string; operatingSystem: string } {
  const known = supportedProduct(osRelease);
  if (known) return known;
  const id = (osRelease.ID ?? 'linux').toLowerCase();
  return {
    product: `${osRelease.NAME ?? id}${osRelease.VERSION_ID ?? ''}`,
    operatingSystem: id.toUpperCase(),
  };
}

/** deb822 stanzas (blank-line separated `Field: value` lines; continuation lines ignored). */
export function parseStanzas(lines: string[]): Array<Record<string, string>> {
  const stanzas: Array<Record<string, string>> = [];
  let current: Record<string, string> = {};
  const flush = () => {
    if (Object.keys(current).length > 0) stanzas.push(current);
    current = {};
  };
  for (const line of lines) {
    if (line.trim() === '') flush();
    else {
      const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (match) current[match[1]!] = match[2]!.trim();
    }
  }
  flush();
  return stanzas;
}

export interface InstalledPackage {
  name: string;
  arch: string;
  version: string;
  section: string;
  priority: string;
}

/** dpkg-query lines `<status>\t<name>\t<arch>\t<version>\t<section>\t<priority>`, installed ones. */
export function parseInstalled(lines: string[]): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const line of lines) {
    const [status, name, arch, version, section = '', priority = ''] = line.split('\t');
    // Status-Abbrev: desired, current (i = installed), error flag; "ii ", "hi ", "iU " ...
    if (!status || status[1] !== 'i' || !name || !arch || !version) continue;
    out.push({ name, arch, version, section, priority });
  }
  return out;
}

/** `stat -c '%Y %n'` lines of /var/lib/dpkg/info/<pkg>[:<arch>].list: package name to epoch ms. */
export function parseInstallTimes(lines: string[]): Map<string, number> {
  const times = new Map<string, number>();
  for (const line of lines) {
    const match = /^(\d+) (.+)\.list$/.exec(line.trim());
    if (!match) continue;
    const name = match[2]!.replace(/:.*$/, '');
    times.set(name, Math.max(times.get(name) ?? 0, Number(match[1]) * 1000));
  }
  return times;
}

export interface Release {
  /** The lists file it was read from, e.g. /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease. */
  file: string;
  origin?: string;
  label?: string;
  suite?: string;
  codename?: string;
  /** The Release file's Date, epoch ms. */
  date?: number;
}

/** `grep -H` lines of the lists' Release files: `<file>:<Field>: <value>`, one Release per file. */
export function parseReleases(lines: string[]): Release[] {
  const files = new Map<string, Record<string, string>>();
  for (const line of lines) {
    const match = /^([^:]+):([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const fields = files.get(match[1]!) ?? {};
    fields[match[2]!] = match[3]!.trim();
    files.set(match[1]!, fields);
  }
  return [...files].map(([file, f]) => {
    const date = f.Date === undefined ? NaN : Date.parse(f.Date);
    return {
      file,
      origin: f.Origin,
      label: f.Label,
      suite: f.Suite,
      codename: f.Codename,
      date: Number.isNaN(date) ? undefined : date,
    };
  });
}

/** A repository that offers a version: a sources line as `apt-cache policy` shows it. */
export interface PolicySource {
  uri: string;
  /** The sources line's distribution, e.g. bookworm-security. */
  dist: string;
}

export interface Policy {
  name: string;
  installed?: string;
  candidate?: string;
  /** The repositories offering the candidate version. */
  sources: PolicySource[];
}

/**
 * `apt-cache policy <names>`: each package's Installed and Candidate versions, and the sources lines
 * of its candidate in the version table (`        500 http://deb.debian.org/debian-security
 * bookworm-security/main amd64 Packages`).
 */
export function parsePolicies(lines: string[]): Policy[] {
  const out: Policy[] = [];
  let current: Policy | undefined;
  let inCandidate = false;
  for (const line of lines) {
    const header = /^(\S+):$/.exec(line);
    if (header) {
      current = { name: header[1]!.replace(/:.*$/, ''), sources: [] };
      out.push(current);
      inCandidate = false;
      continue;
    }
    if (!current) continue;
    const field = /^ {2}(Installed|Candidate): (\S+)$/.exec(line);
    if (field) {
      const value = field[2] === '(none)' ? undefined : field[2];
      if (field[1] === 'Installed') current.installed = value;
      else current.candidate = value;
      continue;
    }
    const version = /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line);
    if (version) {
      inCandidate = version[1] === current.candidate;
      continue;
    }
    const source = /^ +-?\d+ (\S+) (\S+) \S+ Packages$/.exec(line);
    if (source && inCandidate) {
      const path = source[2]!;
      const slash = path.lastIndexOf('/');
      current.sources.push({ uri: source[1]!, dist: slash > 0 ? path.slice(0, slash) : path });
    }
  }
  return out;
}

/** The start of the lists file names of a sources line (apt's URItoFileName, for common URIs). */
export function listsPrefixOf(source: PolicySource): string {
  const uri = `${source.uri.replace(/\/+$/, '')}/dists/${source.dist}/`
    .replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, '')
    .replace(/^[^/@]*@/, '');
  return uri.replace(/[_~]/g, (c) => `%${c.charCodeAt(0).toString(16)}`).replace(/\//g, '_');
}

const isSecurity = (text: string | undefined): boolean => /security/i.test(text ?? '');

/** The Release a source's lists came from: by lists file name, else by suite or codename. */
function releaseOf(releases: Release[], source: PolicySource): Release | undefined {
  const prefix = listsPrefixOf(source);
  return (
    releases.find((r) => r.file.slice(r.file.lastIndexOf('/') + 1).startsWith(prefix)) ??
    releases.find((r) => r.codename === source.dist || r.suite === source.dist)
  );
}

/** Puts the scan script's sections together into what the instance's package manager knows. */
export function scanResultOf(stdout: string): ScanResult {
  const sections = splitSections(stdout);
  const { product, operatingSystem } = productOf(parseOsRelease(section(sections, 'os').join('\n')));
  const times = parseInstallTimes(section(sections, 'times'));
  const releases = parseReleases(section(sections, 'releases'));
  const candidates = new Map<string, Record<string, string>>();
  for (const stanza of parseStanzas(section(sections, 'candidates'))) {
    if (stanza.Package && stanza.Version) candidates.set(`${stanza.Package}=${stanza.Version}`, stanza);
  }
  const policies = new Map(parsePolicies(section(sections, 'policy')).map((p) => [p.name, p]));
  const fromSecurity = securityVersions(section(sections, 'security'));
  const packages: PackageFacts[] = parseInstalled(section(sections, 'installed')).map((p) => {
    const facts: PackageFacts = {
      name: p.name,
      arch: p.arch,
      installedVersion: p.version,
      section: p.section,
      // Debian policy: a package that states no Priority is optional.
      priority: p.priority || 'optional',
      security: false,
    };
    const installedAt = times.get(p.name);
    if (installedAt !== undefined) facts.installedAt = installedAt;
    if (fromSecurity.has(`${p.name}=${p.version}`)) facts.installedSecurity = true;
    const policy = policies.get(p.name);
    if (!policy?.candidate || policy.candidate === p.version || policy.installed !== p.version) return facts;
    facts.candidateVersion = policy.candidate;
    const candidate = candidates.get(`${p.name}=${policy.candidate}`);
    if (candidate?.Section) facts.section = candidate.Section;
    if (candidate?.Priority) facts.priority = candidate.Priority;
    // A candidate offered by several suites counts as security when one of them is.
    const offers = policy.sources.map((source) => {
      const release = releaseOf(releases, source);
      const security = isSecurity(source.dist) || isSecurity(release?.suite) || isSecurity(release?.codename);
      return { source, release, security };
    });
    const chosen = offers.find((o) => o.security) ?? offers[0];
    if (chosen) {
      facts.archive = chosen.release?.codename ?? chosen.release?.suite ?? chosen.source.dist;
      facts.security = chosen.security;
      if (chosen.release?.date !== undefined) facts.releasedAt = chosen.release.date;
    }
    return facts;
  });
  return {
    product,
    operatingSystem,
    packages,
    rebootRequired: section(sections, 'reboot')[0]?.trim() === 'yes',
  };
}

/** The lines of apt's output that say what went wrong (`E: ...`), else the last few lines. */
function messageOf(lines: string[], name: string): string {
  const errors = lines.filter((l) => /^E: /.test(l));
  const about = lines.filter((l) => l.includes(name) && !/^(Reading|Building)/.test(l));
  const chosen = errors.length > 0 ? errors : about.length > 0 ? about : lines.filter((l) => l.trim());
  return chosen.slice(-5).join('\n').trim();
}

/** Puts the install script's sections together: what is now installed and what failed, and why. */
export function installResultOf(packages: PackageInstall[], stdout: string, stderr: string): InstallResult {
  const sections = splitSections(stdout);
  const versions = new Map<string, { version: string; status: string }>();
  for (const line of section(sections, 'versions')) {
    const [name, version, status = ''] = line.split('\t');
    if (name && version) versions.set(name, { version, status });
  }
  const batch = section(sections, 'all');
  const result: InstallResult = {
    installed: [],
    failed: [],
    rebootRequired: section(sections, 'reboot')[0]?.trim() === 'yes',
    stdout: stdout
      .split('\n')
      .filter((l) => !l.startsWith(MARKER))
      .join('\n'),
    stderr,
  };
  for (const p of packages) {
    const now = versions.get(p.name);
    if (now && now.version === p.version && now.status.startsWith('ii')) {
      result.installed.push({ name: p.name, version: p.version });
      continue;
    }
    const own = sections.find((s) => s.name === 'one' && s.argument === `${p.name}=${p.version}`);
    let message = messageOf(own?.lines ?? batch, p.name);
    if (!now) message ||= `${p.name} is not installed`;
    else
      message ||= `${p.name} ${p.version} is not installed (dpkg has ${now.version}, ${now.status.trim()})`;
    result.failed.push({ name: p.name, version: p.version, message });
  }
  return result;
}

/**
 * The `name=version` pairs the security archives' package lists offer (their Package and Version
 * lines, list files named after a security suite), to tell an update installed from there.
 */
export function securityVersions(lines: string[]): Set<string> {
  const pairs = new Set<string>();
  let name: string | undefined;
  for (const line of lines) {
    if (line.startsWith('Package: ')) name = line.slice('Package: '.length).trim();
    else if (line.startsWith('Version: ') && name !== undefined) {
      pairs.add(`${name}=${line.slice('Version: '.length).trim()}`);
      name = undefined;
    }
  }
  return pairs;
}
