// Request bodies are read as text and parsed here (Hono's json validator would silently yield {}
// for application/x-amz-json-1.1): an empty body is {}, anything but a JSON object is refused.
import { errors } from '../protocol/errors.js';

export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw errors.serialization('Unable to parse the request body as JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw errors.serialization('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}
