// Creating an instance: the fleet decides its id, account, region, tags and registration time;
// the backend makes its machine; then it is a member, and its facts are read at once so the first
// DescribeInstanceInformation is as quick as the rest.
import type { Services, Tag } from '../core/capability.js';
import type { Member, MemberSpec, Source } from './backend.js';
import type { FleetEntry } from './fleet-file.js';
import { instanceErrors } from './errors.js';
import type { InstanceFleet } from './fleet.js';
import { isImageId } from './images.js';
import { instancesState } from './state.js';

/** A new id: i- and 17 hex digits, or mi- for a hybrid (on-premises) instance. */
export function newInstanceId(services: Services, hybrid: boolean): string {
  return `${hybrid ? 'mi' : 'i'}-${services.ids.hex(17)}`;
}

/** An EC2 instance's name is its Name tag: added to an i- instance's tags unless they give one. */
export function withNameTag(instanceId: string, name: string, tags: Tag[]): Tag[] {
  return instanceId.startsWith('i-') && !tags.some((t) => t.Key === 'Name')
    ? [{ Key: 'Name', Value: name }, ...tags]
    : tags;
}

export async function createInstance(
  fleet: InstanceFleet,
  entry: FleetEntry,
  source: Source,
  extra: { activationId?: string } = {},
): Promise<Member> {
  const instanceId = entry.id ?? newInstanceId(fleet.services, entry.hybrid);
  const accountId = fleet.accountOf(entry);
  const region = fleet.regionOf(entry);
  if (isImageId(entry.image)) {
    // An image of this account and region that is still there (as EC2 launches only its own AMIs).
    const record = instancesState(fleet.services.store.scope(accountId, region)).images[entry.image];
    const there = record?.state === 'available' && (await fleet.backend.hasImage?.(entry.image)) !== false;
    if (!there) throw instanceErrors.unknownImage(entry.image);
  }
  const spec: MemberSpec = {
    instanceId,
    name: entry.name,
    accountId,
    region,
    image: entry.image,
    platformType: entry.platform,
    source,
    labelTags: withNameTag(instanceId, entry.name, entry.tags),
    ...(extra.activationId ? { activationId: extra.activationId } : {}),
    ...(entry.iamRole ? { iamRole: entry.iamRole } : {}),
    registeredAt: fleet.services.clock.now().getTime(),
  };
  const containerId = await fleet.backend.create(spec);
  const member: Member = { ...spec, containerId };
  fleet.members.set(instanceId, member);
  void fleet.track(fleet.backend.facts(member, { state: 'online' }));
  fleet.arrived(member);
  return member;
}
