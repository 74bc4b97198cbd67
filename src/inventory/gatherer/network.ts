// AWS:Network as the agent's Linux gatherer reports it (every interface but loopback: Name,
// MacAddress, the interface's last IPv4 and last IPv6 address), read from one `ip -o -batch` of
// link, addr and route (or /sys/class/net without iproute2). Beyond the agent, which leaves them out on
// Linux, ssm-local also fills SubnetMask, Gateway and DNSServer as the Windows agent does (the first
// of each), from the IPv4 prefix, the default route and /etc/resolv.conf. DHCPServer stays out.
import type { Row } from './model.js';

interface Interface {
  index: string;
  name: string;
  loopback: boolean;
  mac: string;
  ipv4: string;
  prefix4?: number;
  ipv6: string;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i;

function baseName(name: string): string {
  const at = name.indexOf('@');
  return at >= 0 ? name.slice(0, at) : name;
}

function fromIp(link: string, addr: string): Interface[] {
  const interfaces = new Map<string, Interface>();
  for (const line of link.split('\n')) {
    const match = /^(\d+):\s+([^:\s]+):\s+<([^>]*)>.*?link\/(\S+)(?:\s+(\S+))?/.exec(line);
    if (!match) continue;
    const mac = match[5] ?? '';
    interfaces.set(match[1]!, {
      index: match[1]!,
      name: baseName(match[2]!),
      loopback: match[3]!.split(',').includes('LOOPBACK') || match[4] === 'loopback',
      mac: match[4] !== 'loopback' && MAC.test(mac) ? mac.toLowerCase() : '',
      ipv4: '',
      ipv6: '',
    });
  }
  for (const line of addr.split('\n')) {
    const match = /^(\d+):\s+(\S+)\s+(inet6?)\s+([^\s/]+)(?:\/(\d+))?/.exec(line);
    if (!match) continue;
    const known = interfaces.get(match[1]!) ?? {
      index: match[1]!,
      name: baseName(match[2]!),
      loopback: match[2] === 'lo',
      mac: '',
      ipv4: '',
      ipv6: '',
    };
    interfaces.set(match[1]!, known);
    if (match[3] === 'inet') {
      known.ipv4 = match[4]!;
      if (match[5] !== undefined) known.prefix4 = Number(match[5]);
    } else {
      known.ipv6 = match[4]!;
    }
  }
  return [...interfaces.values()];
}

function fromSys(sysnet: string): Interface[] {
  return sysnet
    .split('\n')
    .map((line) => line.split(' '))
    .filter((parts) => parts[0])
    .map(([name = '', mac = '', flags = '0'], i) => ({
      index: String(i),
      name,
      // IFF_LOOPBACK is 0x8.
      loopback: (Number.parseInt(flags, 16) & 0x8) !== 0,
      mac: MAC.test(mac) ? mac : '',
      ipv4: '',
      ipv6: '',
    }));
}

function subnetMask(prefix: number | undefined): string {
  if (prefix === undefined || prefix < 0 || prefix > 32) return '';
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 0xff).join('.');
}

export interface NetworkFacts {
  /** The AWS:Network rows. */
  rows: Row[];
  /** The first IPv4 address of a non-loopback interface (AWS:InstanceInformation's IpAddress). */
  primaryIpv4: string;
}

export function networkFacts(sections: Map<string, string>): NetworkFacts {
  // One `ip -o -batch` prints links, addresses and the default route; each has its own line form.
  const ip = sections.get('ip');
  const interfaces = ip !== undefined ? fromIp(ip, ip) : fromSys(sections.get('sysnet') ?? '');
  const gateways = new Map<string, string>();
  for (const line of (ip ?? '').split('\n')) {
    const match = /^default\s+via\s+(\S+)(?:.*?\sdev\s+(\S+))?/.exec(line);
    if (match && !gateways.has(match[2] ?? '')) gateways.set(match[2] ?? '', match[1]!);
  }
  const dns = /^\s*nameserver\s+(\S+)/m.exec(sections.get('resolv') ?? '')?.[1] ?? '';
  const rows: Row[] = [];
  let primaryIpv4 = '';
  for (const i of interfaces) {
    if (i.loopback) continue;
    if (!primaryIpv4 && i.ipv4) primaryIpv4 = i.ipv4;
    const row: Row = { Name: i.name };
    const mask = i.ipv4 ? subnetMask(i.prefix4) : '';
    if (mask) row.SubnetMask = mask;
    const gateway = gateways.get(i.name) ?? '';
    if (gateway) row.Gateway = gateway;
    if (dns && (i.ipv4 || i.ipv6)) row.DNSServer = dns;
    row.MacAddress = i.mac;
    row.IPV4 = i.ipv4;
    row.IPV6 = i.ipv6;
    rows.push(row);
  }
  return { rows, primaryIpv4 };
}
