// os-release(5), read both for DescribeInstanceInformation's platform and inventory's
// AWS:InstanceInformation.

/** Parses os-release(5): KEY=value lines, values optionally quoted with shell quoting. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    let value = (match[2] ?? '').trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["$`\\])/g, '$1');
    }
    out[match[1]!] = value;
  }
  return out;
}
