// Custom inventory as the agent's custom gatherer reads it: the *.json files of
// /var/lib/amazon/ssm/<instance-id>/inventory/custom (at most 20, or the gatherer fails), each
// {"SchemaVersion", "TypeName": "Custom:...", "Content": {...} or [{...}, ...]} with string values
// only. A file that breaks a rule is skipped (the agent logs it), and so is a second file of a
// TypeName already read (files in name order).
import type { GatheredType, Row } from './model.js';

export const CUSTOM_FILE_LIMIT = 20;
const TYPE_NAME_LIMIT = 100;
const ATTRIBUTE_COUNT_LIMIT = 50;
const ATTRIBUTE_NAME_LIMIT = 64;
const ATTRIBUTE_VALUE_LIMIT = 4096;

export function customFileCountError(count: number): string {
  return `Total custom inventory file count (${count}) exceed limit (${CUSTOM_FILE_LIMIT})`;
}

/** Go's json matches a struct field's name exactly first, then case-insensitively. */
function member(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name];
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

function attributes(value: unknown): Row {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('Custom inventory entry is not valid');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > ATTRIBUTE_COUNT_LIMIT) {
    throw new Error(
      `custom inventory content has ${entries.length} attributes, exceed the limit ${ATTRIBUTE_COUNT_LIMIT}`,
    );
  }
  const row: Row = {};
  for (const [name, v] of entries) {
    if (name.length === 0 || Buffer.byteLength(name) > ATTRIBUTE_NAME_LIMIT) {
      throw new Error(
        `Custom inventory attribute name (${name}) is empty or longer than ${ATTRIBUTE_NAME_LIMIT}`,
      );
    }
    if (typeof v !== 'string') {
      throw new Error(
        `Custom inventory attribute (${name})'s value type is not supported. Only string type is supported`,
      );
    }
    if (Buffer.byteLength(v) > ATTRIBUTE_VALUE_LIMIT) {
      throw new Error(
        `Custom inventory attribute (${name})'s value length exceeded the limit (${ATTRIBUTE_VALUE_LIMIT})`,
      );
    }
    row[name] = v;
  }
  return row;
}

/** One custom inventory file's item, or an Error saying why the agent would skip it. */
export function customItem(text: string): GatheredType | Error {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return error as Error;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return new Error('custom inventory file is not a JSON object');
  }
  const item = parsed as Record<string, unknown>;
  const typeName = member(item, 'TypeName') ?? '';
  const schemaVersion = member(item, 'SchemaVersion') ?? '';
  if (typeof typeName !== 'string' || typeof schemaVersion !== 'string') {
    return new Error('TypeName and SchemaVersion must be strings');
  }
  if (typeName.length === 0) return new Error('Custom inventory item has missed or empty TypeName');
  if (typeName.length > TYPE_NAME_LIMIT) return new Error(`TypeName (${typeName}) is too long`);
  if (!typeName.startsWith('Custom:')) {
    return new Error(`Custom inventory item's TypeName (${typeName}) has to start with Custom:`);
  }
  if (schemaVersion.length === 0) return new Error('Custom inventory item has missed SchemaVersion');
  if (!/^([0-9]{1,6})(\.[0-9]{1,6})$/.test(schemaVersion)) {
    return new Error(`Custom inventory item (${typeName}) has invalid SchemaVersion (${schemaVersion})`);
  }
  const content = member(item, 'Content');
  if (content === undefined || content === null)
    return new Error('Custom inventory item missed Content property.');
  try {
    if (Array.isArray(content)) {
      // As the agent: a bad entry is dropped, unless it is the last one, which fails the file.
      const rows: Row[] = [];
      let last: Error | undefined;
      for (const entry of content) {
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
          throw new Error('Custom inventory entry is not valid');
        }
        try {
          rows.push(attributes(entry));
          last = undefined;
        } catch (error) {
          last = error as Error;
        }
      }
      if (last) return last;
      return { typeName, schemaVersion, content: rows };
    }
    if (typeof content === 'object') return { typeName, schemaVersion, content: [attributes(content)] };
    return new Error(`Custom inventory item ${typeName}'s Content is not a valid json`);
  } catch (error) {
    return error as Error;
  }
}

/**
 * The custom types from the files read (name order), or the agent's error when the folder holds
 * more files than it reads. `listing` is the folder's *.json names; `files` their text.
 */
export function customTypes(listing: string[], files: Map<string, string>): GatheredType[] {
  if (listing.length > CUSTOM_FILE_LIMIT) throw new Error(customFileCountError(listing.length));
  const seen = new Set<string>();
  const out: GatheredType[] = [];
  for (const name of listing) {
    const text = files.get(name);
    if (text === undefined) continue;
    const item = customItem(text);
    if (item instanceof Error || seen.has(item.typeName)) continue;
    seen.add(item.typeName);
    out.push(item);
  }
  return out;
}
