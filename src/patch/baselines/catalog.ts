// What AWS knows of patches rather than of baselines: DescribePatchProperties (the property values
// AWS lists per operating system, from the fixture), DescribeAvailablePatches and
// DescribeEffectivePatchesForPatchBaseline. ssm-local holds no catalog of published patches: the
// latter two answer empty lists, and DescribeEffectivePatchesForPatchBaseline answers
// UnsupportedOperatingSystem for anything but Windows baselines, as AWS documents ("Applies to patch
// baselines for Windows only").
import type {
  DescribeAvailablePatchesRequest,
  DescribeAvailablePatchesResult,
  DescribeEffectivePatchesForPatchBaselineRequest,
  DescribeEffectivePatchesForPatchBaselineResult,
  DescribePatchPropertiesRequest,
  DescribePatchPropertiesResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { decodeNextToken, encodeNextToken, isIndex } from '../../core/pagination.js';
import { baselineErrors } from './errors.js';
import { patchProperties } from './predefined.js';
import { resolveBaseline, settingsOf } from './resolve.js';

const PROPERTIES_MAX_RESULTS = 50;

export function describePatchProperties(
  input: DescribePatchPropertiesRequest,
  _ctx: RequestContext,
): DescribePatchPropertiesResult {
  const os = input.OperatingSystem!;
  const property = input.Property!;
  if (input.PatchSet !== undefined && os !== 'WINDOWS') {
    throw baselineErrors.validation(`PatchSet is supported for operating system WINDOWS only, not ${os}.`);
  }
  const all = input.PatchSet === 'APPLICATION' ? [] : patchProperties(os, property);
  if (all === undefined) {
    throw baselineErrors.validation(`The property ${property} is not valid for operating system ${os}.`);
  }
  const start = decodeNextToken('DescribePatchProperties', input.NextToken, isIndex) ?? 0;
  const max = input.MaxResults ?? PROPERTIES_MAX_RESULTS;
  const items = all.slice(start, start + max);
  const next = start + max < all.length ? encodeNextToken('DescribePatchProperties', start + max) : undefined;
  return { Properties: items.map((entry) => ({ ...entry })), ...(next ? { NextToken: next } : {}) };
}

export function describeAvailablePatches(
  input: DescribeAvailablePatchesRequest,
  _ctx: RequestContext,
): DescribeAvailablePatchesResult {
  decodeNextToken('DescribeAvailablePatches', input.NextToken, isIndex);
  return { Patches: [] };
}

export function describeEffectivePatchesForPatchBaseline(
  input: DescribeEffectivePatchesForPatchBaselineRequest,
  ctx: RequestContext,
): DescribeEffectivePatchesForPatchBaselineResult {
  const resolved = resolveBaseline(ctx, input.BaselineId!);
  const os = settingsOf(resolved).OperatingSystem;
  if (os !== 'WINDOWS') {
    // Wording ours (the shape's own description).
    throw baselineErrors.unsupportedOs(
      `The operating system ${os} is not supported by DescribeEffectivePatchesForPatchBaseline, which applies to Windows patch baselines only.`,
    );
  }
  decodeNextToken('DescribeEffectivePatchesForPatchBaseline', input.NextToken, isIndex);
  return { EffectivePatches: [] };
}
