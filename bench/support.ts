// Shared bench plumbing: start servers as separate processes (so the load generator does not share
// their event loop) and drive them with autocannon, a well-kept HTTP load generator for Node.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface Proc {
  child: ChildProcess;
  endpoint: string;
  stop(): Promise<void>;
}

export async function startProcess(script: string, env: Record<string, string> = {}): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, SSM_LOCAL_PORT: '0', SSM_LOCAL_FLEET: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening: ${out}`)));
  });
  return {
    child,
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Measured {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export async function measure(
  label: string,
  url: string,
  options: {
    connections: number;
    seconds: number;
    target?: string;
    body: () => string;
  },
): Promise<Measured> {
  // One unmeasured second first, so the JIT has warmed up before the numbers are taken.
  await run(url, { ...options, seconds: 1 });
  const result = await run(url, options);
  return {
    label,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

function run(
  url: string,
  options: { connections: number; seconds: number; target?: string; body: () => string },
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          ...(options.target ? { 'x-amz-target': options.target } : {}),
        },
        setupRequest: (req) => ({ ...req, body: options.body() }),
      },
    ],
  });
}

export function printTable(rows: Measured[]): void {
  printMarkdownTable(
    ['case', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
    rows.map((r) => [
      r.label,
      String(r.requestsPerSecond),
      String(r.p50),
      String(r.p99),
      String(r.errors + r.non2xx),
    ]),
  );
}

/** A markdown table with padded columns, as the README's benchmark tables are written. */
export function printMarkdownTable(header: string[], lines: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]): string =>
    '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const l of lines) console.log(fmt(l));
}
