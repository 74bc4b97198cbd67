// Who is calling and where: the region comes from the SigV4 credential scope of the Authorization
// header (default from configuration), the account from the access key (a configured map, a
// 12-digit access key taken as the account id itself, else the default account).
// Strict mode (SSM_LOCAL_CREDENTIALS) re-signs the request with AWS's own SigV4 implementation
// (@smithy/signature-v4, the signer the AWS SDK uses) and compares signatures. The signer's
// libraries are loaded on the first signature check, so a server without strict mode never pays
// for them at start-up.
import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../core/config.js';
import { errors } from './errors.js';

export interface Caller {
  accessKeyId: string | undefined;
  accountId: string;
  region: string;
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)\s*$/i;

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header) return undefined;
  const m = AUTH_PATTERN.exec(header.trim());
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.toLowerCase().split(';'),
    signature: m[6]!.toLowerCase(),
  };
}

export function accountFor(config: Config, accessKeyId: string | undefined): string {
  if (accessKeyId) {
    const mapped = config.accounts[accessKeyId];
    if (mapped) return mapped;
    if (/^\d{12}$/.test(accessKeyId)) return accessKeyId;
  }
  return config.defaultAccountId;
}

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

async function verify(request: RawRequest, auth: ParsedAuthorization, secret: string): Promise<boolean> {
  const signingDate = parseAmzDate(request.headers['x-amz-date']);
  if (!signingDate) return false;
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const [path, query = ''] = request.path.split('?');
  const queryMap: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) queryMap[k] = v;
  const [{ Sha256 }, { HttpRequest }, { SignatureV4 }] = await Promise.all([
    import('@aws-crypto/sha256-js'),
    import('@smithy/protocol-http'),
    import('@smithy/signature-v4'),
  ]);
  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    credentials: {
      accessKeyId: auth.accessKeyId,
      secretAccessKey: secret,
      ...(headers['x-amz-security-token'] ? { sessionToken: headers['x-amz-security-token'] } : {}),
    },
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: (headers.host ?? '').split(':')[0] ?? '',
      path: path ?? '/',
      query: queryMap,
      headers,
      body: request.body,
    }),
    { signingDate, signableHeaders: new Set(auth.signedHeaders), signingRegion: auth.region },
  );
  const expected = parseAuthorization(signed.headers.authorization ?? signed.headers.Authorization);
  if (!expected) return false;
  const a = Buffer.from(expected.signature);
  const b = Buffer.from(auth.signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** request() builds the whole request; it is only needed (and only called) in strict mode. */
export async function identifyCaller(
  config: Config,
  authorization: string | undefined,
  request: () => RawRequest,
): Promise<Caller> {
  const auth = parseAuthorization(authorization);
  if (config.credentials) {
    if (!auth) throw errors.missingAuthentication();
    const secret = config.credentials[auth.accessKeyId];
    if (secret === undefined) throw errors.unrecognizedClient();
    if (!(await verify(request(), auth, secret))) throw errors.invalidSignature();
  }
  return {
    accessKeyId: auth?.accessKeyId,
    accountId: accountFor(config, auth?.accessKeyId),
    region: auth?.region ?? config.defaultRegion,
  };
}
