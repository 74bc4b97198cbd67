// aws:branch: Choices (Variable with an operator, And, Or, Not; NextStep) and Default.
//
// As AWS documents it (aws:branch reference, "Using conditional statements in runbooks", and the
// JSON schema of AWS's SSM document language service):
// - Choices are evaluated in order; the first true one names the next step. None true: Default;
//   no Default either: the runbook goes on with its next step (the step does not fail).
// - A choice is a Variable with one operation, or And / Or (lists of conditions) or Not (one
//   condition), with NextStep beside it. Operations: StringEquals, EqualsIgnoreCase, StartsWith,
//   EndsWith, Contains; NumericEquals, NumericGreater, NumericLesser, NumericGreaterOrEquals,
//   NumericLesserOrEquals; BooleanEquals. An unsupported operation is refused up front.
// - The action has no outputs.
//
// What differs from AWS (its behaviour is not documented for these):
// - A Numeric or Boolean operation whose Variable is not a number / boolean is simply false (as an
//   unresolved output, left as its `{{ }}` text, is false for StringEquals), not a failure.
// - Contains on a list Variable (a StringList) is true when an element equals the operand.
// - Nested And / Or / Not inside And / Or / Not are accepted.
import { StepFailure, type ActionDefinition } from '../model.js';

const STRING_OPERATIONS = ['StringEquals', 'EqualsIgnoreCase', 'StartsWith', 'EndsWith', 'Contains'] as const;
const NUMERIC_OPERATIONS = [
  'NumericEquals',
  'NumericGreater',
  'NumericLesser',
  'NumericGreaterOrEquals',
  'NumericLesserOrEquals',
] as const;
const BOOLEAN_OPERATIONS = ['BooleanEquals'] as const;
export const BRANCH_OPERATIONS: readonly string[] = [
  ...STRING_OPERATIONS,
  ...NUMERIC_OPERATIONS,
  ...BOOLEAN_OPERATIONS,
];
const COMBINATORS = ['And', 'Or', 'Not'] as const;

type Condition = Record<string, unknown>;

export const branchAction: ActionDefinition = {
  restart: 'resume',
  validate(inputs) {
    const problem = branchProblem(inputs, false);
    if (problem) throw new Error(problem);
  },
  run(run) {
    const problem = branchProblem(run.inputs, true);
    if (problem) return Promise.reject(new StepFailure(problem, 'Verification'));
    return Promise.resolve({ outputs: {}, nextStep: chooseNextStep(run.inputs) });
  },
};

/**
 * The step a branch goes to: the first true choice's NextStep, else Default, else undefined (the
 * runbook's next step). `inputs` must be valid (see branchProblem).
 */
export function chooseNextStep(inputs: Record<string, unknown>): string | undefined {
  const choices = inputs.Choices as Condition[];
  const chosen = choices.find((choice) => evaluate(choice));
  if (chosen) return chosen.NextStep as string;
  return typeof inputs.Default === 'string' && inputs.Default !== '' ? inputs.Default : undefined;
}

/** Whether one condition (or a choice, whose NextStep is ignored here) is true. */
export function evaluate(condition: Condition): boolean {
  if ('And' in condition) return (condition.And as Condition[]).every(evaluate);
  if ('Or' in condition) return (condition.Or as Condition[]).some(evaluate);
  if ('Not' in condition) return !evaluate(condition.Not as Condition);
  const operation = BRANCH_OPERATIONS.find((name) => name in condition) ?? '';
  return compare(operation, condition.Variable, condition[operation]);
}

function compare(operation: string, variable: unknown, operand: unknown): boolean {
  switch (operation) {
    case 'StringEquals':
      return text(variable) === text(operand);
    case 'EqualsIgnoreCase':
      return text(variable).toLowerCase() === text(operand).toLowerCase();
    case 'StartsWith':
      return text(variable).startsWith(text(operand));
    case 'EndsWith':
      return text(variable).endsWith(text(operand));
    case 'Contains':
      if (Array.isArray(variable)) return variable.some((item) => text(item) === text(operand));
      return text(variable).includes(text(operand));
    case 'BooleanEquals': {
      const a = booleanOf(variable);
      const b = booleanOf(operand);
      return a !== undefined && a === b;
    }
    default: {
      const a = numberOf(variable);
      const b = numberOf(operand);
      if (a === undefined || b === undefined) return false;
      switch (operation) {
        case 'NumericEquals':
          return a === b;
        case 'NumericGreater':
          return a > b;
        case 'NumericLesser':
          return a < b;
        case 'NumericGreaterOrEquals':
          return a >= b;
        case 'NumericLesserOrEquals':
          return a <= b;
        default:
          return false;
      }
    }
  }
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value.trim());
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
    return value.trim().toLowerCase() === 'true';
  }
  return undefined;
}

/**
 * What is wrong with a branch's inputs, if anything. `resolved` is false when the runbook is
 * checked before it runs: an operand may then still be a `{{ variable }}` string.
 */
export function branchProblem(inputs: Record<string, unknown>, resolved: boolean): string | undefined {
  const choices = inputs.Choices;
  if (!Array.isArray(choices) || choices.length === 0) {
    return 'The input Choices is required and must be a list of at least one choice.';
  }
  for (const [i, choice] of choices.entries()) {
    const where = `Choice ${i + 1}`;
    if (!isCondition(choice)) return `${where} must be a map.`;
    if (typeof choice.NextStep !== 'string' || choice.NextStep.trim() === '') {
      return `${where} has no NextStep.`;
    }
    const { NextStep: _next, ...condition } = choice;
    const problem = conditionProblem(condition, where, resolved);
    if (problem) return problem;
  }
  const fallback = inputs.Default;
  if (fallback !== undefined && fallback !== null && typeof fallback !== 'string') {
    return 'The input Default must be the name of a step.';
  }
  return undefined;
}

function conditionProblem(condition: Condition, where: string, resolved: boolean): string | undefined {
  const keys = Object.keys(condition);
  const combinators = keys.filter((k) => (COMBINATORS as readonly string[]).includes(k));
  if (combinators.length > 0) {
    if (keys.length > 1) {
      return `${where} must use exactly one of Variable with an operation, And, Or or Not (it has ${keys.join(', ')}).`;
    }
    const name = combinators[0] as (typeof COMBINATORS)[number];
    const inner = condition[name];
    if (name === 'Not') {
      if (!isCondition(inner))
        return `${where}: Not takes one condition (a map with Variable and an operation).`;
      return conditionProblem(inner, `${where} (Not)`, resolved);
    }
    if (!Array.isArray(inner) || inner.length === 0) {
      return `${where}: ${name} takes a list of at least one condition.`;
    }
    for (const [j, item] of inner.entries()) {
      if (!isCondition(item)) return `${where} (${name} item ${j + 1}) must be a map.`;
      const problem = conditionProblem(item, `${where} (${name} item ${j + 1})`, resolved);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!('Variable' in condition)) return `${where} has no Variable.`;
  const others = keys.filter((k) => k !== 'Variable');
  const unsupported = others.find((k) => !BRANCH_OPERATIONS.includes(k));
  if (unsupported) {
    return `${where}: the operation ${unsupported} is not supported. Supported operations: ${BRANCH_OPERATIONS.join(', ')}.`;
  }
  if (others.length !== 1) {
    return others.length === 0
      ? `${where} has no operation.`
      : `${where} must have exactly one operation (it has ${others.join(', ')}).`;
  }
  const operation = others[0] as string;
  return operandProblem(operation, condition[operation], where, resolved);
}

function operandProblem(
  operation: string,
  operand: unknown,
  where: string,
  resolved: boolean,
): string | undefined {
  const pending = !resolved && typeof operand === 'string' && operand.includes('{{');
  if (pending) return undefined;
  if ((NUMERIC_OPERATIONS as readonly string[]).includes(operation) && numberOf(operand) === undefined) {
    return `${where}: ${operation} takes a number.`;
  }
  if (operation === 'BooleanEquals' && booleanOf(operand) === undefined) {
    return `${where}: BooleanEquals takes true or false.`;
  }
  if (
    (STRING_OPERATIONS as readonly string[]).includes(operation) &&
    !['string', 'number', 'boolean'].includes(typeof operand)
  ) {
    return `${where}: ${operation} takes a string.`;
  }
  return undefined;
}

function isCondition(value: unknown): value is Condition {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
