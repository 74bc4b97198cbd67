// A member written as its container's labels, and read back from them: the labels are all the
// Docker backend keeps of an instance, so a restarted emulator adopts its containers with their ids,
// names, accounts, regions and tags.
import type { Tag } from '../core/capability.js';
import { LABEL } from '../docker/containers.js';
import type { MemberSpec } from './backend.js';
import { INSTANCE_ID_PATTERN } from './fleet-file.js';
import { isInstanceImage } from './images.js';

export function labelsFor(fleet: string, spec: MemberSpec): Record<string, string> {
  return {
    [LABEL.fleet]: fleet,
    [LABEL.instanceId]: spec.instanceId,
    [LABEL.name]: spec.name,
    [LABEL.account]: spec.accountId,
    [LABEL.region]: spec.region,
    [LABEL.image]: spec.image,
    [LABEL.platform]: spec.platformType,
    [LABEL.source]: spec.source,
    [LABEL.tags]: JSON.stringify(spec.labelTags),
    [LABEL.registeredAt]: String(spec.registeredAt),
    ...(spec.iamRole ? { [LABEL.iamRole]: spec.iamRole } : {}),
    ...(spec.activationId ? { [LABEL.activationId]: spec.activationId } : {}),
  };
}

/** The member the labels describe, or undefined when they do not describe one. */
export function specFromLabels(
  labels: Record<string, string>,
  defaults: { accountId: string; region: string },
): MemberSpec | undefined {
  const instanceId = labels[LABEL.instanceId] ?? '';
  const image = labels[LABEL.image] ?? 'linux';
  if (!INSTANCE_ID_PATTERN.test(instanceId) || !isInstanceImage(image)) return undefined;
  let labelTags: Tag[];
  try {
    const parsed = JSON.parse(labels[LABEL.tags] ?? '[]') as unknown;
    labelTags = Array.isArray(parsed) ? (parsed as Tag[]) : [];
  } catch {
    labelTags = [];
  }
  const source = labels[LABEL.source];
  return {
    instanceId,
    name: labels[LABEL.name] ?? '',
    accountId: labels[LABEL.account] ?? defaults.accountId,
    region: labels[LABEL.region] ?? defaults.region,
    image,
    platformType: 'Linux',
    source: source === 'admin' || source === 'registration' ? source : 'fleet-file',
    labelTags,
    ...(labels[LABEL.activationId] ? { activationId: labels[LABEL.activationId] } : {}),
    ...(labels[LABEL.iamRole] ? { iamRole: labels[LABEL.iamRole] } : {}),
    registeredAt: Number(labels[LABEL.registeredAt]) || 0,
  };
}
