// SecureString values are encrypted at rest through the injected Secrets service (AES-256-GCM under
// the local master key). Each version is bound to its own key id and to the parameter's key (the name
// without its leading slash), which never changes over the parameter's life, so every version stays
// decryptable after overwrites, and a blob copied onto another parameter or key id does not decrypt.
import type { RequestContext } from '../core/capability.js';
import { errors } from '../protocol/errors.js';
import type { ParameterVersion } from './state.js';

function context(keyId: string, key: string): string {
  return `ssm-parameter\u0000${keyId}\u0000${key}`;
}

export function encryptValue(ctx: RequestContext, plaintext: string, keyId: string, key: string): string {
  return ctx.services.secrets.encrypt(plaintext, context(keyId, key));
}

/** The value a client sees: SecureString ciphertext unless it asked for decryption. */
export function visibleValue(
  ctx: RequestContext,
  version: ParameterVersion,
  key: string,
  withDecryption: boolean | undefined,
): string {
  if (version.type !== 'SecureString' || !withDecryption) return version.value;
  try {
    return ctx.services.secrets.decrypt(version.value, context(version.keyId ?? '', key));
  } catch {
    throw errors.internal(
      'ssm-local could not decrypt this SecureString value: the master key beside the data file is not the one it was encrypted with.',
    );
  }
}
