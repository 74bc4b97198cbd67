// The one POSIX shell script the gatherer runs in an instance per aws:softwareInventory step. It asks
// the instance what the SSM Agent's Linux gatherers ask it (os-release, uname, lscpu, dpkg-query or
// rpm, the network interfaces, the files of the `files` filters, the custom inventory folder) and
// prints each answer as a section after a marker line, for sections.ts to read back. It needs sh and
// the usual tools only (no python): a tool that is missing leaves its section out.
import type { FileFilter } from './files.js';

export interface ScriptPlan {
  /** A random marker no gathered text contains, as the agent marks its dpkg/rpm fields. */
  marker: string;
  /** Query the package manager (applications or AWS components wanted). */
  packages: boolean;
  /** lscpu (or /proc/cpuinfo without it). */
  detailed: boolean;
  /** The `files` filters, already parsed. */
  files: FileFilter[];
  /** The custom inventory folder, when custom inventory is wanted. */
  customDirectory?: string;
  /** Most custom inventory files read (the agent refuses more). */
  customFileLimit: number;
  /** Most files listed per filter (one more than the agent allows, so the excess shows). */
  fileListLimit: number;
}

/** Field and record separators in package listings (ASCII US and RS never occur in package data). */
export const FIELD = '\u001f';
export const RECORD = '\u001e';

/** Quotes text for sh: single quotes, with each ' written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A path with Go's os.Expand applied in the instance: `$NAME` and `${NAME}` become that environment
 * variable's value (empty when unset), everything else is literal. Answers a quoted sh word.
 */
export function expandedPathWord(path: string): string {
  const parts: string[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(shellQuote(literal));
    literal = '';
  };
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch !== '$' || i + 1 >= path.length) {
      literal += ch;
      continue;
    }
    let name: string;
    let end: number;
    const next = path[i + 1]!;
    if (next === '{') {
      const close = path.indexOf('}', i + 2);
      if (close < 0) {
        // Go: a "${" without "}" is bad syntax; the "${" is eaten, the rest stays literal.
        i += 1;
        continue;
      }
      name = path.slice(i + 2, close);
      end = close;
    } else if (/[*#$@!?\-0-9]/.test(next)) {
      name = next;
      end = i + 1;
    } else {
      const match = /^[A-Za-z0-9_]+/.exec(path.slice(i + 1));
      if (!match) {
        literal += ch;
        continue;
      }
      name = match[0];
      end = i + match[0].length;
    }
    flush();
    if (SHELL_NAME.test(name)) parts.push(`"\${${name}-}"`);
    i = end;
  }
  flush();
  return parts.length > 0 ? parts.join('') : "''";
}

function filesSection(filter: FileFilter, index: number, limit: number): string {
  const names = filter.patterns.map((p) => `-name ${shellQuote(p)}`).join(' -o ');
  const lines = [`sec files:${index}`, `p=${expandedPathWord(filter.path)}`, 'if [ -e "$p" ]; then'];
  if (filter.recursive) {
    const dirs = Math.max(filter.dirScanLimit + 1, 1);
    lines.push(`  printf 'dirs %s\\n' "$(find "$p" -type d 2>/dev/null | head -n ${dirs} | wc -l)"`);
  }
  if (names) {
    const depth = filter.recursive ? '' : '-mindepth 1 -maxdepth 1 ';
    lines.push(
      `  find "$p" ${depth}! -type d \\( ${names} \\) -exec stat -L -c 'file %s|%Y|%n' {} + 2>/dev/null | head -n ${limit}`,
    );
  }
  lines.push('else echo missing; fi');
  return lines.join('\n');
}

function customSection(directory: string, limit: number): string {
  return [
    `d=${shellQuote(directory)}`,
    'if [ -d "$d" ]; then',
    '  sec custom-list; n=0',
    '  for f in "$d"/*.json; do [ -e "$f" ] || continue; n=$((n+1)); printf \'%s\\n\' "${f##*/}"; done',
    `  if [ "$n" -le ${limit} ]; then`,
    '    for f in "$d"/*.json; do [ -f "$f" ] || continue; sec "custom:${f##*/}"; show "$f" 2>/dev/null; done',
    '  fi',
    'fi',
  ].join('\n');
}

// The agent asks for ${Description} and keeps its first line; ${binary:Summary} (dpkg 1.16.2 and
// later) is that line alone, which keeps the long descriptions out of the output.
const DPKG_FIELDS = [
  '${Package}',
  '${Maintainer}',
  '${Version}',
  '${Section}',
  '${Architecture}',
  '${Homepage}',
  '${binary:Summary}',
];
const RPM_FIELDS = [
  '%{NAME}',
  '%{VENDOR}',
  '%{VERSION}',
  '%{RELEASE}',
  '%{EPOCH}',
  '%{INSTALLTIME}',
  '%{GROUP}',
  '%{ARCH}',
  '%{URL}',
  '%{Summary}',
  '%{SourceRPM}',
];

/** The whole script: one `sh -c` per instance gathers every type asked for. */
export function gatherScript(plan: ScriptPlan): string {
  const lines = [
    'export LC_ALL=C',
    `M=${shellQuote(plan.marker)}`,
    `sec() { printf '\\n%s:%s\\n' "$M" "$1"; }`,
    // Files are read with the shell's own `read` (show): each process started in a container costs
    // milliseconds, and on a busy fan-out those add up; ip, lscpu and the package manager are the
    // only processes started.
    `show() { while IFS= read -r l || [ -n "$l" ]; do printf '%s\\n' "$l"; done < "$1"; }`,
    'sec os; show /etc/os-release 2>/dev/null || show /usr/lib/os-release 2>/dev/null',
    'sec host; show /proc/sys/kernel/hostname 2>/dev/null || hostname 2>/dev/null',
    'sec kernel; show /proc/sys/kernel/osrelease 2>/dev/null || uname -r 2>/dev/null',
    // Interfaces are read for AWS:InstanceInformation's IpAddress even without networkConfig: links,
    // addresses and the default route from one `ip`.
    'if command -v ip >/dev/null 2>&1; then',
    '  sec ip',
    '  ip -o -batch - 2>/dev/null <<EOF',
    'link show',
    'addr show',
    'route show default',
    'EOF',
    'else',
    '  sec sysnet',
    '  for n in /sys/class/net/*; do',
    '    [ -e "$n" ] || continue; a=; f=0',
    '    read -r a < "$n/address" 2>/dev/null; read -r f < "$n/flags" 2>/dev/null',
    `    printf '%s %s %s\\n' "\${n##*/}" "$a" "$f"`,
    '  done',
    'fi',
    'sec resolv; show /etc/resolv.conf 2>/dev/null',
  ];
  if (plan.detailed) {
    lines.push(
      'if command -v lscpu >/dev/null 2>&1; then',
      '  sec lscpu; lscpu 2>/dev/null',
      '  sec cpumhz',
      "  while IFS= read -r l; do case $l in [Cc][Pp][Uu]' MHz'*) printf '%s\\n' \"$l\"; break ;; esac; done < /proc/cpuinfo 2>/dev/null",
      'else',
      '  sec cpuinfo; show /proc/cpuinfo 2>/dev/null',
      'fi',
    );
  }
  if (plan.packages) {
    const dpkgFormat = DPKG_FIELDS.join(FIELD) + RECORD;
    const rpmFormat = RPM_FIELDS.join(FIELD) + RECORD;
    lines.push(
      `if command -v dpkg-query >/dev/null 2>&1; then sec dpkg; dpkg-query -W -f=${shellQuote(dpkgFormat)} 2>/dev/null; fi`,
      `if command -v rpm >/dev/null 2>&1; then sec rpm; rpm -qa --queryformat ${shellQuote(rpmFormat)} 2>/dev/null; fi`,
    );
  }
  plan.files.forEach((filter, index) => lines.push(filesSection(filter, index, plan.fileListLimit)));
  if (plan.customDirectory !== undefined) {
    lines.push(customSection(plan.customDirectory, plan.customFileLimit));
  }
  lines.push('exit 0', '');
  return lines.join('\n');
}

/** The script's output as its sections: name to text (the text after the marker line). */
export function splitSections(output: string, marker: string): Map<string, string> {
  const sections = new Map<string, string>();
  const chunks = output.split(`\n${marker}:`);
  for (const chunk of chunks.slice(1)) {
    const newline = chunk.indexOf('\n');
    const name = newline < 0 ? chunk : chunk.slice(0, newline);
    const text = newline < 0 ? '' : chunk.slice(newline + 1);
    sections.set(name, text);
  }
  return sections;
}
