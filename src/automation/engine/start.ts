// StartAutomationExecution's checks, in AWS's order of concern: the ClientToken (the same token and
// request answer the same execution), the runbook (AutomationDefinitionNotFoundException,
// AutomationDefinitionVersionNotFoundException), its steps and variables, the parameters
// (InvalidAutomationExecutionParametersException), the targets of rate control (InvalidTarget);
// then the execution's record, Pending, with every step listed.
import type { StartAutomationExecutionRequest } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { DOCUMENTS, type ExecutableDocument } from '../../documents/api.js';
import { SsmError } from '../../protocol/errors.js';
import type { ActionDefinition } from '../model.js';
import { automationState, type ExecutionRecord, type Runbook } from '../state.js';
import { automationErrors } from './errors.js';
import { bindParameters } from './params.js';
import { targetSteps } from './rate-control.js';
import { executionOutputs } from './runner.js';
import { runbookOf } from './runbook.js';
import { resolveTargets } from './targets.js';
import { unknownReference } from './variables.js';

const invalid = automationErrors.invalidParameters;
/** ResolvedTargets lists at most this many values (Truncated beyond). */
const RESOLVED_TARGETS_SHOWN = 100;

export interface StartDeps {
  actions: Map<string, ActionDefinition>;
  uuid(): string;
  now(): number;
  nextSeq(ctx: RequestContext): number;
}

export const callerArn = (accountId: string): string => `arn:aws:iam::${accountId}:user/ssm-local`;

function resolveDocument(ctx: RequestContext, name: string, version: string | undefined): ExecutableDocument {
  try {
    const doc = ctx.services.registry.get(DOCUMENTS).resolveForExecution(ctx, name, version);
    if (doc.documentType !== 'Automation') throw automationErrors.definitionNotFound(name);
    return doc;
  } catch (error) {
    if (error instanceof SsmError && error.code === 'InvalidDocument')
      throw automationErrors.definitionNotFound(name);
    if (error instanceof SsmError && error.code === 'InvalidDocumentVersion') {
      throw automationErrors.versionNotFound(name, version ?? '$DEFAULT');
    }
    throw error;
  }
}

function checkSteps(runbook: Runbook, actions: Map<string, ActionDefinition>): void {
  if (runbook.mainSteps.length === 0) throw invalid(`Runbook ${runbook.name} has no steps to run.`);
  const unknown = unknownReference(runbook);
  if (unknown !== undefined) {
    throw invalid(
      `The runbook refers to {{ ${unknown} }}, which is neither a parameter, a step output nor a system variable.`,
    );
  }
  for (const step of runbook.mainSteps) {
    try {
      actions.get(step.action)?.validate?.(step.inputs);
    } catch (error) {
      throw invalid(`Step ${step.name} (${step.action}): ${(error as Error).message}`);
    }
  }
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  ) ?? '';

/** Whether a retried request (same ClientToken) asks for what the stored execution is. */
function sameRequest(record: ExecutionRecord, request: StartAutomationExecutionRequest): boolean {
  const name = request.DocumentName ?? '';
  const version = request.DocumentVersion;
  return (
    (name === record.documentName || name.endsWith(`/${record.documentName}`)) &&
    (version === undefined || version.startsWith('$') || version === record.documentVersion) &&
    canonical(request.Parameters ?? {}) === canonical(record.parameters) &&
    (request.Mode ?? 'Auto') === record.mode &&
    request.TargetParameterName === record.targetParameterName &&
    canonical(request.Targets ?? null) === canonical(record.targets ?? null) &&
    canonical(request.TargetMaps ?? null) === canonical(record.targetMaps ?? null) &&
    canonical(request.Tags ?? []) === canonical(record.tags)
  );
}

function checkRateControl(request: StartAutomationExecutionRequest, runbook: Runbook): string | undefined {
  const hasTargets = (request.Targets ?? []).length > 0;
  const hasMaps = (request.TargetMaps ?? []).length > 0;
  const name = request.TargetParameterName;
  if (hasTargets && hasMaps) throw invalid('Targets and TargetMaps cannot be specified together.');
  if (hasTargets && name === undefined)
    throw invalid('TargetParameterName is required when Targets are specified.');
  if (name !== undefined && !hasTargets && !hasMaps) {
    throw invalid('Targets or TargetMaps are required when TargetParameterName is specified.');
  }
  if (name !== undefined && !(name in runbook.parameters)) {
    throw invalid(`TargetParameterName ${name} is not a parameter of runbook ${runbook.name}.`);
  }
  if (name !== undefined && hasTargets && request.Parameters && name in request.Parameters) {
    throw invalid(`Parameter "${name}" takes its values from the targets: don't give it in Parameters.`);
  }
  return hasTargets || hasMaps ? (name ?? '') : undefined;
}

/** The stored execution a retried ClientToken names, or undefined for a new token. */
export function idempotentExecution(
  ctx: RequestContext,
  request: StartAutomationExecutionRequest,
): string | undefined {
  const token = request.ClientToken?.toLowerCase();
  if (!token) return undefined;
  for (const record of Object.values(automationState(ctx.scope).executions)) {
    if (record.clientToken?.toLowerCase() !== token) continue;
    if (!sameRequest(record, request)) throw automationErrors.idempotentMismatch();
    return record.automationExecutionId;
  }
  return undefined;
}

/** The new execution's record (not stored yet), or throws StartAutomationExecution's errors. */
export async function newExecution(
  ctx: RequestContext,
  request: StartAutomationExecutionRequest,
  parentId: string | undefined,
  deps: StartDeps,
): Promise<ExecutionRecord> {
  if ((request.TargetLocations ?? []).length > 0 || request.TargetLocationsURL) {
    throw invalid(
      'ssm-local runs automations in the calling account and Region only: TargetLocations is not supported.',
    );
  }
  const doc = resolveDocument(ctx, request.DocumentName ?? '', request.DocumentVersion);
  const runbook = runbookOf(doc);
  checkSteps(runbook, deps.actions);
  const targetParameter = checkRateControl(request, runbook);
  const supplied = request.Parameters ?? {};
  const id = deps.uuid();
  const record: ExecutionRecord = {
    automationExecutionId: id,
    seq: deps.nextSeq(ctx),
    documentName: doc.name,
    documentVersion: doc.documentVersion,
    runbook,
    status: 'Pending',
    mode: request.Mode === 'Interactive' && targetParameter === undefined ? 'Interactive' : 'Auto',
    executedBy: callerArn(ctx.accountId),
    startTime: deps.now(),
    parameters: structuredClone(supplied),
    parameterValues: {},
    steps: [],
    automationType: 'Local',
    tags: (request.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
    ...(parentId ? { parentAutomationExecutionId: parentId } : {}),
    ...(request.ClientToken ? { clientToken: request.ClientToken } : {}),
    ...(request.AlarmConfiguration ? { alarmConfiguration: request.AlarmConfiguration } : {}),
  };
  if (targetParameter !== undefined) {
    const targets = await resolveTargets(ctx, request, targetParameter);
    const first = targets[0];
    // The parameters are checked as the first child will get them.
    if (first) bindParameters(ctx, runbook.parameters, { ...supplied, ...first.parameters });
    for (const name of Object.keys(supplied)) {
      if (!(name in runbook.parameters)) throw invalid(`Parameter "${name}" is not defined in the runbook.`);
    }
    const values = targets.map((t) => t.value);
    Object.assign(record, {
      ...(request.TargetParameterName ? { targetParameterName: request.TargetParameterName } : {}),
      ...(request.Targets ? { targets: request.Targets } : {}),
      ...(request.TargetMaps ? { targetMaps: request.TargetMaps } : {}),
      resolvedTargets: {
        ParameterValues: values.slice(0, RESOLVED_TARGETS_SHOWN),
        Truncated: values.length > RESOLVED_TARGETS_SHOWN,
      },
      maxConcurrency: request.MaxConcurrency ?? '10',
      maxErrors: request.MaxErrors ?? '0',
      steps: targetSteps(deps.uuid, targets),
    });
    return record;
  }
  record.parameterValues = bindParameters(ctx, runbook.parameters, supplied).values;
  record.steps = runbook.mainSteps.map((step) => ({
    stepExecutionId: deps.uuid(),
    stepName: step.name,
    action: step.action,
    status: 'Pending',
    attempt: 0,
  }));
  record.outputs = executionOutputs(record);
  if (parentId) {
    const parent = automationState(ctx.scope).executions[parentId];
    const name = parent?.targetParameterName;
    const value = name !== undefined ? supplied[name] : undefined;
    if (value?.length === 1) record.target = value[0]!;
  }
  return record;
}
