// The runbook engine (see model.ts for its seams).
import type { StartAutomationExecutionRequest } from '@aws-sdk/client-ssm';
import type { RequestContext, Services } from '../../core/capability.js';
import { errors } from '../../protocol/errors.js';
import type { ActionDefinition, AutomationEngineApi } from '../model.js';
import type { ExecutionRecord } from '../state.js';

export class AutomationEngine implements AutomationEngineApi {
  private actions = new Map<string, ActionDefinition>();

  constructor(private readonly services: Services) {}

  /** The actions it runs, by name (set once, in the capability's start). */
  useActions(actions: Map<string, ActionDefinition>): void {
    this.actions = actions;
  }

  start(
    _ctx: RequestContext,
    _request: StartAutomationExecutionRequest,
    _parentExecutionId?: string,
  ): Promise<string> {
    return Promise.reject(errors.notImplemented('StartAutomationExecution'));
  }

  whenEnded(_accountId: string, _region: string, _executionId: string): Promise<ExecutionRecord | undefined> {
    return Promise.resolve(undefined);
  }

  stop(_ctx: RequestContext, _executionId: string, _type: 'Cancel' | 'Complete'): Promise<void> {
    return Promise.reject(errors.notImplemented('StopAutomationExecution'));
  }

  /** Picks executions left running or waiting by a restart up again (called once everything started). */
  async recover(): Promise<void> {}

  /** Stops running steps ('shutdown'), leaving their executions to recover() after a restart. */
  async close(): Promise<void> {}
}
