// aws:executeScript: a Python script run for real, in a runner container (runner.ts) by a small
// bootstrap program (bootstrap.ts) that imports the script, calls handler(events, context) and
// answers the return value as JSON.
//
// What differs from AWS:
// - Every Python runtime (python3.9, python3.10, python3.11) runs on the runner's Python 3.11
//   (Debian bookworm's), with the standard library only: boto3 is not installed and the script gets
//   no AWS credentials (AWS_REGION and AWS_DEFAULT_REGION are set to the execution's region).
//   python3.6, python3.7 and python3.8 are refused once the emulator's clock reaches 2025-02-18, the
//   day AWS stopped running them.
// - PowerShell runtimes (PowerShell Core 6.0, PowerShell 7.0, 7.2, 7.4) are refused: the runner has no
//   PowerShell. The step fails (Verification).
// - Attachment is refused (documents have no attachments here, there is no S3): the step fails
//   (Verification). Script is therefore required.
// - `context` is a dict of automation:EXECUTION_ID, automation:STEP_NAME, global:ACCOUNT_ID,
//   global:REGION and global:AWS_PARTITION (AWS does not document what its context holds).
// - A return value larger than 100 KB as JSON fails the step (AWS: "Up to 100KB is returned").
// - What the script writes (print(), stderr, its child processes), up to 24,000 characters, is the
//   step's ExecutionLog output; nothing is sent to CloudWatch Logs. Outputs also hold Payload (the
//   return value) beside OutputPayload ({"Payload": ...} as JSON text, which is what AWS shows).
// - Failure messages follow AWS's shape ("Step fails when it is Poll action status for completion.
//   <traceback of the script's frames>\n\n<Type> - <message>. Please refer to ..."); the texts for a
//   missing handler, a syntax error, a return value that is not JSON and a payload too large are
//   written in that style, not known word for word.
// - The 600-second limit is measured on the emulator's clock; the container also kills a run after
//   630 real seconds (a backstop for runs an emulator that died left behind).
// - After an emulator restart the step fails (a script cannot be resumed); a run is killed when the
//   emulator stops.
import Docker from 'dockerode';
import type { Services } from '../../../core/capability.js';
import { StepFailure, type ActionDefinition, type ActionRun, type ActionResult } from '../../model.js';
import { MAX_PAYLOAD_BYTES } from './bootstrap.js';
import { ScriptRunner, type ScriptOutcome } from './runner.js';

export const PYTHON_RUNTIMES = [
  'python3.6',
  'python3.7',
  'python3.8',
  'python3.9',
  'python3.10',
  'python3.11',
];
export const POWERSHELL_RUNTIMES = [
  'PowerShell Core 6.0',
  'PowerShell 7.0',
  'PowerShell 7.2',
  'PowerShell 7.4',
];
/** AWS stopped running python3.6, 3.7 and 3.8 runbooks on this day. */
const RETIRED_RUNTIMES = ['python3.6', 'python3.7', 'python3.8'];
const RETIRED_AT = Date.UTC(2025, 1, 18);
/** "Each aws:executeScript action can run up to a maximum duration of 600 seconds (10 minutes)." */
export const MAX_RUN_MS = 600_000;

const PREFIX = 'Step fails when it is Poll action status for completion.';
const SUFFIX = 'Please refer to Automation Service Troubleshooting Guide for more diagnosis details.';

const isVariable = (value: unknown) => typeof value === 'string' && value.includes('{{');

function validate(inputs: Record<string, unknown>): void {
  const { Runtime, Handler, Script, Attachment, InputPayload } = inputs;
  if (Runtime === undefined) throw new Error('Runtime is required for aws:executeScript.');
  if (!isVariable(Runtime)) {
    if (typeof Runtime !== 'string' || ![...PYTHON_RUNTIMES, ...POWERSHELL_RUNTIMES].includes(Runtime)) {
      throw new Error(
        `Runtime ${JSON.stringify(Runtime)} is not supported by aws:executeScript. Supported values: ${[...PYTHON_RUNTIMES, ...POWERSHELL_RUNTIMES].join(' | ')}.`,
      );
    }
  }
  const python = typeof Runtime === 'string' && PYTHON_RUNTIMES.includes(Runtime);
  if (python && (Handler === undefined || Handler === '')) {
    throw new Error('Handler is required for aws:executeScript with a Python runtime.');
  }
  if (Handler !== undefined && typeof Handler !== 'string') throw new Error('Handler must be a string.');
  if (Script === undefined && Attachment === undefined) {
    throw new Error('aws:executeScript needs Script (or Attachment).');
  }
  if (Script !== undefined && typeof Script !== 'string') throw new Error('Script must be a string.');
  if (
    InputPayload !== undefined &&
    // A string may be a variable, or JSON text a variable resolved to (eventsOf reads it at run time).
    typeof InputPayload !== 'string' &&
    (typeof InputPayload !== 'object' || InputPayload === null || Array.isArray(InputPayload))
  ) {
    throw new Error('InputPayload must be a JSON or YAML object.');
  }
}

/** InputPayload as the handler's `events`: a map (or a variable that resolved to JSON text of one). */
function eventsOf(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  let events: unknown = value;
  if (typeof value === 'string') {
    try {
      events = JSON.parse(value) as unknown;
    } catch {
      events = undefined;
    }
  }
  if (typeof events !== 'object' || events === null || Array.isArray(events)) {
    throw new StepFailure('InputPayload must be a JSON or YAML object.', 'Verification');
  }
  return events as Record<string, unknown>;
}

function failed(text: string): StepFailure {
  return new StepFailure(`${PREFIX} ${text}. ${SUFFIX}`);
}

function timedOut(): StepFailure {
  return new StepFailure(
    `Step timed out while step is Poll action status for completion. aws:executeScript runs for at most ${MAX_RUN_MS / 1000} seconds.`,
    'Timeout',
    {},
    'TimedOut',
  );
}

function resultOf(outcome: Extract<ScriptOutcome, { kind: 'answered' }>): ActionResult {
  switch (outcome.status) {
    case 'ok': {
      const payload = JSON.parse(outcome.payload ?? 'null') as unknown;
      return {
        outputs: {
          Payload: payload,
          OutputPayload: JSON.stringify({ Payload: payload }),
          ...(outcome.log !== '' ? { ExecutionLog: outcome.log } : {}),
        },
        selectable: { Payload: payload },
      };
    }
    case 'too-large':
      throw failed(
        `The script returned ${outcome.message ?? '?'} bytes of JSON; aws:executeScript returns up to ${MAX_PAYLOAD_BYTES / 1024} KB`,
      );
    default:
      throw failed(outcome.message ?? outcome.status);
  }
}

export function scriptActions(_services: Services): Record<string, ActionDefinition> {
  const runner = new ScriptRunner(() => new Docker());

  const executeScript: ActionDefinition = {
    restart: 'fail',
    validate,
    async run(run: ActionRun): Promise<ActionResult> {
      try {
        validate(run.inputs);
      } catch (error) {
        throw new StepFailure((error as Error).message, 'Verification');
      }
      const { Runtime, Handler, Script, Attachment } = run.inputs as Record<string, string | undefined>;
      if (Runtime && POWERSHELL_RUNTIMES.includes(Runtime)) {
        throw new StepFailure(
          `Runtime ${Runtime} is not available in ssm-local: aws:executeScript runs Python only (python3.9, python3.10, python3.11).`,
          'Verification',
        );
      }
      if (Runtime && RETIRED_RUNTIMES.includes(Runtime) && run.now() >= RETIRED_AT) {
        throw new StepFailure(
          `Runtime ${Runtime} is no longer supported by aws:executeScript (since 2025-02-18); use python3.11.`,
          'Verification',
        );
      }
      if (Attachment !== undefined) {
        throw new StepFailure(
          'Attachment is not supported by ssm-local (documents have no attachments): give the script inline in Script.',
          'Verification',
        );
      }
      const events = eventsOf(run.inputs.InputPayload);

      // The 600-second limit, on the emulator's clock; the engine's timeoutSeconds and a stop abort run.signal.
      const stop = new AbortController();
      let overLimit = false;
      const limit = run.services.scheduler.after(MAX_RUN_MS, () => {
        overLimit = true;
        stop.abort();
      });
      const onAbort = () => stop.abort();
      run.signal.addEventListener('abort', onAbort, { once: true });
      if (run.signal.aborted) stop.abort();
      let outcome: ScriptOutcome;
      try {
        outcome = await runner.run(
          {
            script: Script ?? '',
            handler: Handler ?? '',
            events,
            context: {
              'automation:EXECUTION_ID': run.executionId,
              'automation:STEP_NAME': run.stepName,
              'global:ACCOUNT_ID': run.ctx.accountId,
              'global:REGION': run.ctx.region,
              'global:AWS_PARTITION': 'aws',
            },
            env: { AWS_REGION: run.ctx.region, AWS_DEFAULT_REGION: run.ctx.region },
          },
          stop.signal,
        );
      } catch (error) {
        const engine = await runner.engineStatus();
        const why = engine.up
          ? `the script runner container could not run it: ${(error as Error).message}`
          : `no Docker engine answers at ${engine.address}`;
        throw new StepFailure(`aws:executeScript runs Python scripts in a Docker container, and ${why}.`);
      } finally {
        run.services.scheduler.cancel(limit);
        run.signal.removeEventListener('abort', onAbort);
      }

      switch (outcome.kind) {
        case 'answered':
          return resultOf(outcome);
        case 'killed':
          // Rejects with the abort reason, as ActionRun.sleep does.
          if (run.signal.aborted) throw run.signal.reason as unknown;
          if (overLimit) throw timedOut();
          throw failed('The script was stopped');
        case 'ended':
          if (outcome.containerGone) {
            throw failed('The script runner container stopped while the script ran');
          }
          // 137: SIGKILL, the container's watchdog (real time ran past the limit) or the kernel's OOM killer.
          if (outcome.exitCode === 137) throw timedOut();
          throw failed(
            `The script ended before its handler returned (exit code ${String(outcome.exitCode)})${outcome.stderr ? `: ${outcome.stderr.trim()}` : ''}`,
          );
      }
    },
  };

  return { 'aws:executeScript': executeScript };
}
