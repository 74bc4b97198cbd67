// A runbook as the engine reads it: the document's content turned into a Runbook (state.ts), with the
// checks AWS makes on the step properties shared by all actions (automation-actions reference).
import type { ExecutableDocument } from '../../documents/api.js';
import type { Runbook, StepDefinition, StepOutputDeclaration } from '../state.js';
import { automationErrors } from './errors.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function integer(step: string, property: string, value: unknown, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min) {
    throw automationErrors.invalidParameters(
      `Step ${step} has an invalid ${property}: ${JSON.stringify(value)}. It must be an integer of at least ${min}.`,
    );
  }
  return number;
}

function boolean(step: string, property: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw automationErrors.invalidParameters(
    `Step ${step} has an invalid ${property}: it must be true or false.`,
  );
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function outputsOf(step: string, value: unknown): StepOutputDeclaration[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isObject)) {
    throw automationErrors.invalidParameters(
      `Step ${step} has invalid outputs: a list of Name, Selector, Type.`,
    );
  }
  return value.map((o) => {
    if (typeof o['Name'] !== 'string' || typeof o['Selector'] !== 'string') {
      throw automationErrors.invalidParameters(`Step ${step} has an output without Name or Selector.`);
    }
    return {
      Name: o['Name'],
      Selector: o['Selector'],
      ...(typeof o['Type'] === 'string' ? { Type: o['Type'] } : {}),
    };
  });
}

function stepOf(raw: Record<string, unknown>): StepDefinition {
  const name = String(raw['name']);
  const step: StepDefinition = {
    name,
    action: String(raw['action']),
    inputs: isObject(raw['inputs']) ? raw['inputs'] : {},
  };
  const description = text(raw['description']);
  if (description !== undefined) step.description = description;
  const onFailure = text(raw['onFailure']);
  if (onFailure !== undefined) step.onFailure = onFailure;
  const onCancel = text(raw['onCancel']);
  if (onCancel !== undefined) step.onCancel = onCancel;
  const nextStep = text(raw['nextStep']);
  if (nextStep !== undefined) step.nextStep = nextStep;
  const isEnd = boolean(name, 'isEnd', raw['isEnd']);
  if (isEnd !== undefined) step.isEnd = isEnd;
  const isCritical = boolean(name, 'isCritical', raw['isCritical']);
  if (isCritical !== undefined) step.isCritical = isCritical;
  const maxAttempts = integer(name, 'maxAttempts', raw['maxAttempts'], 1);
  if (maxAttempts !== undefined) step.maxAttempts = maxAttempts;
  const timeoutSeconds = integer(name, 'timeoutSeconds', raw['timeoutSeconds'], 1);
  if (timeoutSeconds !== undefined) step.timeoutSeconds = timeoutSeconds;
  const outputs = outputsOf(name, raw['outputs']);
  if (outputs !== undefined) step.outputs = outputs;
  return step;
}

/** Checks a `step:<name>` (or plain name) reference against the runbook's steps. */
function checkTarget(names: Set<string>, step: string, property: string, value: string | undefined): void {
  if (value === undefined) return;
  if (property !== 'nextStep') {
    if (value === 'Abort' || (property === 'onFailure' && value === 'Continue')) return;
    if (!value.startsWith('step:')) {
      const allowed = property === 'onFailure' ? 'Abort, Continue or step:<name>' : 'Abort or step:<name>';
      throw automationErrors.invalidParameters(
        `Step ${step} has an invalid ${property} ${value}: use ${allowed}.`,
      );
    }
    value = value.slice('step:'.length);
  }
  if (!names.has(value)) {
    throw automationErrors.invalidParameters(
      `Step ${step} refers in ${property} to step ${value}, which does not exist.`,
    );
  }
}

export function runbookOf(doc: ExecutableDocument): Runbook {
  const content = doc.content;
  const rawSteps = Array.isArray(content['mainSteps']) ? content['mainSteps'].filter(isObject) : [];
  const mainSteps = rawSteps.map(stepOf);
  const names = new Set(mainSteps.map((s) => s.name));
  for (const step of mainSteps) {
    checkTarget(names, step.name, 'nextStep', step.nextStep);
    checkTarget(names, step.name, 'onFailure', step.onFailure);
    checkTarget(names, step.name, 'onCancel', step.onCancel);
  }
  const parameters: Runbook['parameters'] = {};
  if (isObject(content['parameters'])) {
    for (const [name, declaration] of Object.entries(content['parameters'])) {
      if (isObject(declaration)) parameters[name] = declaration;
    }
  }
  const outputs = Array.isArray(content['outputs'])
    ? content['outputs'].filter((o): o is string => typeof o === 'string')
    : [];
  const assumeRole = text(content['assumeRole']);
  return {
    name: doc.name,
    documentVersion: doc.documentVersion,
    schemaVersion: doc.schemaVersion,
    parameters,
    mainSteps,
    outputs,
    ...(assumeRole !== undefined ? { assumeRole } : {}),
  };
}

/** A runbook's steps by name, and the step that follows each in document order. */
export class StepIndex {
  private readonly byName = new Map<string, StepDefinition>();
  private readonly following = new Map<string, string>();

  constructor(readonly runbook: Runbook) {
    const steps = runbook.mainSteps;
    steps.forEach((step, i) => {
      this.byName.set(step.name, step);
      const next = steps[i + 1];
      if (next) this.following.set(step.name, next.name);
    });
  }

  get(name: string): StepDefinition | undefined {
    return this.byName.get(name);
  }

  first(): StepDefinition | undefined {
    return this.runbook.mainSteps[0];
  }

  /** Where the runbook goes after `step` succeeded: nextStep, or the next one in order; none after isEnd. */
  after(step: StepDefinition): string | undefined {
    if (step.isEnd) return undefined;
    return step.nextStep ?? this.following.get(step.name);
  }
}

/** onFailure, Abort by default. */
export function onFailureOf(step: StepDefinition): string {
  return step.onFailure ?? 'Abort';
}

/** isCritical: as written; otherwise false when onFailure is Continue, true else (AWS's rule). */
export function isCritical(step: StepDefinition): boolean {
  return step.isCritical ?? onFailureOf(step) !== 'Continue';
}
