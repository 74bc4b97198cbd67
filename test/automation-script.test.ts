// aws:executeScript run for real: each test builds the ActionRun the engine would and runs the action
// against the runner container (one per engine, created on first use and reused).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backgroundContext } from '../src/core/context.js';
import { scriptActions } from '../src/automation/actions/script/index.js';
import { RUNNER_ROLE } from '../src/automation/actions/script/runner.js';
import {
  StepFailure,
  type ActionDefinition,
  type ActionResult,
  type ActionRun,
} from '../src/automation/model.js';
import { requireDocker } from './support/docker.js';
import { advanceClock, startTestServer, type TestServer } from './support/server.js';

const hasDocker = await requireDocker('aws:executeScript');
const run = promisify(execFile);

describe.skipIf(!hasDocker)('aws:executeScript', () => {
  let server: TestServer;
  let action: ActionDefinition;
  let steps = 0;

  beforeAll(async () => {
    server = await startTestServer();
    const services = server.ssm.runtime.services;
    const definition = scriptActions(services)['aws:executeScript'];
    if (!definition) throw new Error('aws:executeScript is not defined');
    action = definition;
  }, 300_000);
  afterAll(async () => server?.stop());

  /** An ActionRun as the engine builds it; `controller` aborts it. */
  function actionRun(inputs: Record<string, unknown>, controller = new AbortController()): ActionRun {
    const services = server.ssm.runtime.services;
    steps += 1;
    return {
      ctx: backgroundContext(services, '000000000000', 'us-east-1', 'StartAutomationExecution'),
      services,
      executionId: 'a1b2c3d4-0000-4000-8000-000000000001',
      stepName: `step${steps}`,
      stepExecutionId: `s-${steps}`,
      action: 'aws:executeScript',
      attempt: 1,
      inputs,
      signal: controller.signal,
      saveCheckpoint: () => Promise.resolve(),
      now: () => services.clock.now().getTime(),
      sleep: () => Promise.reject(new Error('not used')),
      waitForSignal: () => Promise.reject(new Error('not used')),
    };
  }

  const python = (Script: string, more: Record<string, unknown> = {}) => ({
    Runtime: 'python3.11',
    Handler: 'script_handler',
    Script,
    ...more,
  });

  async function failure(promise: Promise<ActionResult>): Promise<StepFailure> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StepFailure);
    return error as StepFailure;
  }

  async function runnerId(): Promise<string> {
    const [runner] = await new Docker().listContainers({
      filters: { label: [`${RUNNER_ROLE.key}=${RUNNER_ROLE.value}`] },
    });
    if (!runner) throw new Error('no runner container');
    return runner.Id;
  }

  async function inRunner(script: string): Promise<string> {
    const { stdout } = await run('docker', ['exec', await runnerId(), 'sh', '-c', script]);
    return stdout;
  }

  it('returns the handler’s value as Payload, with the events and context it was called with', async () => {
    const result = await action.run(
      actionRun(
        python(
          [
            'def script_handler(events, context):',
            '    return {"got": events, "step": context["automation:STEP_NAME"], "n": [1, 2.5, None, True]}',
          ].join('\n'),
          { InputPayload: { name: 'web', count: 3, tags: ['a', 'b'] } },
        ),
      ),
    );
    const payload = {
      got: { name: 'web', count: 3, tags: ['a', 'b'] },
      step: `step${steps}`,
      n: [1, 2.5, null, true],
    };
    expect(result.outputs.Payload).toEqual(payload);
    expect(JSON.parse(String(result.outputs.OutputPayload))).toEqual({ Payload: payload });
    expect(result.selectable).toEqual({ Payload: payload });
    expect(result.outputs.ExecutionLog).toBeUndefined();
  });

  it('keeps what the script prints (stdout, stderr, child processes) apart from the payload', async () => {
    const result = await action.run(
      actionRun(
        python(
          [
            'import subprocess, sys',
            'def script_handler(events, context):',
            '    print("checking", events["host"])',
            '    print("a warning", file=sys.stderr)',
            '    subprocess.run(["echo", "from a child"])',
            '    return "done"',
          ].join('\n'),
          { InputPayload: { host: 'db-1' } },
        ),
      ),
    );
    expect(result.outputs.Payload).toBe('done');
    expect(result.outputs.ExecutionLog).toBe('checking db-1\na warning\nfrom a child\n');
  });

  it('carries unicode both ways', async () => {
    const text = 'héllo ✓ 日本語 🚀';
    const result = await action.run(
      actionRun(
        python(
          [
            'def script_handler(events, context):',
            '    print(events["t"])',
            '    return {"t": events["t"] + " ✓"}',
          ].join('\n'),
          { InputPayload: { t: text } },
        ),
      ),
    );
    expect(result.outputs.Payload).toEqual({ t: `${text} ✓` });
    expect(result.outputs.ExecutionLog).toBe(`${text}\n`);
  });

  it('a handler that returns nothing gives a null Payload', async () => {
    const result = await action.run(actionRun(python('def script_handler(events, context):\n    pass\n')));
    expect(result.outputs.Payload).toBeNull();
    expect(result.outputs.OutputPayload).toBe('{"Payload":null}');
  });

  it('takes InputPayload as JSON text too (a variable resolved to a string), and refuses one that is no map', async () => {
    const result = await action.run(
      actionRun(
        python('def script_handler(events, context):\n    return events\n', { InputPayload: '{"a": [1]}' }),
      ),
    );
    expect(result.outputs.Payload).toEqual({ a: [1] });
    const error = await failure(
      action.run(
        actionRun(python('def script_handler(events, context):\n    return 1\n', { InputPayload: '[1]' })),
      ),
    );
    expect(error.failureType).toBe('Verification');
    expect(error.message).toBe('InputPayload must be a JSON or YAML object.');
  });

  it('an exception fails the step with the script’s traceback, in AWS’s shape', async () => {
    const error = await failure(
      action.run(
        actionRun(
          python(
            [
              'def helper(events):',
              '    return events["expected_control_id"]',
              '',
              'def script_handler(events, context):',
              '    return helper(events)',
            ].join('\n'),
          ),
        ),
      ),
    );
    expect(error.failureType).toBe('Action');
    expect(error.status).toBe('Failed');
    expect(error.message).toMatch(
      /^Step fails when it is Poll action status for completion\. Traceback \(most recent call last\):\n {2}File "\/tmp\/[0-9a-f-]+-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\/customer_script\.py", line 5, in script_handler\n/,
    );
    expect(error.message).toContain('line 2, in helper\n    return events["expected_control_id"]');
    expect(error.message).toMatch(
      /\n\nKeyError - 'expected_control_id'\. Please refer to Automation Service Troubleshooting Guide for more diagnosis details\.$/,
    );
    expect(error.message).not.toContain('<string>');
  });

  it('a syntax error, a missing handler and a return value that is not JSON fail the step', async () => {
    const syntax = await failure(
      action.run(actionRun(python('def script_handler(events, context:\n    pass\n'))),
    );
    expect(syntax.message).toContain('customer_script.py", line 1');
    expect(syntax.message).toContain("SyntaxError: '(' was never closed");

    const missing = await failure(
      action.run(actionRun(python('def handler(events, context):\n    return 1\n'))),
    );
    expect(missing.message).toBe(
      "Step fails when it is Poll action status for completion. AttributeError - module 'customer_script' has no attribute 'script_handler'. Please refer to Automation Service Troubleshooting Guide for more diagnosis details.",
    );

    const notJson = await failure(
      action.run(actionRun(python('def script_handler(events, context):\n    return {"s": {1, 2}}\n'))),
    );
    expect(notJson.message).toContain('TypeError - Object of type set is not JSON serializable');

    const exited = await failure(
      action.run(actionRun(python('import os\ndef script_handler(events, context):\n    os._exit(3)\n'))),
    );
    expect(exited.message).toContain('The script ended before its handler returned (exit code 3)');
  });

  it('a payload over 100 KB fails the step; one under it is returned whole; big events go in whole', async () => {
    const under = await action.run(
      actionRun(python('def script_handler(events, context):\n    return "x" * 100000\n')),
    );
    expect(String(under.outputs.Payload)).toHaveLength(100_000);
    const big = await action.run(
      actionRun(
        python('def script_handler(events, context):\n    return len(events["blob"])\n', {
          InputPayload: { blob: 'é'.repeat(1_000_000) },
        }),
      ),
    );
    expect(big.outputs.Payload).toBe(1_000_000);
    const over = await failure(
      action.run(actionRun(python('def script_handler(events, context):\n    return "x" * 200000\n'))),
    );
    expect(over.message).toContain(
      'The script returned 200002 bytes of JSON; aws:executeScript returns up to 100 KB',
    );
  });

  /**
   * Starts a script that sleeps in itself and in a child process, and waits until both run. The run's
   * promise is wrapped: an async function returning it would wait for it.
   */
  async function startSleeper(
    marker: number,
    controller: AbortController,
  ): Promise<{ pending: Promise<ActionResult> }> {
    const pending = action.run(
      actionRun(
        python(
          [
            'import os, subprocess, time',
            'def script_handler(events, context):',
            `    subprocess.Popen(["sleep", "${marker}"])`,
            `    open("/tmp/sleeper-${marker}.pid", "w").write(str(os.getpid()))`,
            '    time.sleep(3600)',
          ].join('\n'),
        ),
        controller,
      ),
    );
    pending.catch(() => undefined);
    const deadline = Date.now() + 20_000;
    while (
      !(await inRunner(`ps -eo args; cat /tmp/sleeper-${marker}.pid 2>/dev/null || true`)).includes(
        `sleep ${marker}`,
      )
    ) {
      if (Date.now() > deadline) throw new Error('the sleeper did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { pending };
  }

  /** Neither the handler's process nor its child is left in the runner. */
  async function expectGone(marker: number): Promise<void> {
    const left = await inRunner(
      `ps -eo args | grep -c "[s]leep ${marker}" || true; kill -0 "$(cat /tmp/sleeper-${marker}.pid)" 2>/dev/null && echo alive || echo gone; rm -f /tmp/sleeper-${marker}.pid`,
    );
    expect(left.trim().split('\n')).toEqual(['0', 'gone']);
  }

  it('a step timeout (the signal aborted with "timeout") kills the script and its children', async () => {
    const controller = new AbortController();
    const marker = 90_000 + Math.floor(Math.random() * 9_999);
    const { pending } = await startSleeper(marker, controller);
    const started = Date.now();
    controller.abort('timeout');
    await expect(pending).rejects.toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectGone(marker);
  });

  it('a cancel (StopAutomationExecution) kills the script too', async () => {
    const controller = new AbortController();
    const marker = 80_000 + Math.floor(Math.random() * 9_999);
    const { pending } = await startSleeper(marker, controller);
    controller.abort('cancel');
    await expect(pending).rejects.toBe('cancel');
    await expectGone(marker);
  });

  it('600 seconds on the emulator’s clock end the run as TimedOut', async () => {
    const marker = 70_000 + Math.floor(Math.random() * 9_999);
    const { pending } = await startSleeper(marker, new AbortController());
    await advanceClock(server.endpoint, 601);
    const error = await failure(pending);
    expect(error.status).toBe('TimedOut');
    expect(error.failureType).toBe('Timeout');
    expect(error.message).toContain('600 seconds');
    await expectGone(marker);
  });

  it('refuses PowerShell, Attachment and inputs AWS would refuse', async () => {
    const powershell = await failure(
      action.run(actionRun({ Runtime: 'PowerShell 7.4', Script: 'Write-Output "hi"' })),
    );
    expect(powershell.failureType).toBe('Verification');
    expect(powershell.message).toContain('Runtime PowerShell 7.4 is not available in ssm-local');

    const attachment = await failure(
      action.run(actionRun({ Runtime: 'python3.11', Handler: 'main.handler', Attachment: 'script.zip' })),
    );
    expect(attachment.failureType).toBe('Verification');
    expect(attachment.message).toContain('Attachment is not supported');

    const retired = await failure(
      action.run(actionRun(python('def script_handler(e, c):\n    return 1\n', { Runtime: 'python3.8' }))),
    );
    expect(retired.failureType).toBe('Verification');
    expect(retired.message).toContain('python3.8 is no longer supported');

    const validate = action.validate;
    if (!validate) throw new Error('no validate');
    expect(() => validate({ Handler: 'h', Script: 's' })).toThrow('Runtime is required');
    expect(() => validate({ Runtime: 'python2.7', Handler: 'h', Script: 's' })).toThrow(
      'Runtime "python2.7" is not supported by aws:executeScript',
    );
    expect(() => validate({ Runtime: 'python3.11', Script: 's' })).toThrow('Handler is required');
    expect(() => validate({ Runtime: 'python3.11', Handler: 'h' })).toThrow('needs Script');
    expect(() => validate({ Runtime: 'python3.11', Handler: 'h', Script: 's', InputPayload: [1] })).toThrow(
      'InputPayload must be a JSON or YAML object',
    );
    // Variables are resolved later: a {{ }} Runtime or InputPayload passes.
    expect(() =>
      validate({ Runtime: '{{ Runtime }}', Handler: 'h', Script: 's', InputPayload: '{{ Payload }}' }),
    ).not.toThrow();
    expect(action.restart).toBe('fail');
  });

  it('costs little per run once the runner exists', async () => {
    const inputs = python('def script_handler(events, context):\n    return events\n', {
      InputPayload: { a: 1 },
    });
    await action.run(actionRun(inputs));
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await action.run(actionRun(inputs));
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const median = times[5] ?? 0;
    console.log(
      `aws:executeScript per run: median ${median.toFixed(0)} ms, max ${(times[9] ?? 0).toFixed(0)} ms`,
    );
    expect(median).toBeLessThan(1_000);
  });
});
