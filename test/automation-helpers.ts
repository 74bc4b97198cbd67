// Helpers shared by the Automation engine tests (test/automation-engine*.test.ts): a server on a
// frozen FakeClock (optionally with a memory fleet and a data file), runbooks created as Automation
// documents, and the execution read back from the store (so the engine is tested on its own records;
// GetAutomationExecution is the read side's, tested with it).
import {
  CreateDocumentCommand,
  SendAutomationSignalCommand,
  StartAutomationExecutionCommand,
  type SignalType,
  type SSMClient,
  type StartAutomationExecutionRequest,
} from '@aws-sdk/client-ssm';
import {
  automationState,
  type AutomationStatus,
  type ExecutionRecord,
  type StepRecord,
} from '../src/automation/state.js';
import { FakeClock } from '../src/core/fake-clock.js';
import type { StartOptions } from '../src/index.js';
import { eventually } from './commands-helpers.js';
import { startTestServer, type TestServer } from './support/server.js';

export const START = Date.parse('2030-01-01T00:00:00Z');
export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
const WAIT_MS = 3000;
const POLL_MS = 2;

export interface AutomationServer {
  server: TestServer;
  ssm: SSMClient;
  clock: FakeClock;
  stop(): Promise<void>;
}

export async function startAutomationServer(
  options: StartOptions = {},
  clock = new FakeClock(START),
): Promise<AutomationServer> {
  const server = await startTestServer({ clock, ...options });
  return { server, ssm: server.client(), clock, stop: () => server.stop() };
}

/** Creates an Automation runbook (schema 0.3) from its content. */
export async function createRunbook(
  ssm: SSMClient,
  name: string,
  content: Record<string, unknown>,
): Promise<void> {
  await ssm.send(
    new CreateDocumentCommand({
      Name: name,
      DocumentType: 'Automation',
      DocumentFormat: 'JSON',
      Content: JSON.stringify({ schemaVersion: '0.3', ...content }),
    }),
  );
}

export async function startAutomation(
  ssm: SSMClient,
  name: string,
  extra: Partial<StartAutomationExecutionRequest> = {},
): Promise<string> {
  const answer = await ssm.send(new StartAutomationExecutionCommand({ DocumentName: name, ...extra }));
  return answer.AutomationExecutionId!;
}

export async function signal(
  ssm: SSMClient,
  id: string,
  type: SignalType,
  payload?: Record<string, string[]>,
): Promise<void> {
  await ssm.send(
    new SendAutomationSignalCommand({
      AutomationExecutionId: id,
      SignalType: type,
      ...(payload ? { Payload: payload } : {}),
    }),
  );
}

/** The execution's record as the engine keeps it (a copy). */
export function record(server: TestServer, id: string): ExecutionRecord {
  const scope = server.ssm.runtime.services.store.scope(ACCOUNT, REGION);
  const found = automationState(scope).executions[id];
  if (!found) throw new Error(`no execution ${id}`);
  return structuredClone(found);
}

/** Every execution of the account and region (children included). */
export function allRecords(server: TestServer): ExecutionRecord[] {
  const scope = server.ssm.runtime.services.store.scope(ACCOUNT, REGION);
  return Object.values(automationState(scope).executions).map((e) => structuredClone(e));
}

export function step(execution: ExecutionRecord, name: string): StepRecord {
  const found = execution.steps.filter((s) => s.stepName === name).at(-1);
  if (!found) throw new Error(`no step ${name} in ${execution.automationExecutionId}`);
  return found;
}

/** Waits (in real time, briefly) until the execution's record satisfies accept. */
export function until(
  server: TestServer,
  id: string,
  accept: (execution: ExecutionRecord) => boolean,
): Promise<ExecutionRecord> {
  return eventually(async () => record(server, id), accept, WAIT_MS, POLL_MS);
}

export const untilStatus = (server: TestServer, id: string, ...statuses: AutomationStatus[]) =>
  until(server, id, (e) => statuses.includes(e.status));

/** Waits until the step's latest run has the status. */
export const untilStep = (server: TestServer, id: string, name: string, status: AutomationStatus) =>
  until(server, id, (e) => e.steps.some((s) => s.stepName === name && s.status === status));

/** A runbook step of aws:sleep. */
export const sleepStep = (name: string, duration: string, extra: Record<string, unknown> = {}) => ({
  name,
  action: 'aws:sleep',
  inputs: { Duration: duration },
  ...extra,
});
