// Running one document step (plugin) inside an instance's container, as the SSM agent does:
//  - aws:runShellScript writes the commands, joined by newlines, to `_script.sh` in the step's
//    orchestration folder and runs `sh -c <path>` (so a `#!` line is honoured and one shell runs the
//    whole script); the working directory defaults to the agent's own (/usr/bin); AWS_SSM_INSTANCE_ID
//    and AWS_SSM_REGION_NAME are set; a non-zero exit appends "failed to run commands: exit status N"
//    to stderr; `exit 194` asks for a reboot.
//  - aws:runPowerShellScript writes `_script.ps1` and runs /usr/bin/powershell or /usr/bin/pwsh -f;
//    without PowerShell it fails with the agent's own error.
//  - aws:runDocument runs another SSM document (by name, or a file in the instance) as nested steps;
//    aws:downloadContent of sourceType SSMDocument copies a document into the instance for it.
//  - Schema 2.2 preconditions and unsupported plugins skip or fail steps with the agent's messages.
import type { CommandPluginStatus } from '@aws-sdk/client-ssm';
import { parse as parseYaml } from 'yaml';
import type { RequestContext } from '../core/capability.js';
import type { ExecHandle, ExecResult, InstanceExecutor } from '../docker/executor.js';
import { documentsOf, type ExecutableDocument, type PluginStep } from '../documents/api.js';
import type { ManagedInstance } from '../instances/api.js';
import { SsmError } from '../protocol/errors.js';
import type { InvocationControl } from './control.js';
import { appendLine } from './output.js';

export interface StepOutcome {
  status: CommandPluginStatus;
  statusDetails: string;
  responseCode: number;
  stdout: string;
  stderr: string;
  /** The script exited 194: the agent restarts the instance, then runs the step again. */
  rebootRequested?: boolean;
  /** onFailure/onSuccess asked for the remaining steps to be skipped. */
  exitCondition?: boolean;
}

export interface StepContext {
  /** A context for the documents capability (resolving nested documents). */
  ctx: RequestContext;
  executor: InstanceExecutor;
  instance: ManagedInstance;
  region: string;
  commandId: string;
  schemaVersion: string;
  control: InvocationControl;
  /** This step's folder in the instance. */
  directory: string;
  /** The command's folder in the instance. */
  commandDirectory: string;
  /** Inside aws:runDocument. */
  nested: boolean;
  /** Execution timeout timers, so the engine can clear them when it stops. */
  timers: Set<NodeJS.Timeout>;
}

export const ORCHESTRATION_ROOT = '/var/lib/amazon/ssm';
/** The agent runs from /usr/bin (its service's working directory): `pwd` prints /usr/bin. */
export const DEFAULT_WORKING_DIRECTORY = '/usr/bin';
/** The agent's Linux exit code for a process it stopped (timeout or cancel): 128 + SIGKILL. */
export const STOPPED_EXIT_CODE = 137;
const REBOOT_EXIT_CODE = 194;
const DEFAULT_EXECUTION_TIMEOUT = 3600;
const MIN_EXECUTION_TIMEOUT = 5;
const MAX_EXECUTION_TIMEOUT = 172_800;

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

export function sanitizeStepName(name: string): string {
  return name.replace(/:/g, '').replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The agent's ValidateExecutionTimeout: 5..172800 seconds, anything else means the default 3600. */
export function executionTimeoutSeconds(input: unknown): number {
  let seconds = Number.NaN;
  if (typeof input === 'number') seconds = Math.trunc(input);
  else if (typeof input === 'string' && input.trim() !== '') seconds = Math.trunc(Number(input.trim()));
  if (!Number.isFinite(seconds) || seconds < MIN_EXECUTION_TIMEOUT || seconds > MAX_EXECUTION_TIMEOUT) {
    return DEFAULT_EXECUTION_TIMEOUT;
  }
  return seconds;
}

/** Execution time a step may take at most (nested documents are bounded by the command's expiry). */
export function stepTimeoutSeconds(step: PluginStep): number {
  if (step.action === 'aws:runShellScript' || step.action === 'aws:runPowerShellScript') {
    return executionTimeoutSeconds(step.inputs.timeoutSeconds);
  }
  return DEFAULT_EXECUTION_TIMEOUT;
}

function commandLines(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (typeof value === 'string') return value === '' ? [] : [value];
  return [];
}

function stringInput(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function outcome(
  status: CommandPluginStatus,
  statusDetails: string,
  responseCode: number,
  stdout = '',
  stderr = '',
): StepOutcome {
  return { status, statusDetails, responseCode, stdout, stderr };
}

export function failedOutcome(message: string, stdout = ''): StepOutcome {
  return outcome('Failed', 'Failed', 1, stdout, message);
}

export function skippedOutcome(message: string): StepOutcome {
  return outcome('Success', 'Skipped', 0, message);
}

/** Runs one step, or skips/fails it the way the agent does when it cannot run it. */
export async function runStep(sc: StepContext, step: PluginStep): Promise<StepOutcome> {
  const gate = stepGate(sc, step);
  if (gate) return gate;
  switch (step.action) {
    case 'aws:runShellScript':
      return runScript(sc, step, SHELL_ARGV, '_script.sh');
    case 'aws:runPowerShellScript':
      return runScript(sc, step, POWERSHELL_ARGV, '_script.ps1');
    case 'aws:runDocument':
      return runDocument(sc, step);
    case 'aws:downloadContent':
      return downloadContent(sc, step);
    default:
      return failedOutcome(
        `ssm-local does not execute the plugin ${step.action} (it runs aws:runShellScript, aws:runPowerShellScript, aws:runDocument and aws:downloadContent of SSM documents). Step name: ${step.name}`,
      );
  }
}

/** The agent's getStepExecutionOperation: platform support and schema 2.2 preconditions. */
function stepGate(sc: StepContext, step: PluginStep): StepOutcome | undefined {
  const plugin = step.action;
  const known = KNOWN.has(plugin);
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
  let handle: ExecHandle;
  try {
    handle = await sc.executor.exec(sc.instance.containerId, {
      argv: argvFor(scriptPath),
      workingDirectory,
      env: { AWS_SSM_INSTANCE_ID: sc.instance.instanceId, AWS_SSM_REGION_NAME: sc.region },
      files: [{ path: scriptPath, content: script, mode: 0o755 }],
    });
  } catch (error) {
    return failedOutcome(`failed to run commands: ${error instanceof Error ? error.message : String(error)}`);
  }
  sc.control.attach(handle);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void handle.kill().catch(() => undefined);
  }, timeoutSeconds * 1000);
  timer.unref();
  sc.timers.add(timer);
  let result: ExecResult;
  try {
    result = await handle.result;
  } finally {
    clearTimeout(timer);
    sc.timers.delete(timer);
    sc.control.detach(handle);
  }
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

// ---- aws:downloadContent and aws:runDocument ----

function resolveDownloadDestination(sc: StepContext, value: unknown): string {
  const path = stringInput(value).replace(/\/+$/, '');
  if (path.startsWith('/')) return path;
  return path === '' ? `${sc.commandDirectory}/downloads` : `${sc.commandDirectory}/downloads/${path}`;
}

/** Runs a short helper in the container (no execution timeout: it only moves a file). */
async function execHelper(sc: StepContext, argv: string[]): Promise<ExecResult> {
  const handle = await sc.executor.exec(sc.instance.containerId, { argv });
  sc.control.attach(handle);
  try {
    return await handle.result;
  } finally {
    sc.control.detach(handle);
  }
}

/**
 * aws:downloadContent of sourceType SSMDocument copies the document into the instance, where a
 * following aws:runDocument (LocalPath) runs it: AWS-RunDocument's pattern. GitHub and S3 sources
 * would need the internet, which ssm-local's instances do not reach.
 */
async function downloadContent(sc: StepContext, step: PluginStep): Promise<StepOutcome> {
  const sourceType = stringInput(step.inputs.sourceType);
  if (sourceType !== 'SSMDocument') {
    return failedOutcome(
      `ssm-local cannot download content from ${sourceType || 'an unspecified source'}: only sourceType SSMDocument is supported. Step name: ${step.name}`,
    );
  }
  const documents = documentsOf(sc.ctx.services);
  let doc: ExecutableDocument;
  try {
    let info: unknown = step.inputs.sourceInfo;
    if (typeof info === 'string') info = parseYaml(info) as unknown;
    const record = info !== null && typeof info === 'object' ? (info as Record<string, unknown>) : {};
    const name = typeof record.name === 'string' ? record.name : '';
    const version = typeof record.version === 'string' ? record.version : undefined;
    if (!documents || name === '') throw new Error('sourceInfo must give the name of the SSM document');
    doc = documents.resolveForExecution(sc.ctx, name, version, ['Command']);
  } catch (error) {
    return failedOutcome(`failed to download content: ${errorMessage(error)}`);
  }
  const destination = resolveDownloadDestination(sc, step.inputs.destinationPath);
  const fileName = `${doc.name.replace(/^.*[/:]/, '')}.json`;
  const write = await execHelper(sc, [
    '/bin/sh',
    '-c',
    'mkdir -p "$1" && printf \'%s\' "$2" > "$1/$3"',
    'ssm-agent',
    destination,
    JSON.stringify(doc.content, null, 2),
    fileName,
  ]).catch((error: unknown) => ({
    exitCode: 1,
    stdout: '',
    stderr: errorMessage(error),
    containerLost: false,
  }));
  if (write.exitCode !== 0) return failedOutcome(`failed to download content: ${write.stderr.trim()}`);
  return outcome('Success', 'Success', 0, `Content downloaded to ${destination}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function documentParameters(value: unknown): Record<string, string[]> {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return {};
    parsed = parseYaml(value) as unknown;
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SsmError('InvalidParameters', 'documentParameters must be a map of parameter names to values.');
  }
  const out: Record<string, string[]> = {};
  for (const [name, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v))
      out[name] = v.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
    else out[name] = [typeof v === 'string' ? v : JSON.stringify(v)];
  }
  return out;
}

/** A LocalPath document that no earlier step downloaded: read from the instance and planned now. */
async function planLocalDocument(
  sc: StepContext,
  step: PluginStep,
): Promise<{ steps: PluginStep[]; schemaVersion: string }> {
  const documents = documentsOf(sc.ctx.services);
  if (!documents) throw new Error('the documents capability is not available');
  const path = stringInput(step.inputs.documentPath);
  const file = path.startsWith('/') ? path : `${sc.commandDirectory}/downloads/${path}`;
  const read = await execHelper(sc, ['cat', '--', file]);
  if (read.exitCode !== 0) throw new Error(`open ${file}: no such file or directory`);
  const content = parseYaml(read.stdout) as unknown;
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new Error(`${file} is not a valid SSM document`);
  }
  const record = content as Record<string, unknown>;
  const doc: ExecutableDocument = {
    name: path,
    documentVersion: '1',
    documentType: 'Command',
    schemaVersion: typeof record.schemaVersion === 'string' ? record.schemaVersion : '2.2',
    hash: '',
    hashType: 'Sha256',
    content: record,
  };
  return {
    steps: documents.plan(sc.ctx, doc, documentParameters(step.inputs.documentParameters)),
    schemaVersion: doc.schemaVersion,
  };
}

async function runDocument(sc: StepContext, step: PluginStep): Promise<StepOutcome> {
  const path = stringInput(step.inputs.documentPath);
  if (step.nestedError) return failedOutcome(`failed to run document ${path}: ${step.nestedError}`);
  let steps: PluginStep[];
  let schemaVersion: string;
  if (step.nested) {
    steps = step.nested.steps;
    schemaVersion = step.nested.document.schemaVersion;
  } else if (stringInput(step.inputs.documentType) === 'LocalPath') {
    try {
      ({ steps, schemaVersion } = await planLocalDocument(sc, step));
    } catch (error) {
      return failedOutcome(`failed to run document ${path}: ${errorMessage(error)}`);
    }
  } else {
    return failedOutcome(`failed to run document ${path}: the document could not be resolved`);
  }
  const outcomes: StepOutcome[] = [];
  for (let index = 0; index < steps.length; index++) {
    if (sc.control.stopped) break;
    const nested = steps[index]!;
    const skipped = skippedByExitCondition(steps, outcomes, index);
    const child: StepContext = {
      ...sc,
      schemaVersion,
      nested: true,
      directory: `${sc.directory}/${sanitizeStepName(nested.name)}`,
    };
    outcomes.push(skipped ?? applyExitModifiers(nested, await runStep(child, nested)));
  }
  return mergeNested(outcomes, sc.control);
}

function mergeNested(outcomes: StepOutcome[], control: InvocationControl): StepOutcome {
  const join = (parts: string[]): string => parts.filter((p) => p !== '').join('\n');
  const stdout = join(outcomes.map((o) => o.stdout));
  const stderr = join(outcomes.map((o) => o.stderr));
  const code = outcomes.find((o) => o.responseCode !== 0)?.responseCode ?? 0;
  if (control.stopReason === 'cancel')
    return outcome('Cancelled', 'Cancelled', STOPPED_EXIT_CODE, stdout, stderr);
  if (control.stopReason === 'expire')
    return outcome('TimedOut', 'DeliveryTimedOut', STOPPED_EXIT_CODE, stdout, stderr);
  if (outcomes.some((o) => o.status === 'Failed')) return outcome('Failed', 'Failed', code, stdout, stderr);
  if (outcomes.some((o) => o.status === 'TimedOut')) {
    return outcome('TimedOut', 'ExecutionTimedOut', code, stdout, stderr);
  }
  return outcome('Success', 'Success', code, stdout, stderr);
}
