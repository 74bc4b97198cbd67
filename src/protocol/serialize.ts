// Writes responses and errors as the JSON 1.1 protocol does: timestamps as epoch seconds, blobs
// as base64, errors as {"__type": code, "message": text} (lower-case `message`, as
// AWS's framework writes it and every SDK reads it) with the X-Amzn-ErrorType header.
import { SsmError } from './errors.js';

export const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Dates become epoch seconds and bytes base64, in a copy; everything else is as it is. */
function toWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toWire);
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = toWire(v);
  }
  return out;
}

// A plain JSON.stringify (no replacer function) keeps V8's fast serializer.
export function serializeOutput(output: unknown): string {
  return JSON.stringify(toWire(output ?? {}));
}

export function serializeError(error: SsmError): {
  status: number;
  body: string;
  headers: Record<string, string>;
} {
  const body: Record<string, unknown> = { __type: error.code, message: error.message };
  Object.assign(body, error.extra);
  return {
    status: error.status,
    body: JSON.stringify(body),
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-errortype': error.code },
  };
}
