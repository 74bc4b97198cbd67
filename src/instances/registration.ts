// Registering an instance with a hybrid activation (the admin route POST
// /_ssm-local/instances/register and `ssm-local register`), as the SSM Agent does on an on-premises
// machine: the code must match, the activation must not have expired or reached its
// RegistrationLimit. The new mi- instance belongs to the activation's account and region.
import { isImageKind, type ImageKind } from '../docker/images.js';
import type { RegionScope } from '../store/store.js';
import type { RegisterRequest } from './api.js';
import type { Member } from './backend.js';
import { createInstance } from './creation.js';
import { instanceErrors } from './errors.js';
import type { FleetEntry } from './fleet-file.js';
import type { InstanceFleet } from './fleet.js';
import { hashActivationCode, instancesState, type ActivationRecord } from './state.js';

function checkRequest(request: RegisterRequest): void {
  const { activationId, activationCode, image, name } = request;
  if (typeof activationId !== 'string' || typeof activationCode !== 'string') {
    throw instanceErrors.badRequest('activationId and activationCode are required strings.');
  }
  if (image !== undefined && (typeof image !== 'string' || !isImageKind(image))) {
    throw instanceErrors.badRequest('"image" must be "linux" (the image built from docker/linux)');
  }
  if (name !== undefined && (typeof name !== 'string' || name.length > 255)) {
    throw instanceErrors.badRequest('"name" must be a string of at most 255 characters');
  }
}

/** The activation, in whichever account and region holds it. */
function findActivation(
  fleet: InstanceFleet,
  activationId: string,
): { scope: RegionScope; record: ActivationRecord } {
  let found: { scope: RegionScope; record: ActivationRecord } | undefined;
  let deleted = false;
  for (const scope of fleet.services.store.scopes()) {
    const state = instancesState(scope);
    const record = state.activations[activationId];
    if (record) found = { scope, record };
    if (state.deletedActivations[activationId] !== undefined) deleted = true;
  }
  if (found) return found;
  throw deleted
    ? instanceErrors.activationDeleted(activationId)
    : instanceErrors.invalidActivationId(activationId);
}

export async function registerWithActivation(
  fleet: InstanceFleet,
  request: RegisterRequest,
): Promise<Member> {
  checkRequest(request);
  const { activationId, activationCode } = request;
  await fleet.requireEngine();
  // Find and reserve a registration synchronously, so concurrent registrations cannot overrun the limit.
  const { scope, record } = findActivation(fleet, activationId);
  if (record.codeHash !== hashActivationCode(activationCode)) {
    throw instanceErrors.activationCodeMismatch();
  }
  if (fleet.services.clock.now().getTime() >= record.expiresAt) {
    throw instanceErrors.activationExpired(activationId, record.expiresAt);
  }
  if (record.registrationsCount >= record.registrationLimit) {
    throw instanceErrors.activationLimitExceeded(activationId, record.registrationLimit);
  }
  record.registrationsCount += 1;
  await fleet.services.store.persist();
  const entry: FleetEntry = {
    name: request.name ?? record.defaultInstanceName ?? '',
    hybrid: true,
    image: (request.image as ImageKind | undefined) ?? 'linux',
    platform: 'Linux',
    tags: [],
    accountId: scope.accountId,
    region: scope.region,
    iamRole: record.iamRole,
  };
  try {
    return await fleet.track(createInstance(fleet, entry, 'registration', { activationId }));
  } catch (error) {
    record.registrationsCount -= 1;
    await fleet.services.store.persist();
    throw instanceErrors.creationFailed((error as Error).message);
  }
}
