// aws:downloadContent (of sourceType SSMDocument) and aws:runDocument: another SSM document run as
// nested steps, by name or from a file in the instance. Reading and planning the document is the
// documents capability's work (DocumentsApi); this runs its steps.
import type { ExecResult } from '../docker/executor.js';
import { DOCUMENTS, type ExecutableDocument, type PluginStep } from '../documents/api.js';
import type { InvocationControl } from './control.js';
import { applyExitModifiers, skippedByExitCondition } from './preconditions.js';
import {
  errorMessage,
  failedOutcome,
  outcome,
  sanitizeStepName,
  STOPPED_EXIT_CODE,
  stringInput,
  type StepContext,
  type StepOutcome,
} from './step.js';

/** How a nested step is run (the dispatcher, passed in so the two modules do not import each other). */
export type RunStep = (sc: StepContext, step: PluginStep) => Promise<StepOutcome>;

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
export async function downloadContent(sc: StepContext, step: PluginStep): Promise<StepOutcome> {
  const sourceType = stringInput(step.inputs.sourceType);
  if (sourceType !== 'SSMDocument') {
    return failedOutcome(
      `ssm-local cannot download content from ${sourceType || 'an unspecified source'}: only sourceType SSMDocument is supported. Step name: ${step.name}`,
    );
  }
  const documents = sc.ctx.services.registry.find(DOCUMENTS);
  let doc: ExecutableDocument;
  try {
    if (!documents) throw new Error('the documents capability is not available');
    doc = documents.resolveSource(sc.ctx, step.inputs.sourceInfo);
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

/** A LocalPath document that no earlier step downloaded: read from the instance and planned now. */
async function planLocalDocument(
  sc: StepContext,
  step: PluginStep,
): Promise<{ steps: PluginStep[]; schemaVersion: string }> {
  const documents = sc.ctx.services.registry.find(DOCUMENTS);
  if (!documents) throw new Error('the documents capability is not available');
  const path = stringInput(step.inputs.documentPath);
  const file = path.startsWith('/') ? path : `${sc.commandDirectory}/downloads/${path}`;
  const read = await execHelper(sc, ['cat', '--', file]);
  if (read.exitCode !== 0) throw new Error(`open ${file}: no such file or directory`);
  return documents.planLocalDocument(sc.ctx, file, read.stdout, step.inputs.documentParameters);
}

export async function runDocument(sc: StepContext, step: PluginStep, runStep: RunStep): Promise<StepOutcome> {
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
