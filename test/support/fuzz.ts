// A shape-guided fuzzer for the SSM wire protocol: for any operation of the model it builds request
// bodies from the operation's input shape, mostly near-valid (so handlers are reached) with
// mutations at every depth (wrong JSON types, nulls, huge and empty strings and lists, out-of-range
// numbers, unknown members), plus malformed bodies. Seeded, so a failure can be replayed.
// Used by test/fuzz.test.ts (a few thousand requests, fixed seed) and bench/fuzz.ts (100,000).
import { allCapabilities } from '../../src/capabilities.js';
import { serviceModel, type Shape } from '../../src/protocol/model.js';
import { compileJavaPattern } from '../../src/protocol/validate.js';

/** The operations this build implements (the fuzzer aims most requests at them). */
export function implementedOperations(): string[] {
  return allCapabilities().flatMap((capability) => Object.keys(capability.handlers ?? {}));
}

/** mulberry32: a small, fast, seedable PRNG. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzRequest {
  operation: string;
  /** X-Amz-Target (now and then not the operation's own). */
  target: string;
  body: string;
}

const MAX_DEPTH = 7;
/** Strings that reach real code paths: names, paths, ids, ARNs, documents, versions, selectors. */
const STRINGS = [
  '',
  'a',
  '/',
  '//',
  '/fuzz/a',
  '/fuzz/a/b',
  'fuzz',
  '/aws/service/global-infrastructure/regions',
  'arn:aws:ssm:us-east-1:000000000000:parameter/fuzz/a',
  'arn:aws:ssm:us-east-1:000000000000:document/AWS-RunShellScript',
  '/fuzz/a:1',
  '/fuzz/a:label',
  'i-0000000000000000a',
  'mi-0123456789abcdef0',
  'AWS-RunShellScript',
  'AWS-RunDocument',
  '$LATEST',
  '$DEFAULT',
  '1',
  '0',
  '-1',
  '50%',
  'tag:Role',
  'tag-key',
  'InstanceIds',
  'Name',
  'Path',
  'Type',
  'Recursive',
  'Label',
  'Equals',
  'BeginsWith',
  'String',
  'SecureString',
  'StringList',
  'Advanced',
  'Intelligent-Tiering',
  'Command',
  'Automation',
  'JSON',
  'YAML',
  '{"schemaVersion":"2.2","mainSteps":[{"action":"aws:runShellScript","name":"x","inputs":{"runCommand":["echo hi"]}}]}',
  '{"schemaVersion":"2.2","parameters":{"p":{"type":"String","allowedPattern":"(a+)+$"}},"mainSteps":[{"action":"aws:runShellScript","name":"x","inputs":{"runCommand":["{{p}}"]}}]}',
  'schemaVersion: "0.3"\nmainSteps: []',
  '[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2099-01-01T00:00:00.000Z"}}]',
  '(a+)+$',
  '^(a|a)*$',
  '{{ssm:/fuzz/a}}',
  '00000000-0000-0000-0000-000000000000',
  'cron(0 */30 * * * ? *)',
  'rate(30 minutes)',
  '2030-01-01T00:00:00Z',
  'eyJvcCI6Ikxpc3REb2N1bWVudHMiLCJhdCI6ImEifQ',
  '\u0000',
  '\ud800',
  'é☃𝄞',
  '../../etc/passwd',
  '%s%n',
];

/** Characters of huge strings one request may carry, so bodies stay under about a megabyte. */
const HUGE_BUDGET = 600_000;
const MAX_BODY = 1_200_000;

export class Fuzzer {
  private readonly model = serviceModel();
  readonly operations = Object.keys(this.model.operations).sort();
  private budget = HUGE_BUDGET;
  /** Roughly how many characters the request being built has so far. */
  private size = 0;
  /** How often a value is replaced by one of the wrong type, chosen per request. */
  private mutation = 0.08;

  private readonly implemented: string[];
  /** Per string shape: the candidate strings that satisfy its length, pattern and enum. */
  private readonly fitting = new Map<string, string[]>();

  constructor(private readonly rng: () => number) {
    this.implemented = implementedOperations().sort();
  }

  private fittingStrings(name: string, s: Shape): string[] {
    let found = this.fitting.get(name);
    if (!found) {
      const pattern = s.pattern === undefined ? null : compileJavaPattern(s.pattern);
      found = STRINGS.filter(
        (text) =>
          (s.min === undefined || text.length >= s.min) &&
          (s.max === undefined || text.length <= s.max) &&
          (!s.enum || s.enum.includes(text)) &&
          (!pattern || pattern.test(text)),
      );
      this.fitting.set(name, found);
    }
    return found;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)]!;
  }

  private chance(p: number): boolean {
    return this.rng() < p;
  }

  private hugeString(): string {
    const length = Math.min(this.pick([1_000, 10_000, 100_000, 300_000]), this.budget);
    this.budget -= length;
    return 'x'.repeat(length);
  }

  /** A value of some JSON type, for a member that expects another. */
  private wrongType(depth: number): unknown {
    switch (Math.floor(this.rng() * 9)) {
      case 0:
        return null;
      case 1:
        return this.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1]);
      case 2:
        return this.pick(STRINGS);
      case 3:
        return this.chance(0.5);
      case 4:
        return depth < MAX_DEPTH ? [this.wrongType(depth + 1), null] : [];
      case 5:
        return depth < MAX_DEPTH ? { Key: this.wrongType(depth + 1), [this.pick(STRINGS)]: null } : {};
      case 6:
        return this.hugeString();
      case 7:
        return [null];
      default:
        return { nested: { deeper: [null, {}] } };
    }
  }

  private stringFor(name: string, s: Shape): string {
    if (s.enum && this.chance(0.7)) return this.pick(s.enum);
    const fitting = this.fittingStrings(name, s);
    if (fitting.length > 0 && this.chance(this.mutation === 0 ? 0.9 : 0.5)) return this.pick(fitting);
    const roll = this.rng();
    if (roll < 0.6) return this.pick(STRINGS);
    if (roll < 0.7 && s.max !== undefined && s.max < this.budget) {
      this.budget -= s.max;
      return 'a'.repeat(s.max + 1);
    }
    if (roll < 0.8 && s.min !== undefined && s.min > 0) return 'a'.repeat(s.min - 1);
    if (roll < 0.85 && this.mutation > 0) return this.hugeString();
    const length = Math.floor(this.rng() * 40);
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(32 + Math.floor(this.rng() * 95));
    return text;
  }

  private numberFor(s: Shape, integer: boolean): number {
    const candidates = [0, 1, 10, 50, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e300];
    if (s.min !== undefined) candidates.push(s.min, s.min - 1);
    if (s.max !== undefined) candidates.push(s.max, s.max + 1);
    if (!integer || this.chance(0.05)) candidates.push(0.5, -0.25);
    return this.pick(candidates);
  }

  /** A value for shapeName: mostly of the right type, sometimes mutated. */
  value(shapeName: string, depth = 0): unknown {
    const value = this.unsized(shapeName, depth);
    // Nested lists of maps of long strings multiply: past the size budget, values stay small.
    this.size += typeof value === 'string' ? value.length + 3 : 8;
    return value;
  }

  private unsized(shapeName: string, depth: number): unknown {
    if (this.size > MAX_BODY) return depth === 0 ? {} : null;
    if (depth > 0 && this.chance(this.mutation)) return this.wrongType(depth);
    const s = this.model.shapes[shapeName]!;
    if (depth >= MAX_DEPTH)
      return s.type === 'structure' || s.type === 'map' ? {} : s.type === 'list' ? [] : null;
    switch (s.type) {
      case 'structure': {
        const out: Record<string, unknown> = {};
        const members = Object.entries(s.members ?? {});
        // A union takes one member; a structure takes some, required ones usually.
        const chosen = s.union ? [this.pick(members)] : members;
        for (const [name, ref] of chosen) {
          if (!ref) continue;
          const required = s.required?.includes(name) ?? false;
          if (this.chance(required ? 0.9 : 0.45)) out[name] = this.value(ref.shape, depth + 1);
        }
        if (this.chance(0.05))
          out[this.pick(['Unknown', 'extra', '__proto__', 'constructor'])] = this.wrongType(depth + 1);
        return out;
      }
      case 'list': {
        const long = this.chance(0.1) && this.budget > 100_000;
        const length = this.pick([0, 1, 1, 2, 3, 5, (s.max ?? 10) + 1, long ? 2000 : 1]);
        if (long) this.budget -= 100_000;
        return Array.from({ length }, () => this.value(s.member!.shape, depth + 1));
      }
      case 'map': {
        const out: Record<string, unknown> = {};
        const size = this.pick([0, 1, 2, 3, (s.max ?? 5) + 1]);
        for (let i = 0; i < size; i++) {
          const key = this.value(s.key!.shape, depth + 1);
          out[typeof key === 'string' ? key : String(key)] = this.value(s.value!.shape, depth + 1);
        }
        return out;
      }
      case 'string':
        return this.stringFor(shapeName, s);
      case 'integer':
      case 'long':
        return this.numberFor(s, true);
      case 'double':
      case 'float':
        return this.numberFor(s, false);
      case 'boolean':
        return this.chance(0.5);
      case 'timestamp':
        return this.pick([
          0,
          1_700_000_000,
          4_102_444_800,
          -1,
          1e15,
          '2030-01-01T00:00:00Z',
          'yesterday',
          '',
        ]);
      case 'blob':
        return this.pick(['', 'aGVsbG8=', '!!not base64!!', this.hugeString()]);
    }
  }

  /** One request: usually a body built from the operation's input shape, sometimes a malformed one. */
  next(): FuzzRequest {
    this.budget = HUGE_BUDGET;
    this.size = 0;
    // Some requests near-valid (they reach the handlers), some mutated through and through.
    this.mutation = this.pick([0, 0, 0.02, 0.08, 0.25]);
    const operation = this.pick(this.chance(0.75) ? this.implemented : this.operations);
    const op = this.model.operations[operation]!;
    let target = `AmazonSSM.${operation}`;
    if (this.chance(0.01))
      target = this.pick(['', 'AmazonSSM.', 'AmazonSSM.Nope', 'AmazonSSM.constructor', operation]);
    const roll = this.rng();
    let body: string;
    if (roll < 0.06) {
      body = this.pick([
        '',
        '{',
        '[]',
        'null',
        '"x"',
        '1',
        '{"a":}',
        '\u0000\u0001',
        '{"Name": "\\ud800"}',
        '{"__proto__": {"polluted": true}}',
        `{"Name": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
      ]);
    } else {
      body = JSON.stringify(op.input ? this.value(op.input.shape) : {});
      if (roll < 0.08) body = body.slice(0, Math.floor(body.length * this.rng()));
    }
    return { operation, target, body };
  }
}

export interface FuzzFailure {
  request: FuzzRequest;
  /** HTTP status, or 0 when the request failed or timed out. */
  status: number;
  answer: string;
}

export interface FuzzResult {
  sent: number;
  /** The slowest requests, slowest first, with their time in ms. */
  slowest: Array<{ request: FuzzRequest; ms: number; status: number }>;
  /** Responses by status code. */
  statuses: Map<number, number>;
  failures: FuzzFailure[];
}

/**
 * Sends `count` fuzzed requests to `endpoint`, `concurrency` at a time. A failure is a 5xx other than
 * 501 InternalFailure (an operation not implemented yet), an error answer without `__type`, or no
 * answer within `timeoutMs` (a hang).
 */
export async function runFuzz(options: {
  endpoint: string;
  seed: number;
  count: number;
  concurrency?: number;
  timeoutMs?: number;
  onProgress?: (sent: number) => void;
}): Promise<FuzzResult> {
  const fuzzer = new Fuzzer(random(options.seed));
  const statuses = new Map<number, number>();
  const failures: FuzzFailure[] = [];
  const slowest: FuzzResult['slowest'] = [];
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < options.count) {
      const request = fuzzer.next();
      sent++;
      if (options.onProgress && sent % 1000 === 0) options.onProgress(sent);
      let status = 0;
      let answer: string;
      const started = performance.now();
      try {
        const response = await fetch(options.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': request.target },
          body: request.body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        status = response.status;
        answer = await response.text();
      } catch (error) {
        const cause =
          error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
        answer = error instanceof Error ? `${error.name}: ${error.message}${cause}` : String(error);
      }
      const ms = performance.now() - started;
      if (slowest.length < 5 || ms > slowest[slowest.length - 1]!.ms) {
        slowest.push({ request, ms, status });
        slowest.sort((a, b) => b.ms - a.ms);
        slowest.length = Math.min(slowest.length, 5);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (!acceptable(status, answer)) failures.push({ request, status, answer: answer.slice(0, 500) });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { sent, statuses, failures, slowest };
}

function acceptable(status: number, answer: string): boolean {
  if (status === 0) return false;
  if (status < 300) return true;
  let type: unknown;
  try {
    type = (JSON.parse(answer) as { __type?: unknown }).__type;
  } catch {
    return false;
  }
  if (typeof type !== 'string' || type === '') return false;
  if (status === 501) return type === 'InternalFailure';
  return status < 500;
}
