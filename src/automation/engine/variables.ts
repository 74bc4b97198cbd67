// `{{ variables }}` in step inputs: runbook parameters (`{{ Name }}`), earlier steps' outputs
// (`{{ step.Output }}`), and the system and automation variables (automation-variables reference):
// global:ACCOUNT_ID, global:REGION, global:DATE (yyyy-MM-dd), global:DATE_TIME
// (yyyy-MM-dd_HH.mm.ss), global:AWS_PARTITION, automation:EXECUTION_ID; and global:AWS_URL_SUFFIX,
// which AWS's own runbooks use. A variable that is the whole value keeps its type (a StringList is a
// list, an Integer a number); inside a longer string it is written as text.
import type { Runbook } from '../state.js';

const REFERENCE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.:-]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.:-]*)\s*\}\}$/;
const GLOBALS = ['ACCOUNT_ID', 'REGION', 'DATE', 'DATE_TIME', 'AWS_PARTITION', 'AWS_URL_SUFFIX'];

export interface VariableScope {
  accountId: string;
  region: string;
  executionId: string;
  /** Epoch ms: the time DATE and DATE_TIME read. */
  now: number;
  parameters: Record<string, unknown>;
  /** The outputs of the steps that have succeeded, by step name (the latest run of each). */
  outputs(stepName: string): Record<string, unknown> | undefined;
}

/** Why a reference cannot be resolved now (a step that has not run, an output it did not produce). */
export class UnresolvedVariable extends Error {}

/** Every `{{ reference }}` in a value (strings inside lists and maps included). */
export function referencesIn(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    for (const match of value.matchAll(REFERENCE)) found.push(match[1]!);
  } else if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) referencesIn(item, found);
  }
  return found;
}

/**
 * Checks the runbook's variables when it is started: each must name a declared parameter, a step of
 * the runbook (`step.Output`), or a system or automation variable. Answers the first that does not.
 */
export function unknownReference(runbook: Runbook): string | undefined {
  const steps = new Set(runbook.mainSteps.map((s) => s.name));
  const known = (reference: string): boolean => {
    if (reference.startsWith('global:')) return GLOBALS.includes(reference.slice('global:'.length));
    if (reference.startsWith('automation:')) return reference === 'automation:EXECUTION_ID';
    if (reference.startsWith('ssm:')) return true;
    const dot = reference.indexOf('.');
    if (dot < 0) return reference in runbook.parameters;
    return steps.has(reference.slice(0, dot));
  };
  for (const step of runbook.mainSteps) {
    const unknown = referencesIn(step.inputs).find((r) => !known(r));
    if (unknown !== undefined) return unknown;
  }
  return runbook.assumeRole !== undefined
    ? referencesIn(runbook.assumeRole).find((r) => !known(r))
    : undefined;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function partition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function lookup(reference: string, scope: VariableScope): unknown {
  if (reference.startsWith('global:') || reference.startsWith('automation:')) {
    const d = new Date(scope.now);
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    switch (reference) {
      case 'global:ACCOUNT_ID':
        return scope.accountId;
      case 'global:REGION':
        return scope.region;
      case 'global:DATE':
        return date;
      case 'global:DATE_TIME':
        return `${date}_${pad(d.getUTCHours())}.${pad(d.getUTCMinutes())}.${pad(d.getUTCSeconds())}`;
      case 'global:AWS_PARTITION':
        return partition(scope.region);
      case 'global:AWS_URL_SUFFIX':
        return scope.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'automation:EXECUTION_ID':
        return scope.executionId;
    }
    throw new UnresolvedVariable(`Variable ${reference} is not supported.`);
  }
  const dot = reference.indexOf('.');
  if (dot < 0) {
    if (reference in scope.parameters) return scope.parameters[reference];
    throw new UnresolvedVariable(`Parameter ${reference} is not defined in the runbook.`);
  }
  const step = reference.slice(0, dot);
  const name = reference.slice(dot + 1);
  const outputs = scope.outputs(step);
  if (!outputs)
    throw new UnresolvedVariable(`Step ${step} has not run successfully, so ${reference} has no value.`);
  if (!(name in outputs)) throw new UnresolvedVariable(`Step ${step} has no output ${name}.`);
  return outputs[name];
}

/** A value as text inside a longer string: strings as they are, anything else as JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** A value with every variable resolved; throws UnresolvedVariable. `{{ssm:...}}` is left as it is. */
export function resolve(value: unknown, scope: VariableScope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole && !whole[1]!.startsWith('ssm:')) return structuredClone(lookup(whole[1]!, scope));
    return value.replace(REFERENCE, (match, reference: string) =>
      reference.startsWith('ssm:') ? match : asText(lookup(reference, scope)),
    );
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, scope));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, scope)]));
  }
  return value;
}

/** StepExecution.Inputs: each input as JSON text (AWS shows `"DesiredState": "\"stopped\""`). */
export function inputsView(inputs: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, JSON.stringify(v) ?? 'null']));
}

/** An output value as Outputs shows it: a list of strings (maps and other values as JSON). */
export function outputStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(asText);
  if (value === undefined || value === null) return [];
  return [asText(value)];
}
