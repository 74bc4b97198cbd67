// Whether a step runs at all, as the agent decides: the plugins it knows, platform support, schema
// 2.2 preconditions (StringEquals on platformType), and the exit conditions (onFailure, onSuccess,
// finallyStep) that skip the steps after one.
import type { PluginStep } from '../documents/api.js';
import { failedOutcome, skippedOutcome, stringInput, type StepContext, type StepOutcome } from './step.js';

/** Plugins the SSM agent knows. ssm-local executes the first four of them. */
const KNOWN = new Set([
  'aws:runShellScript',
  'aws:runPowerShellScript',
  'aws:runDocument',
  'aws:downloadContent',
  'aws:applications',
  'aws:cloudWatch',
  'aws:configureContainers',
  'aws:configureDocker',
  'aws:configurePackage',
  'aws:domainJoin',
  'aws:psModule',
  'aws:refreshAssociation',
  'aws:runDockerAction',
  'aws:softwareInventory',
  'aws:updateAgent',
  'aws:updateSsmAgent',
]);

/** The agent's getStepExecutionOperation: platform support and schema 2.2 preconditions. */
export function stepGate(sc: StepContext, step: PluginStep): StepOutcome | undefined {
  const plugin = step.action;
  // Plugins other capabilities provide (aws:softwareInventory, ssm-local's aws:runPatchBaseline).
  const known = KNOWN.has(plugin) || sc.plugins.has(plugin);
  const supported = !(sc.instance.platformType === 'Windows' && plugin === 'aws:runShellScript');
  const precondition = step.precondition ?? {};
  const hasPrecondition = Object.keys(precondition).length > 0;
  const notKnown = `Plugin with name ${plugin} is not supported by this version of ssm agent, please update to latest version. Step name: ${step.name}`;
  const unsupported = `Step execution skipped due to unsupported plugin: ${plugin}. Step name: ${step.name}`;

  if (!isCrossPlatformSchema(sc.schemaVersion)) {
    if (!known) return failedOutcome(notKnown);
    if (!supported) {
      return failedOutcome(
        `Plugin with name ${plugin} is not supported in current platform. Step name: ${step.name}`,
      );
    }
    if (hasPrecondition) {
      return failedOutcome(
        `Precondition is not supported for document schema version prior to 2.2. Step name: ${step.name}`,
      );
    }
    return undefined;
  }
  if (!hasPrecondition) {
    if (!known) return failedOutcome(notKnown);
    return supported ? undefined : skippedOutcome(unsupported);
  }
  const { allowed, listed } = evaluatePreconditions(precondition, sc.instance.platformType);
  if (allowed && !known) return failedOutcome(notKnown);
  if (!supported) return skippedOutcome(unsupported);
  if (!allowed) {
    return skippedOutcome(
      `Step execution skipped due to unsatisfied preconditions: '${listed.join(', ')}'. Step name: ${step.name}`,
    );
  }
  if (listed.length > 0) {
    return failedOutcome(
      `Unrecognized precondition(s): '${listed.join(', ')}', please update agent to latest version. Step name: ${step.name}`,
    );
  }
  return undefined;
}

function isCrossPlatformSchema(schemaVersion: string): boolean {
  const [major = 0, minor = 0] = schemaVersion.split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 2);
}

/** StringEquals over platformType (or two interpolated values), as the agent evaluates it. */
function evaluatePreconditions(
  precondition: Record<string, unknown>,
  platformType: string,
): { allowed: boolean; listed: string[] } {
  let allowed = true;
  const listed: string[] = [];
  for (const [operator, value] of Object.entries(precondition)) {
    if (operator !== 'StringEquals') {
      listed.push(`unrecognized operator: "${operator}"`);
      continue;
    }
    const args = Array.isArray(value) ? value.map((v) => String(v)) : [];
    const [first = '', second = ''] = args;
    if (args.length !== 2) {
      listed.push(`"${operator}": operator accepts exactly 2 arguments`);
    } else if (first === second) {
      listed.push(
        first === 'platformType'
          ? `"${operator}": [${first} ${second}]`
          : `"${operator}": operator's arguments can't be identical`,
      );
    } else if (first === 'platformType' || second === 'platformType') {
      const wanted = first === 'platformType' ? second : first;
      if (wanted.toLowerCase() !== platformType.toLowerCase()) {
        allowed = false;
        listed.push(`"${operator}": [${first}, ${second}]`);
      }
    } else if (first !== second) {
      allowed = false;
      listed.push(`"${operator}": [${first}, ${second}]`);
    }
  }
  return { allowed, listed };
}

/** Applies a step's onFailure / onSuccess modifiers to its outcome. */
export function applyExitModifiers(step: PluginStep, result: StepOutcome): StepOutcome {
  if (result.statusDetails === 'Skipped') return result;
  const onFailure = stringInput(step.inputs.onFailure);
  const onSuccess = stringInput(step.inputs.onSuccess);
  if (result.status === 'Failed' && onFailure === 'exit') return { ...result, exitCondition: true };
  if (result.status === 'Failed' && onFailure === 'successAndExit') {
    return { ...result, status: 'Success', statusDetails: 'Success', exitCondition: true };
  }
  if (result.status === 'Success' && onSuccess === 'exit') return { ...result, exitCondition: true };
  return result;
}

/** Whether a step is skipped because an earlier one exited the document (a final finallyStep runs). */
export function skippedByExitCondition(
  steps: PluginStep[],
  earlier: StepOutcome[],
  index: number,
): StepOutcome | undefined {
  const step = steps[index]!;
  const finallyStep = String(step.inputs.finallyStep ?? '') === 'true';
  if (finallyStep && index === steps.length - 1) return undefined;
  if (!earlier.some((o) => o.exitCondition)) return undefined;
  return skippedOutcome(
    `Plugin with name ${step.action} and id ${step.name} skipped due to prior step with an exit condition`,
  );
}
