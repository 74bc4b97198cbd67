// Writes responses and errors as the JSON 1.1 protocol does: timestamps as epoch seconds, blobs
// as base64, errors as {"__type": code, "message": text} (lower-case `message`, as
// AWS's framework writes it and every SDK reads it) with the X-Amzn-ErrorType header.
import { SsmError } from './errors.js';

export const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function serializeOutput(output: unknown): string {
  return JSON.stringify(output ?? {}, function (this: Record<string, unknown>, key, value: unknown) {
    const original = this[key];
    if (original instanceof Date) return original.getTime() / 1000;
    if (original instanceof Uint8Array) return Buffer.from(original).toString('base64');
    return value;
  });
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
