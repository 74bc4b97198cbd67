// Images of instances: an image kind of docker/ ("linux", built from its Dockerfile), or an image
// Machines.createImage made from an instance (`ami-` and 17 hex digits; on Docker, the instance's
// container committed as ssm-local/image:<imageId>). Their records are kept in the instances
// capability's store state (state.ts), per account and region, as EC2 keeps AMIs.
import type { Services } from '../core/capability.js';
import { isImageKind, type ImageKind } from '../docker/images.js';

/** An image id, as EC2 writes them. */
export type ImageId = `ami-${string}`;
/** What an instance is created from. */
export type InstanceImage = ImageKind | ImageId;

export const IMAGE_ID_PATTERN = /^ami-[0-9a-f]{17}$/;

export function isImageId(value: string): value is ImageId {
  return IMAGE_ID_PATTERN.test(value);
}

export function isInstanceImage(value: string): value is InstanceImage {
  return isImageKind(value) || isImageId(value);
}

/** A new image id: ami- and 17 hex digits. */
export function newImageId(services: Services): ImageId {
  return `ami-${services.ids.hex(17)}`;
}

/** The Docker repository images made from instances are committed to (tagged with the image id). */
export const IMAGE_REPOSITORY = 'ssm-local/image';

export function dockerImageFor(imageId: ImageId): string {
  return `${IMAGE_REPOSITORY}:${imageId}`;
}
