// The flow actions, owned by the engine: aws:sleep (Duration or Timestamp, on the scheduler's clock,
// its wake time checkpointed), aws:pause (until a Resume signal), aws:approve (Approve and Reject
// signals, MinRequiredApprovals) and aws:executeAutomation (a child execution, waited for). All four
// resume after an emulator restart from their checkpoint.
import type { StartAutomationExecutionRequest, Tag, Target } from '@aws-sdk/client-ssm';
import { StepFailure, type ActionDefinition, type ActionRun, type AutomationEngineApi } from '../model.js';
import { Aborted, whenAborted } from './live.js';
import { parameterMap } from './params.js';
import { NO_OUTPUT } from './runner.js';

/** Automation supports a maximum delay of 604799 seconds (aws:sleep's reference page). */
const MAX_SLEEP_SECONDS = 604_799;
const DURATION =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const GUIDE = 'Please refer to Automation Service Troubleshooting Guide for more diagnosis details.';

const literal = (value: unknown): boolean => typeof value === 'string' && !value.includes('{{');

/** An ISO-8601 duration (PnDTnHnMn.nS, as java.time.Duration reads it) in milliseconds. */
export function durationMs(text: string): number {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    throw new Error(`Duration ${text} is not a valid ISO 8601 duration (for example PT10M).`);
  }
  const [, d, h, m, s] = match;
  const seconds = Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(m ?? 0) * 60 + Number(s ?? 0);
  if (seconds > MAX_SLEEP_SECONDS) {
    throw new Error(`Duration ${text} is longer than the maximum delay of ${MAX_SLEEP_SECONDS} seconds.`);
  }
  return Math.round(seconds * 1000);
}

function timestampMs(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) {
    throw new Error(
      `Timestamp ${text} is not a valid ISO 8601 timestamp (for example 2020-01-01T01:00:00Z).`,
    );
  }
  return ms;
}

function checkSleep(inputs: Record<string, unknown>): void {
  const { Duration, Timestamp } = inputs;
  if (Duration === undefined && Timestamp === undefined) throw new Error('Specify Duration or Timestamp.');
  if (Duration !== undefined && Timestamp !== undefined)
    throw new Error('Specify Duration or Timestamp, not both.');
  if (Duration !== undefined && typeof Duration !== 'string') throw new Error('Duration must be a string.');
  if (Timestamp !== undefined && typeof Timestamp !== 'string')
    throw new Error('Timestamp must be a string.');
  if (literal(Duration)) durationMs(Duration as string);
  if (literal(Timestamp)) timestampMs(Timestamp as string);
}

const sleepAction: ActionDefinition = {
  restart: 'resume',
  validate: checkSleep,
  async run(run) {
    const saved = (run.checkpoint as { wakeAt?: number } | undefined)?.wakeAt;
    let wakeAt = saved;
    if (wakeAt === undefined) {
      try {
        checkSleep(run.inputs);
        const { Duration, Timestamp } = run.inputs;
        wakeAt =
          typeof Duration === 'string' ? run.now() + durationMs(Duration) : timestampMs(String(Timestamp));
      } catch (error) {
        throw new StepFailure((error as Error).message, 'Verification');
      }
      if (wakeAt - run.now() > MAX_SLEEP_SECONDS * 1000) {
        throw new StepFailure(`Timestamp is more than ${MAX_SLEEP_SECONDS} seconds away.`, 'Verification');
      }
      if (wakeAt > run.now()) await run.saveCheckpoint({ wakeAt });
    }
    await run.sleep(wakeAt - run.now());
    return { outputs: {} };
  },
};

const pauseAction: ActionDefinition = {
  restart: 'resume',
  async run(run) {
    await run.waitForSignal(['Resume']);
    return { outputs: {} };
  },
};

interface Decision {
  Approver: string;
  Decision: 'Approved' | 'Rejected';
  Comment?: string;
}

function checkApprove(inputs: Record<string, unknown>): void {
  const { Approvers, MinRequiredApprovals: min, Message } = inputs;
  if (Approvers === undefined) throw new Error('Approvers is required.');
  if (Array.isArray(Approvers)) {
    if (Approvers.length === 0 || Approvers.length > 10)
      throw new Error('Approvers must list 1 to 10 principals.');
  } else if (!(typeof Approvers === 'string' && Approvers.includes('{{'))) {
    throw new Error('Approvers must be a list.');
  }
  if (min !== undefined && !(typeof min === 'string' && min.includes('{{'))) {
    const count = typeof min === 'string' && /^\d+$/.test(min) ? Number(min) : min;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      throw new Error('MinRequiredApprovals must be a positive integer.');
    }
    if (Array.isArray(Approvers) && count > Approvers.length) {
      throw new Error("MinRequiredApprovals can't exceed the number of Approvers.");
    }
  }
  if (typeof Message === 'string' && Message.length > 4096)
    throw new Error('Message is longer than 4096 characters.');
}

const approveAction: ActionDefinition = {
  restart: 'resume',
  validate: checkApprove,
  async run(run) {
    try {
      checkApprove(run.inputs);
    } catch (error) {
      throw new StepFailure((error as Error).message, 'Verification');
    }
    const min = Number(run.inputs['MinRequiredApprovals'] ?? 1);
    const decisions = [...((run.checkpoint as { decisions?: Decision[] } | undefined)?.decisions ?? [])];
    for (;;) {
      if (decisions.filter((d) => d.Decision === 'Approved').length >= min) {
        return { outputs: { ApprovalStatus: 'Approved', ApproverDecisions: decisions } };
      }
      const signal = await run.waitForSignal(['Approve', 'Reject']);
      const comment = signal.payload['Comment']?.join(' ');
      const decision: Decision = {
        Approver: signal.sender,
        Decision: signal.type === 'Approve' ? 'Approved' : 'Rejected',
        ...(comment ? { Comment: comment } : {}),
      };
      decisions.push(decision);
      await run.saveCheckpoint({ decisions });
      if (decision.Decision === 'Rejected') {
        throw new StepFailure(
          `The approval request was rejected by ${signal.sender}${comment ? `: ${comment}` : ''}.`,
        );
      }
    }
  },
};

function childRequest(inputs: Record<string, unknown>): StartAutomationExecutionRequest {
  const text = (name: string) => (typeof inputs[name] === 'string' ? (inputs[name] as string) : undefined);
  const request: StartAutomationExecutionRequest = { DocumentName: text('DocumentName') };
  const version = text('DocumentVersion');
  if (version !== undefined) request.DocumentVersion = version;
  if (inputs['RuntimeParameters'] !== undefined)
    request.Parameters = parameterMap(inputs['RuntimeParameters']);
  const targetParameterName = text('TargetParameterName');
  if (targetParameterName !== undefined) request.TargetParameterName = targetParameterName;
  if (Array.isArray(inputs['Targets'])) request.Targets = inputs['Targets'] as Target[];
  if (Array.isArray(inputs['TargetMaps'])) {
    request.TargetMaps = (inputs['TargetMaps'] as unknown[]).map((map) => parameterMap(map));
  }
  const maxConcurrency = inputs['MaxConcurrency'];
  if (maxConcurrency !== undefined) request.MaxConcurrency = String(maxConcurrency);
  const maxErrors = inputs['MaxErrors'];
  if (maxErrors !== undefined) request.MaxErrors = String(maxErrors);
  if (Array.isArray(inputs['Tags'])) request.Tags = inputs['Tags'] as Tag[];
  return request;
}

function executeAutomation(engine: AutomationEngineApi): ActionDefinition {
  return {
    restart: 'resume',
    validate(inputs) {
      if (typeof inputs['DocumentName'] !== 'string' || inputs['DocumentName'] === '') {
        throw new Error('DocumentName is required.');
      }
    },
    async run(run: ActionRun) {
      let childId = (run.checkpoint as { executionId?: string } | undefined)?.executionId;
      if (childId === undefined) {
        try {
          childId = await engine.start(run.ctx, childRequest(run.inputs), run.executionId);
        } catch (error) {
          throw new StepFailure((error as Error).message, 'Verification');
        }
        await run.saveCheckpoint({ executionId: childId });
      }
      const { accountId, region } = run.ctx;
      let child;
      try {
        child = await Promise.race([engine.whenEnded(accountId, region, childId), whenAborted(run.signal)]);
      } catch (error) {
        if (error instanceof Aborted && error.reason !== 'shutdown') {
          await engine.stop(run.ctx, childId, 'Cancel').catch(() => undefined);
        }
        throw error;
      }
      const status = child?.status ?? 'Failed';
      const output = Object.values(child?.outputs ?? {}).flat();
      const outputs = { ExecutionId: childId, Status: status, Output: output };
      if (status !== 'Success') {
        const shown = output.length > 0 ? output.join(', ') : NO_OUTPUT;
        throw new StepFailure(
          `Step fails when it is Execution complete: verified. Failed to run automation with executionId: ${childId} ${status} :\n` +
            `{Status=[${status}], Output=[${shown}], ExecutionId=[${childId}]}. ${GUIDE}`,
          'Action',
          { ExecutionId: [childId] },
          status === 'TimedOut' ? 'TimedOut' : 'Failed',
        );
      }
      return { outputs };
    },
  };
}

export function flowActions(engine: AutomationEngineApi): Record<string, ActionDefinition> {
  return {
    'aws:sleep': sleepAction,
    'aws:pause': pauseAction,
    'aws:approve': approveAction,
    'aws:executeAutomation': executeAutomation(engine),
  };
}
