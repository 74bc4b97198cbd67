// Rate control: a parent execution (TargetParameterName with Targets or TargetMaps) that runs one
// child execution per target value. As AWS documents it, the children start one, then two more once
// the first is done, growing until MaxConcurrency run at once; once more than MaxErrors children
// have failed no new child starts (those running finish). The parent lists one StepExecution per
// target (StepName the target value, Action aws:executeAutomation), and ends when every child has.
import type { AutomationEngineApi } from '../model.js';
import type { AutomationStatus, StepRecord } from '../state.js';
import type { LiveExecution } from './live.js';
import type { RunnerContext } from './runner.js';

const TERMINAL_CHILD = new Set<AutomationStatus>(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/** A step of the parent: which target it is and, once started, its child. */
interface TargetCheckpoint {
  parameters: Record<string, string[]>;
  executionId?: string;
}

/** MaxConcurrency or MaxErrors (a number, or a percentage of the targets). */
export function limitOf(text: string, total: number, round: 'up' | 'down'): number {
  if (!text.endsWith('%')) return Number(text);
  const share = (Number(text.slice(0, -1)) * total) / 100;
  return round === 'up' ? Math.max(1, Math.ceil(share)) : Math.floor(share);
}

export class RateControl {
  constructor(
    private readonly c: RunnerContext,
    private readonly engine: AutomationEngineApi,
  ) {}

  private now(): number {
    return this.c.services.clock.now().getTime();
  }

  async run(live: LiveExecution): Promise<void> {
    const record = live.record;
    const steps = record.steps;
    const total = steps.length;
    const maxConcurrency = limitOf(record.maxConcurrency ?? '10', total, 'up');
    const maxErrors = limitOf(record.maxErrors ?? '0', total, 'down');
    const running = new Map<string, Promise<void>>();
    let completed = 0;
    let errors = 0;
    const counters = () => {
      const count = (status: string) => steps.filter((s) => s.status === status).length;
      record.progressCounters = {
        TotalSteps: total,
        SuccessSteps: count('Success'),
        FailedSteps: count('Failed'),
        CancelledSteps: count('Cancelled'),
        TimedOutSteps: count('TimedOut'),
      };
    };
    const settle = (step: StepRecord, status: AutomationStatus, message?: string) => {
      step.status = TERMINAL_CHILD.has(status) ? status : 'Failed';
      step.endTime = this.now();
      if (message !== undefined) step.failureMessage = message;
      completed++;
      if (step.status !== 'Success') errors++;
      counters();
      this.c.save(live);
    };
    const track = (step: StepRecord, childId: string) => {
      const waiting = this.engine
        .whenEnded(live.ctx.accountId, live.ctx.region, childId)
        .then((child) => {
          if (!this.c.closing()) settle(step, child?.status ?? 'Failed');
        })
        .finally(() => running.delete(step.stepExecutionId));
      running.set(step.stepExecutionId, waiting);
    };
    const launch = async (step: StepRecord) => {
      const checkpoint = step.checkpoint as TargetCheckpoint;
      step.status = 'InProgress';
      step.startTime = this.now();
      const placeholder = new Promise<void>(() => undefined);
      running.set(step.stepExecutionId, placeholder);
      try {
        const childId = await this.engine.start(
          live.ctx,
          {
            DocumentName: record.documentName,
            DocumentVersion: record.documentVersion,
            Parameters: { ...record.parameters, ...checkpoint.parameters },
          },
          record.automationExecutionId,
        );
        step.checkpoint = { ...checkpoint, executionId: childId };
        running.delete(step.stepExecutionId);
        track(step, childId);
        this.c.save(live);
      } catch (error) {
        running.delete(step.stepExecutionId);
        settle(step, 'Failed', error instanceof Error ? error.message : String(error));
      }
    };

    for (const step of steps) {
      const childId = (step.checkpoint as TargetCheckpoint | undefined)?.executionId;
      if (step.status === 'InProgress' && childId) track(step, childId);
      else if (TERMINAL_CHILD.has(step.status)) {
        completed++;
        if (step.status !== 'Success') errors++;
      }
    }
    record.status = 'InProgress';
    counters();
    this.c.save(live);
    const stopped = live.whenStopped();
    let next = 0;
    for (;;) {
      if (this.c.closing()) return;
      if (live.stop) break;
      const window = Math.min(maxConcurrency, Math.max(1, 2 * completed));
      while (errors <= maxErrors && running.size < window) {
        while (next < total && steps[next]!.status !== 'Pending') next++;
        const step = steps[next];
        if (!step) break;
        await launch(step);
      }
      if (running.size === 0) break;
      await Promise.race([stopped, ...running.values()]);
    }
    if (live.stop) {
      record.status = 'Cancelling';
      this.c.save(live);
      for (const step of steps) {
        const childId = (step.checkpoint as TargetCheckpoint | undefined)?.executionId;
        if (step.status === 'InProgress' && childId) {
          await this.engine.stop(live.ctx, childId, 'Cancel').catch(() => undefined);
        }
      }
      await Promise.all(running.values());
      if (this.c.closing()) return;
    }
    const failed = steps.filter((s) => s.status !== 'Success' && s.status !== 'Pending').length;
    const notRun = steps.filter((s) => s.status === 'Pending').length;
    record.status = live.stop === 'Cancel' ? 'Cancelled' : failed + notRun > 0 ? 'Failed' : 'Success';
    if (record.status === 'Failed') {
      // Wording ours.
      record.failureMessage =
        `${failed} of the ${total} target automations did not succeed` +
        (notRun > 0
          ? `; ${notRun} did not run once MaxErrors (${record.maxErrors ?? '0'}) was exceeded.`
          : '.');
    }
    record.endTime = this.now();
    counters();
    await this.c.saveNow(live);
    this.c.ended(live);
  }
}

/** The parent's StepExecutions, one Pending per target, each remembering its child's parameters. */
export function targetSteps(
  uuid: () => string,
  targets: Array<{ value: string; parameters: Record<string, string[]> }>,
): StepRecord[] {
  return targets.map(({ value, parameters }) => ({
    stepExecutionId: uuid(),
    stepName: value,
    action: 'aws:executeAutomation',
    status: 'Pending',
    attempt: 0,
    inputs: Object.fromEntries(
      Object.entries(parameters).map(([k, v]) => [k, v.length === 1 ? v[0]! : JSON.stringify(v)]),
    ),
    checkpoint: { parameters } satisfies TargetCheckpoint,
  }));
}
