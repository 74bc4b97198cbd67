// aws:branch (branch.ts): every operation, And / Or / Not, Default, no match, and the structure checks.
import { describe, expect, it } from 'vitest';
import { branchAction, chooseNextStep, evaluate } from '../src/automation/actions/branch.js';
import type { ActionRun } from '../src/automation/model.js';
import { StepFailure } from '../src/automation/model.js';

function runWith(inputs: Record<string, unknown>): Promise<{ nextStep?: string; outputs: object }> {
  return branchAction.run({ inputs } as unknown as ActionRun);
}

describe('aws:branch operations', () => {
  const cases: [string, unknown, unknown, boolean][] = [
    ['StringEquals', 'Linux', 'Linux', true],
    ['StringEquals', 'linux', 'Linux', false],
    ['StringEquals', 5, '5', true],
    ['EqualsIgnoreCase', 'LINUX', 'linux', true],
    ['EqualsIgnoreCase', 'Linux', 'Windows', false],
    ['StartsWith', 'i-0abc', 'i-', true],
    ['StartsWith', 'mi-0abc', 'i-', false],
    ['EndsWith', 'report.csv', '.csv', true],
    ['EndsWith', 'report.txt', '.csv', false],
    ['Contains', 'aurora-mysql', 'aurora', true],
    ['Contains', 'mysql', 'aurora', false],
    ['Contains', ['a', 'b'], 'b', true],
    ['Contains', ['ab'], 'b', false],
    ['NumericEquals', 3, 3, true],
    ['NumericEquals', '3', 3, true],
    ['NumericEquals', 3, '3.0', true],
    ['NumericEquals', 3, 4, false],
    ['NumericGreater', 5, 4, true],
    ['NumericGreater', 4, 4, false],
    ['NumericLesser', 3, 4, true],
    ['NumericLesser', 4, 4, false],
    ['NumericGreaterOrEquals', 4, 4, true],
    ['NumericGreaterOrEquals', 3, 4, false],
    ['NumericLesserOrEquals', 4, 4, true],
    ['NumericLesserOrEquals', 5, 4, false],
    ['NumericEquals', 'not a number', 1, false],
    ['BooleanEquals', true, true, true],
    ['BooleanEquals', 'true', true, true],
    ['BooleanEquals', 'False', false, true],
    ['BooleanEquals', false, true, false],
    ['BooleanEquals', 'maybe', true, false],
  ];
  for (const [operation, variable, operand, expected] of cases) {
    it(`${operation}: ${JSON.stringify(variable)} vs ${JSON.stringify(operand)} is ${expected}`, () => {
      expect(evaluate({ Variable: variable, [operation]: operand })).toBe(expected);
    });
  }

  it('an unresolved output left as its {{ }} text is simply not equal', () => {
    expect(evaluate({ Variable: '{{ describeInstance.Platform }}', StringEquals: 'windows' })).toBe(false);
  });
});

describe('aws:branch choices', () => {
  const os = (name: string) => ({
    Choices: [
      { NextStep: 'runWindows', Variable: name, StringEquals: 'Windows' },
      { NextStep: 'runLinux', Variable: name, StringEquals: 'Linux' },
    ],
    Default: 'sleep',
  });

  it('takes the first true choice, in order', async () => {
    expect(await runWith(os('Linux'))).toEqual({ outputs: {}, nextStep: 'runLinux' });
    const both = {
      Choices: [
        { NextStep: 'first', Variable: 'x', StartsWith: 'x' },
        { NextStep: 'second', Variable: 'x', StringEquals: 'x' },
      ],
    };
    expect(chooseNextStep(both)).toBe('first');
  });

  it('goes to Default when no choice is true', async () => {
    expect((await runWith(os('MacOS'))).nextStep).toBe('sleep');
  });

  it('goes on with the next step (nextStep undefined, no failure) without a Default', async () => {
    const { Default: _default, ...noDefault } = os('MacOS');
    expect(await runWith(noDefault)).toEqual({ outputs: {}, nextStep: undefined });
  });

  it('evaluates And, Or and Not, nested too', () => {
    const and = {
      NextStep: 'x',
      And: [
        { Variable: 'running', StringEquals: 'running' },
        { Variable: 'Windows', StringEquals: 'Windows' },
      ],
    };
    expect(evaluate(and)).toBe(true);
    expect(evaluate({ ...and, And: [...and.And, { Variable: 1, NumericGreater: 2 }] })).toBe(false);
    const or = {
      NextStep: 'x',
      Or: [
        { Variable: 'Linux', StringEquals: 'Windows' },
        { Variable: true, BooleanEquals: true },
      ],
    };
    expect(evaluate(or)).toBe(true);
    expect(evaluate({ ...or, Or: [or.Or[0]] })).toBe(false);
    expect(evaluate({ NextStep: 'x', Not: { Variable: 'Linux', StringEquals: 'Linux' } })).toBe(false);
    expect(evaluate({ NextStep: 'x', Not: { Variable: 'Windows', StringEquals: 'Linux' } })).toBe(true);
    expect(evaluate({ Not: { Or: [{ Variable: 'a', StringEquals: 'b' }] } })).toBe(true);
  });
});

describe('aws:branch structure checks', () => {
  const validate = (inputs: Record<string, unknown>) => () => branchAction.validate?.(inputs);

  it('accepts the documented shapes, with {{ }} operands before resolution', () => {
    expect(
      validate({
        Choices: [
          { NextStep: 'a', Variable: '{{ p }}', NumericGreater: '{{ limit }}' },
          { NextStep: 'b', And: [{ Variable: '{{ p }}', StringEquals: 'x' }] },
          { NextStep: 'c', Not: { Variable: '{{ p }}', BooleanEquals: true } },
        ],
        Default: 'd',
      }),
    ).not.toThrow();
  });

  it('refuses what AWS refuses when the runbook is written', () => {
    expect(validate({})).toThrow('The input Choices is required and must be a list of at least one choice.');
    expect(validate({ Choices: [] })).toThrow(/Choices is required/);
    expect(validate({ Choices: ['x'] })).toThrow('Choice 1 must be a map.');
    expect(validate({ Choices: [{ Variable: 'a', StringEquals: 'a' }] })).toThrow(
      'Choice 1 has no NextStep.',
    );
    expect(validate({ Choices: [{ NextStep: 'a', Variable: 'a' }] })).toThrow('Choice 1 has no operation.');
    expect(validate({ Choices: [{ NextStep: 'a', StringEquals: 'a' }] })).toThrow(
      'Choice 1 has no Variable.',
    );
    expect(
      validate({ Choices: [{ NextStep: 'a', Variable: 'a', StringEquals: 'a', Contains: 'a' }] }),
    ).toThrow('Choice 1 must have exactly one operation (it has StringEquals, Contains).');
    expect(validate({ Choices: [{ NextStep: 'a', Variable: 'a', NotEquals: 'a' }] })).toThrow(
      /the operation NotEquals is not supported\. Supported operations: StringEquals, EqualsIgnoreCase/,
    );
    expect(validate({ Choices: [{ NextStep: 'a', Variable: 'a', NumericEquals: 'ten' }] })).toThrow(
      'Choice 1: NumericEquals takes a number.',
    );
    expect(validate({ Choices: [{ NextStep: 'a', Variable: 'a', BooleanEquals: 'yes' }] })).toThrow(
      'Choice 1: BooleanEquals takes true or false.',
    );
    expect(validate({ Choices: [{ NextStep: 'a', And: [] }] })).toThrow(
      'Choice 1: And takes a list of at least one condition.',
    );
    expect(validate({ Choices: [{ NextStep: 'a', Not: [{ Variable: 'a', StringEquals: 'a' }] }] })).toThrow(
      /Not takes one condition/,
    );
    expect(
      validate({ Choices: [{ NextStep: 'a', And: [{ Variable: 'a', StringEquals: 'a' }], Variable: 'b' }] }),
    ).toThrow(/must use exactly one of Variable with an operation, And, Or or Not/);
    expect(validate({ Choices: [{ NextStep: 'a', Or: [{ Variable: 'a', Bogus: 1 }] }] })).toThrow(
      /Choice 1 \(Or item 1\): the operation Bogus is not supported/,
    );
    expect(validate({ Choices: [{ NextStep: 'a', Variable: 'a', StringEquals: 'a' }], Default: 3 })).toThrow(
      'The input Default must be the name of a step.',
    );
  });

  it('fails the step (Verification) when resolved inputs are malformed', async () => {
    const error = await runWith({ Choices: [{ NextStep: 'a', Variable: 'a', NumericEquals: 'x' }] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StepFailure);
    expect((error as StepFailure).failureType).toBe('Verification');
    expect((error as StepFailure).message).toBe('Choice 1: NumericEquals takes a number.');
  });
});
