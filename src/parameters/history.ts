// GetParameterHistory: every kept version, oldest first, with its labels and policies, 50 a page by
// default. SecureString values are the ciphertext unless WithDecryption. Asked by ARN, Name is the
// parameter's name, as GetParameter answers it.
import type { GetParameterHistoryRequest, GetParameterHistoryResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { decodeNextToken, encodeNextToken, isIndex } from '../core/pagination.js';
import { parameterErrors } from './errors.js';
import { parseReference, responseName } from './names.js';
import { parametersState } from './state.js';
import { historyView } from './view.js';

const OPERATION = 'GetParameterHistory';
const DEFAULT_MAX_RESULTS = 50;

export function getParameterHistory(
  input: GetParameterHistoryRequest,
  ctx: RequestContext,
): GetParameterHistoryResult {
  const ref = parseReference(ctx, input.Name!);
  const parameter = ref.foreign ? undefined : parametersState(ctx).parameters[ref.key];
  if (!parameter) throw parameterErrors.notFound();
  // The token carries the next version number, so a page stays right when versions are added or the
  // oldest dropped between two calls.
  const from = decodeNextToken(OPERATION, input.NextToken, isIndex) ?? 0;
  const rest = parameter.versions.filter((v) => v.version >= from);
  const page = rest.slice(0, input.MaxResults ?? DEFAULT_MAX_RESULTS);
  const next = rest[page.length];
  const name = responseName(ref, parameter.name);
  return {
    Parameters: page.map((v) => historyView(ctx, ref.key, v, name, input.WithDecryption)),
    ...(next ? { NextToken: encodeNextToken(OPERATION, next.version) } : {}),
  };
}
