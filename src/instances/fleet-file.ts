// The fleet file (fixtures/fleet.json by default; SSM_LOCAL_FLEET or config fleetPath to change):
//
//   { "fleet": "default",
//     "instances": [
//       { "name": "web-1", "image": "linux", "tags": { "Role": "web" } },
//       { "name": "onprem-1", "id": "mi-0123456789abcdef0", "iamRole": "SSMServiceRole" } ] }
//
// Per instance: name (required), id (i- or mi- with 17 hex digits; generated when absent: i-, or mi-
// with "hybrid": true), image ("linux", or the ami- id of an image made from an instance by
// aws:createImage), platform (only "Linux"), tags (object or [{Key, Value}] list), accountId and
// region (default: the configured defaults), iamRole (mi- only).
// "fleet" names the set of containers this file manages (their label), so several emulators or test
// servers can share one engine without touching each other's instances.
import { readFileSync } from 'node:fs';
import type { Tag } from '../core/capability.js';
import { FLEET_NAME_PATTERN } from '../docker/containers.js';
import { isInstanceImage, type InstanceImage } from './images.js';

export interface FleetEntry {
  name: string;
  id?: string;
  hybrid: boolean;
  image: InstanceImage;
  platform: 'Linux';
  tags: Tag[];
  accountId?: string;
  region?: string;
  iamRole?: string;
}

export interface FleetFile {
  fleet: string;
  instances: FleetEntry[];
}

export const INSTANCE_ID_PATTERN = /^(i-[0-9a-f]{17}|mi-[0-9a-f]{17})$/;

export function parseTags(value: unknown, where: string): Tag[] {
  if (value === undefined || value === null) return [];
  const tags: Tag[] = [];
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      const { Key, Value } = (item ?? {}) as { Key?: unknown; Value?: unknown };
      if (typeof Key !== 'string' || (Value !== undefined && typeof Value !== 'string')) {
        throw new Error(`${where}: tags must be {"Key": string, "Value": string} items`);
      }
      tags.push({ Key, Value: Value ?? '' });
    }
  } else if (typeof value === 'object') {
    for (const [Key, Value] of Object.entries(value as Record<string, unknown>)) {
      if (typeof Value !== 'string') throw new Error(`${where}: the value of tag ${Key} must be a string`);
      tags.push({ Key, Value });
    }
  } else {
    throw new Error(`${where}: tags must be an object or a list of {Key, Value}`);
  }
  for (const tag of tags) {
    if (tag.Key === '' || tag.Key.length > 128 || tag.Value.length > 256) {
      throw new Error(`${where}: tag keys are 1 to 128 characters and values at most 256`);
    }
  }
  return tags;
}

export function parseEntry(raw: unknown, where: string): FleetEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${where}: not an object`);
  const item = raw as Record<string, unknown>;
  const { name, id, image = 'linux', platform = 'Linux', hybrid, accountId, region, iamRole } = item;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 255) {
    throw new Error(`${where}: "name" must be a non-empty string of at most 255 characters`);
  }
  if (id !== undefined && (typeof id !== 'string' || !INSTANCE_ID_PATTERN.test(id))) {
    throw new Error(`${where}: "id" must be i- or mi- followed by 17 lower-case hex digits`);
  }
  if (typeof image !== 'string' || !isInstanceImage(image)) {
    throw new Error(
      `${where}: "image" must be "linux" (the image built from docker/linux) or the id of an image made from an instance (ami- and 17 hex digits)`,
    );
  }
  if (platform !== 'Linux') throw new Error(`${where}: "platform" must be "Linux" (the only instance image)`);
  if (hybrid !== undefined && typeof hybrid !== 'boolean')
    throw new Error(`${where}: "hybrid" must be a boolean`);
  for (const [key, value] of Object.entries({ accountId, region, iamRole })) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new Error(`${where}: "${key}" must be a non-empty string`);
    }
  }
  if (accountId !== undefined && !/^\d{12}$/.test(accountId as string)) {
    throw new Error(`${where}: "accountId" must be 12 digits`);
  }
  const isHybrid = typeof id === 'string' ? id.startsWith('mi-') : hybrid === true;
  if (iamRole !== undefined && !isHybrid)
    throw new Error(`${where}: "iamRole" applies to mi- instances only`);
  return {
    name,
    ...(typeof id === 'string' ? { id } : {}),
    hybrid: isHybrid,
    image,
    platform: 'Linux',
    tags: parseTags(item.tags, where),
    ...(typeof accountId === 'string' ? { accountId } : {}),
    ...(typeof region === 'string' ? { region } : {}),
    ...(typeof iamRole === 'string' ? { iamRole } : {}),
  };
}

export function readFleetFile(path: string): FleetFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`the fleet file ${path} cannot be read as JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const doc = (parsed ?? {}) as { fleet?: unknown; instances?: unknown };
  const fleet = doc.fleet ?? 'default';
  if (typeof fleet !== 'string' || !FLEET_NAME_PATTERN.test(fleet)) {
    throw new Error(`${path}: "fleet" must match ${String(FLEET_NAME_PATTERN)}`);
  }
  if (!Array.isArray(doc.instances)) throw new Error(`${path}: "instances" must be a list`);
  const instances = doc.instances.map((raw, i) => parseEntry(raw, `${path}: instances[${i}]`));
  const seen = new Set<string>();
  for (const entry of instances) {
    const key = entry.id ?? `name:${entry.name}`;
    if (seen.has(key)) throw new Error(`${path}: instance ${entry.id ?? entry.name} is declared twice`);
    seen.add(key);
  }
  return { fleet, instances };
}
