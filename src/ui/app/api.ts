// The console's only ways to the emulator: its SSM API (POST / with X-Amz-Target and
// application/x-amz-json-1.1, the JSON protocol every SDK speaks) and its admin routes
// (/_ssm-local/...). Operation names, inputs and outputs are typed from the same SDK types the
// server's handlers use (src/protocol/operations.ts), with timestamps as they travel: epoch seconds.
import type { OperationInput, OperationName, OperationOutput } from '../../protocol/operations.js';

/** An SDK type as JSON carries it: a Date is epoch seconds. */
export type Wire<T> = T extends Date
  ? number
  : T extends Uint8Array
    ? string
    : T extends readonly (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

export type Input<K extends OperationName> = Wire<OperationInput<K>>;
export type Output<K extends OperationName> = Wire<OperationOutput<K>>;

/** Who the console calls as: the account (12 digits) and the region. */
export interface Scope {
  accountId: string;
  region: string;
}

/** An error the emulator answered: its code (__type) and message, shown to the user as they are. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * An Authorization header carrying only a credential scope. ssm-local (unless strict credentials
 * are configured) reads the region from the scope and the account from the access key: a 12-digit
 * access key is taken as the account id. The signature is not checked, so it is a placeholder.
 */
export function authorization(scope: Scope, now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `AWS4-HMAC-SHA256 Credential=${scope.accountId}/${date}/${scope.region}/ssm/aws4_request, SignedHeaders=host, Signature=0`;
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
    const code = (body.__type ?? `HTTP ${response.status}`).split('#').pop()!;
    return new ApiError(code, body.message ?? body.Message ?? text, response.status);
  } catch {
    return new ApiError(`HTTP ${response.status}`, text || response.statusText, response.status);
  }
}

/** Calls one SSM operation. */
export async function ssm<K extends OperationName>(
  scope: Scope,
  operation: K,
  input: Input<K>,
  signal?: AbortSignal,
): Promise<Output<K>> {
  let response: Response;
  try {
    response = await fetch('/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AmazonSSM.${operation}`,
        authorization: authorization(scope),
      },
      body: JSON.stringify(input),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('NetworkError', `The emulator did not answer ${operation}.`, 0);
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as Output<K>;
}

/**
 * Every page of a paginated operation. `items` picks the page's list out of an answer; at most
 * `maxPages` pages are read (a console table has no use for more).
 */
export async function allPages<K extends OperationName, T>(
  scope: Scope,
  operation: K,
  input: Input<K>,
  items: (page: Output<K>) => T[] | undefined,
  options: { signal?: AbortSignal; maxPages?: number } = {},
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < (options.maxPages ?? 100); page++) {
    const answer = await ssm(
      scope,
      operation,
      { ...input, ...(token ? { NextToken: token } : {}) },
      options.signal,
    );
    all.push(...(items(answer) ?? []));
    token = (answer as { NextToken?: string }).NextToken;
    if (!token) break;
  }
  return all;
}

/** Calls an admin route under /_ssm-local/ (JSON in, JSON out, errors as {__type, message}). */
export async function admin<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/_ssm-local/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('NetworkError', `The emulator did not answer ${method} /_ssm-local/${path}.`, 0);
  }
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

/** What GET /_ssm-local/ui/config.json answers (src/ui/route.ts). */
export interface ConsoleConfig {
  version: string;
  defaultAccountId: string;
  defaultRegion: string;
  strictCredentials: boolean;
  clockAdjustable: boolean;
}

/** One instance as GET /_ssm-local/instances lists it (src/instances/api.ts: AdminInstance). */
export interface AdminInstance {
  instanceId: string;
  name: string;
  containerName: string;
  accountId: string;
  region: string;
  image: string;
  platformType: string;
  resourceType: string;
  pingStatus: 'Online' | 'ConnectionLost' | 'Stopped';
  tags: { Key: string; Value: string }[];
  source: string;
}

export interface FleetListing {
  fleet: string;
  status: { up: boolean; detail?: string };
  instances: AdminInstance[];
}
