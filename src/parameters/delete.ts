// DeleteParameter and DeleteParameters. Public parameters under /aws/ cannot be deleted.
import type {
  DeleteParameterRequest,
  DeleteParameterResult,
  DeleteParametersRequest,
  DeleteParametersResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { SsmError } from '../protocol/errors.js';
import { parameterErrors } from './errors.js';
import { isPublicKey, parseReference } from './names.js';
import { parameterRecords, parametersState, removeParameter, type ParametersState } from './state.js';

/** Deletes one parameter; returns its key. */
function deleteOne(ctx: RequestContext, state: ParametersState, name: string): string {
  const ref = parseReference(ctx, name);
  if (!ref.foreign && isPublicKey(ref.key)) throw parameterErrors.reservedPath(name);
  if (ref.foreign || !removeParameter(state, ref.key)) throw parameterErrors.notFound();
  return ref.key;
}

export async function deleteParameter(
  input: DeleteParameterRequest,
  ctx: RequestContext,
): Promise<DeleteParameterResult> {
  const key = deleteOne(ctx, parametersState(ctx), input.Name!);
  await ctx.persist(parameterRecords(key));
  return {};
}

/** Names that are missing, malformed or reserved are listed in InvalidParameters. */
export async function deleteParameters(
  input: DeleteParametersRequest,
  ctx: RequestContext,
): Promise<DeleteParametersResult> {
  const state = parametersState(ctx);
  const deleted: string[] = [];
  const keys: string[] = [];
  const invalid: string[] = [];
  for (const name of new Set(input.Names ?? [])) {
    try {
      keys.push(deleteOne(ctx, state, name));
      deleted.push(name);
    } catch (error) {
      if (!(error instanceof SsmError)) throw error;
      invalid.push(name);
    }
  }
  if (deleted.length > 0) await ctx.persist(keys.flatMap(parameterRecords));
  return { DeletedParameters: deleted, InvalidParameters: invalid };
}
