// aws:runShellScript and aws:runPowerShellScript, as the agent runs them: the commands, joined by
// newlines, go to `_script.sh` (or `_script.ps1`) in the step's orchestration folder and run as
// `sh -c <path>` (so a `#!` line is honoured and one shell runs the whole script); the working
// directory defaults to the agent's own (/usr/bin); AWS_SSM_INSTANCE_ID and AWS_SSM_REGION_NAME are
// set; the execution timeout (on the scheduler) kills the process group; a non-zero exit appends
// "failed to run commands: exit status N" to stderr; `exit 194` asks for a reboot. Without
// PowerShell in the instance, a PowerShell step fails with the agent's own error.
import type { ExecResult } from '../docker/executor.js';
import type { PluginStep } from '../documents/api.js';
import { appendLine } from './output.js';
import {
  DEFAULT_WORKING_DIRECTORY,
  errorMessage,
  executionTimeoutSeconds,
  failedOutcome,
  outcome,
  STOPPED_EXIT_CODE,
  stringInput,
  type StepContext,
  type StepOutcome,
} from './step.js';
import { execStoppable } from './stoppable-exec.js';

const REBOOT_EXIT_CODE = 194;

/** Marks a failure of the agent itself (not of the user's script) on the wrapper's stderr. */
const AGENT_ERROR = '__ssm_local_agent_error__:';

/**
 * The script file and the working directory go through the executor (ExecRequest.files and
 * workingDirectory: no process of their own); the shell step then runs `sh -c <path>`, and the rare
 * PowerShell step looks for PowerShell in a tiny wrapper. $1 is the script's path.
 */
const SHELL_ARGV = (path: string): string[] => ['sh', '-c', path];
const POWERSHELL_WRAPPER = `
for shell in /usr/bin/powershell /usr/bin/pwsh; do
  if [ -x "$shell" ]; then exec "$shell" -f "$1"; fi
done
printf '%s%s' '${AGENT_ERROR}' 'failed to run commands: fork/exec /usr/bin/pwsh: no such file or directory' >&2
exit 1
`;
const POWERSHELL_ARGV = (path: string): string[] => ['/bin/sh', '-c', POWERSHELL_WRAPPER, 'ssm-agent', path];

/** Runs a shell script step. */
export function runShellScript(sc: StepContext, step: PluginStep): Promise<StepOutcome> {
  return runScript(sc, step, SHELL_ARGV, '_script.sh');
}

/** Runs a PowerShell script step (PowerShell must be in the instance). */
export function runPowerShellScript(sc: StepContext, step: PluginStep): Promise<StepOutcome> {
  return runScript(sc, step, POWERSHELL_ARGV, '_script.ps1');
}

function commandLines(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (typeof value === 'string') return value === '' ? [] : [value];
  return [];
}

async function runScript(
  sc: StepContext,
  step: PluginStep,
  argvFor: (scriptPath: string) => string[],
  scriptName: string,
): Promise<StepOutcome> {
  const lines = commandLines(step.inputs.runCommand ?? step.inputs.commands);
  const script = `${lines.join('\n')}\n`;
  const workingDirectory = stringInput(step.inputs.workingDirectory) || DEFAULT_WORKING_DIRECTORY;
  const timeoutSeconds = executionTimeoutSeconds(step.inputs.timeoutSeconds);
  const scriptPath = `${sc.directory}/${scriptName}`;
  const run = await execStoppable(
    sc,
    {
      argv: argvFor(scriptPath),
      workingDirectory,
      env: { AWS_SSM_INSTANCE_ID: sc.instance.instanceId, AWS_SSM_REGION_NAME: sc.region },
      files: [{ path: scriptPath, content: script, mode: 0o755 }],
    },
    timeoutSeconds,
  );
  if (!run.started) return failedOutcome(`failed to run commands: ${errorMessage(run.error)}`);
  const { result, timedOut } = run;
  if (result.setupError) {
    return failedOutcome(setupFailure(result.setupError.kind, sc.directory, scriptPath, workingDirectory));
  }
  return interpretExit(sc, result, timedOut);
}

/** The agent's own messages for a step it could not start (whatever the executor's reason). */
function setupFailure(
  kind: 'mkdir' | 'write' | 'chdir',
  directory: string,
  scriptPath: string,
  workingDirectory: string,
): string {
  switch (kind) {
    case 'mkdir':
      return `failed to create orchestrationDir directory, ${directory}`;
    case 'write':
      return `failed to create script file. open ${scriptPath}: permission denied`;
    case 'chdir':
      return `failed to run commands: chdir ${workingDirectory}: no such file or directory`;
  }
}

/**
 * The executor's wrapper shell outlives the process group it kills and reports the job as "Killed"
 * on stderr; the agent kills the script's own process group, so nothing reports it there.
 */
function withoutKillReport(stderr: string): string {
  return stderr.replace(/(^|\n)Killed\n?$/, '$1');
}

function interpretExit(sc: StepContext, result: ExecResult, timedOut: boolean): StepOutcome {
  const { stdout } = result;
  const stopped = timedOut || sc.control.stopped;
  const stderr = stopped ? withoutKillReport(result.stderr) : result.stderr;
  if (stderr.startsWith(AGENT_ERROR)) return failedOutcome(stderr.slice(AGENT_ERROR.length), stdout);
  if (sc.control.stopReason === 'cancel')
    return outcome('Cancelled', 'Cancelled', STOPPED_EXIT_CODE, stdout, stderr);
  if (sc.control.stopReason === 'expire') {
    return outcome('TimedOut', 'DeliveryTimedOut', STOPPED_EXIT_CODE, stdout, stderr);
  }
  if (timedOut) return outcome('TimedOut', 'ExecutionTimedOut', STOPPED_EXIT_CODE, stdout, stderr);
  if (result.exitCode === 0) return outcome('Success', 'Success', 0, stdout, stderr);
  if (result.exitCode === REBOOT_EXIT_CODE && !sc.nested) {
    return {
      ...outcome('InProgress', 'InProgress', REBOOT_EXIT_CODE, stdout, stderr),
      rebootRequested: true,
    };
  }
  if (result.exitCode === null) {
    // Killed by a signal, or the container stopped under it: Go reports the wait status so.
    return outcome(
      'Failed',
      'Failed',
      -1,
      stdout,
      appendLine(stderr, 'failed to run commands: signal: killed'),
    );
  }
  return outcome(
    'Failed',
    'Failed',
    result.exitCode,
    stdout,
    appendLine(stderr, `failed to run commands: exit status ${result.exitCode}`),
  );
}
