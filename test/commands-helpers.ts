// Helpers shared by the Run Command test files (test/commands*.test.ts).
import {
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type Command,
  type GetCommandInvocationCommandOutput,
  type SendCommandRequest,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls fn until accept(value) holds; fails with the last value after timeoutMs. */
export async function eventually<T>(
  fn: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await sleep(intervalMs);
    last = await fn();
  }
  return last;
}

export async function runShell(
  ssm: SSMClient,
  commands: string[],
  request: Partial<SendCommandRequest> & { executionTimeout?: string; workingDirectory?: string },
): Promise<Command> {
  const { executionTimeout, workingDirectory, ...rest } = request;
  const parameters: Record<string, string[]> = { commands };
  if (executionTimeout) parameters.executionTimeout = [executionTimeout];
  if (workingDirectory) parameters.workingDirectory = [workingDirectory];
  const sent = await ssm.send(
    new SendCommandCommand({ DocumentName: 'AWS-RunShellScript', Parameters: parameters, ...rest }),
  );
  return sent.Command!;
}

export function getInvocation(
  ssm: SSMClient,
  commandId: string,
  instanceId: string,
  pluginName?: string,
): Promise<GetCommandInvocationCommandOutput> {
  return ssm.send(
    new GetCommandInvocationCommand({
      CommandId: commandId,
      InstanceId: instanceId,
      ...(pluginName ? { PluginName: pluginName } : {}),
    }),
  );
}

const TERMINAL = ['Success', 'Failed', 'TimedOut', 'Cancelled'];

/** Waits until the invocation reaches a terminal status (or one of `statuses`). */
export function settled(
  ssm: SSMClient,
  commandId: string,
  instanceId: string,
  statuses: string[] = TERMINAL,
  timeoutMs = 30_000,
): Promise<GetCommandInvocationCommandOutput> {
  return eventually(
    () => getInvocation(ssm, commandId, instanceId),
    (inv) => statuses.includes(inv.Status ?? ''),
    timeoutMs,
  );
}

export async function getCommand(ssm: SSMClient, commandId: string): Promise<Command> {
  const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
  return listed.Commands![0]!;
}

/** Waits until the command's aggregated status is terminal. */
export function commandSettled(ssm: SSMClient, commandId: string, timeoutMs = 30_000): Promise<Command> {
  return eventually(
    () => getCommand(ssm, commandId),
    (c) => ['Success', 'Failed', 'TimedOut', 'Cancelled'].includes(c.Status ?? ''),
    timeoutMs,
  );
}

/** Runs argv in a container through the engine directly (not through ssm-local), for checks. */
export async function dockerExec(docker: Docker, containerId: string, argv: string[]): Promise<string> {
  const exec = await docker
    .getContainer(containerId)
    .exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  docker.modem.demuxStream(stream, out, new PassThrough());
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
  });
  return Buffer.concat(chunks).toString('utf8');
}

/** The command lines of the processes running in a container. */
export async function processes(docker: Docker, containerId: string): Promise<string[]> {
  const out = await dockerExec(docker, containerId, ['ps', '-eo', 'args=']);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
