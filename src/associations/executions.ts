// StartAssociationsOnce, DescribeAssociationExecutions, DescribeAssociationExecutionTargets and
// DescribeInstanceAssociationsStatus: running associations on demand and reading what their runs did
// (the engine writes executions, targets and per-instance status; see runner.ts).
import type {
  AssociationExecution,
  AssociationExecutionFilter,
  AssociationExecutionTarget,
  AssociationExecutionTargetsFilter,
  InstanceAssociationStatusInfo,
} from '@aws-sdk/client-ssm';
import type { Handlers, RequestContext } from '../core/capability.js';
import { decodeNextToken, encodeNextToken, isIndex } from '../core/pagination.js';
import { FLEET } from '../instances/api.js';
import { errors, SsmError } from '../protocol/errors.js';
import type { AssociationsEngine } from './engine.js';
import { associationErrors } from './handlers/errors.js';
import { renderCounts } from './outcome.js';
import {
  associationsState,
  findAssociation,
  keys,
  type StoredExecution,
  type StoredExecutionTarget,
  type StoredInstanceStatus,
} from './state.js';

const DEFAULT_MAX_RESULTS = 50;

/** One page of an already ordered list, resuming at the index a NextToken carries. */
function page<T>(
  operation: string,
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
): { items: T[]; NextToken?: string } {
  const start = decodeNextToken(operation, nextToken, isIndex) ?? 0;
  const size = maxResults ?? DEFAULT_MAX_RESULTS;
  const slice = items.slice(start, start + size);
  return start + size < items.length
    ? { items: slice, NextToken: encodeNextToken(operation, start + size) }
    : { items: slice };
}

function requireAssociation(ctx: RequestContext, associationId: string): void {
  if (!findAssociation(ctx.scope, associationId)) throw associationErrors.doesNotExist(associationId);
}

// ---- DescribeAssociationExecutions ----

function parseTime(value: string): number {
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw associationErrors.invalidFilterValue('CreatedTime', value);
  return ms;
}

function executionTest(filter: AssociationExecutionFilter): (e: StoredExecution) => boolean {
  const { Key: key, Value: value = '', Type: type } = filter;
  if (key === 'CreatedTime') {
    const at = parseTime(value);
    if (type === 'LESS_THAN') return (e) => e.createdAt < at;
    if (type === 'GREATER_THAN') return (e) => e.createdAt > at;
    // EQUAL to the second the filter names (AWS shows and takes times in seconds).
    return (e) => Math.floor(e.createdAt / 1000) === Math.floor(at / 1000);
  }
  if (type !== 'EQUAL') {
    // Wording ours.
    throw errors.validation(`The filter ${key} supports only the EQUAL type.`);
  }
  if (key === 'ExecutionId') return (e) => e.executionId === value;
  return (e) => e.status === value;
}

function executionView(execution: StoredExecution): AssociationExecution {
  return {
    AssociationId: execution.associationId,
    AssociationVersion: String(execution.associationVersion),
    ExecutionId: execution.executionId,
    Status: execution.status,
    DetailedStatus: execution.detailedStatus,
    CreatedTime: new Date(execution.createdAt),
    ...(execution.lastExecutionAt !== undefined
      ? { LastExecutionDate: new Date(execution.lastExecutionAt) }
      : {}),
    ResourceCountByStatus: renderCounts(execution.resourceCountByStatus),
  };
}

// ---- DescribeAssociationExecutionTargets ----

function targetTest(filter: AssociationExecutionTargetsFilter): (t: StoredExecutionTarget) => boolean {
  const value = filter.Value ?? '';
  if (filter.Key === 'ResourceId') return (t) => t.resourceId === value;
  if (filter.Key === 'ResourceType') return (t) => t.resourceType === value;
  return (t) => t.status === value;
}

function targetView(target: StoredExecutionTarget): AssociationExecutionTarget {
  return {
    AssociationId: target.associationId,
    AssociationVersion: String(target.associationVersion),
    ExecutionId: target.executionId,
    ResourceId: target.resourceId,
    ResourceType: target.resourceType,
    Status: target.status,
    DetailedStatus: target.detailedStatus,
    LastExecutionDate: new Date(target.lastExecutionAt),
    ...(target.outputSourceId
      ? { OutputSource: { OutputSourceId: target.outputSourceId, OutputSourceType: 'RunCommand' } }
      : {}),
  };
}

// ---- DescribeInstanceAssociationsStatus ----

function statusView(status: StoredInstanceStatus): InstanceAssociationStatusInfo {
  return {
    AssociationId: status.associationId,
    Name: status.name,
    ...(status.documentVersion !== undefined ? { DocumentVersion: status.documentVersion } : {}),
    AssociationVersion: String(status.associationVersion),
    InstanceId: status.instanceId,
    ExecutionDate: new Date(status.executionDate),
    Status: status.status,
    DetailedStatus: status.detailedStatus,
    ExecutionSummary: status.executionSummary,
    ...(status.errorCode ? { ErrorCode: status.errorCode } : {}),
    ...(status.outputUrl ? { OutputUrl: { S3OutputUrl: { OutputUrl: status.outputUrl } } } : {}),
    ...(status.associationName ? { AssociationName: status.associationName } : {}),
  };
}

export function executionHandlers(engine: () => AssociationsEngine): Handlers {
  return {
    async StartAssociationsOnce(input, ctx) {
      const ids = input.AssociationIds ?? [];
      for (const id of ids) requireAssociation(ctx, id);
      await engine().runOnce(ctx, [...new Set(ids)]);
      return {};
    },

    DescribeAssociationExecutions(input, ctx) {
      const associationId = input.AssociationId!;
      requireAssociation(ctx, associationId);
      const tests = (input.Filters ?? []).map(executionTest);
      const prefix = `${associationId}/`;
      const executions = Object.entries(associationsState(ctx.scope).executions)
        .filter(([key, e]) => key.startsWith(prefix) && tests.every((test) => test(e)))
        .map(([, e]) => e)
        .sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
      const { items, NextToken } = page(
        'DescribeAssociationExecutions',
        executions,
        input.MaxResults,
        input.NextToken,
      );
      return { AssociationExecutions: items.map(executionView), ...(NextToken ? { NextToken } : {}) };
    },

    DescribeAssociationExecutionTargets(input, ctx) {
      const associationId = input.AssociationId!;
      const executionId = input.ExecutionId!;
      requireAssociation(ctx, associationId);
      const state = associationsState(ctx.scope);
      if (!Object.hasOwn(state.executions, keys.execution(associationId, executionId))) {
        // Wording ours.
        throw new SsmError('AssociationExecutionDoesNotExist', `Execution ${executionId} does not exist.`);
      }
      const tests = (input.Filters ?? []).map(targetTest);
      const prefix = `${associationId}/${executionId}/`;
      const targets = Object.entries(state.targets)
        .filter(([key, t]) => key.startsWith(prefix) && tests.every((test) => test(t)))
        .map(([, t]) => t)
        .sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
      const { items, NextToken } = page(
        'DescribeAssociationExecutionTargets',
        targets,
        input.MaxResults,
        input.NextToken,
      );
      return { AssociationExecutionTargets: items.map(targetView), ...(NextToken ? { NextToken } : {}) };
    },

    async DescribeInstanceAssociationsStatus(input, ctx) {
      const instanceId = input.InstanceId!;
      const statuses = Object.values(associationsState(ctx.scope).instanceStatus)
        .filter((s) => s.instanceId === instanceId && findAssociation(ctx.scope, s.associationId))
        .sort((a, b) => b.executionDate - a.executionDate || (a.associationId < b.associationId ? -1 : 1));
      if (statuses.length === 0) {
        const instance = await ctx.services.registry.get(FLEET).get(ctx.accountId, ctx.region, instanceId);
        if (!instance) throw associationErrors.invalidInstanceId(instanceId);
      }
      const { items, NextToken } = page(
        'DescribeInstanceAssociationsStatus',
        statuses,
        input.MaxResults,
        input.NextToken,
      );
      return { InstanceAssociationStatusInfos: items.map(statusView), ...(NextToken ? { NextToken } : {}) };
    },
  };
}
