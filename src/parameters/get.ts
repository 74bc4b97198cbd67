// GetParameter and GetParameters: by name, name:version, name:label or ARN (with or without a
// selector); public parameters under /aws/service/ too. A name is given back in the form asked; asked
// by ARN, Name is the parameter's name and ARN its ARN (without the selector). Selector is there when
// one was used.
import type {
  GetParameterRequest,
  GetParameterResult,
  GetParametersRequest,
  GetParametersResult,
  Parameter,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { SsmError } from '../protocol/errors.js';
import type { ParameterReader } from './api.js';
import { parameterErrors } from './errors.js';
import { isPublicKey, parseReference, responseName, type NameReference } from './names.js';
import { publicParameter } from './public.js';
import { parametersState, type ParametersState } from './state.js';
import { parameterView, publicView, selectVersion } from './view.js';

function readOne(
  ctx: RequestContext,
  state: ParametersState,
  ref: NameReference,
  withDecryption: boolean | undefined,
): Parameter {
  if (ref.foreign) throw parameterErrors.notFound();
  if (isPublicKey(ref.key)) {
    const found = publicParameter(ref.key, ctx.region);
    if (!found) throw parameterErrors.notFound();
    const { selector } = ref;
    if (selector?.label !== undefined) throw parameterErrors.notFound();
    if (selector?.version !== undefined && selector.version !== found.version) {
      throw parameterErrors.versionNotFound(selector.version, ref.shown);
    }
    return publicView(ctx, found, responseName(ref, found.name), selector?.text);
  }
  const parameter = state.parameters[ref.key];
  if (!parameter) throw parameterErrors.notFound();
  const version = selectVersion(parameter, ref);
  const name = responseName(ref, parameter.name);
  return parameterView(ctx, ref.key, version, name, withDecryption, ref.selector?.text);
}

/** One parameter as GetParameter answers it (throws its errors). */
export function readParameter(ctx: RequestContext, name: string, withDecryption?: boolean): Parameter {
  const ref = parseReference(ctx, name, { selector: true });
  return readOne(ctx, parametersState(ctx), ref, withDecryption);
}

export function getParameter(input: GetParameterRequest, ctx: RequestContext): GetParameterResult {
  return { Parameter: readParameter(ctx, input.Name!, input.WithDecryption) };
}

/**
 * Names that are missing, malformed or whose version or label does not exist are listed in
 * InvalidParameters (always present), as the caller wrote them (an ARN as the ARN). Found parameters come back sorted by name, as AWS returns them,
 * not in the order asked.
 */
export function getParameters(input: GetParametersRequest, ctx: RequestContext): GetParametersResult {
  const state = parametersState(ctx);
  const found: Parameter[] = [];
  const invalid: string[] = [];
  for (const name of new Set(input.Names ?? [])) {
    try {
      found.push(readOne(ctx, state, parseReference(ctx, name, { selector: true }), input.WithDecryption));
    } catch (error) {
      if (!(error instanceof SsmError) || error.status >= 500) throw error;
      invalid.push(name);
    }
  }
  found.sort((a, b) => (a.Name! < b.Name! ? -1 : a.Name! > b.Name! ? 1 : 0));
  return { Parameters: found, InvalidParameters: invalid };
}

/** Parameter Store's side of the ParameterReader contract (api.ts). */
export const parameterReader: ParameterReader = {
  read(ctx, name) {
    try {
      const found = readParameter(ctx, name);
      return { type: found.Type!, value: found.Value! };
    } catch (error) {
      if (error instanceof SsmError && error.status < 500) return undefined;
      throw error;
    }
  },
};
