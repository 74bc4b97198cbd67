// StartAutomationExecution, StopAutomationExecution and SendAutomationSignal: the engine does the
// work (index.ts); these only read the request. The model has already checked lengths, patterns and
// enums (ClientToken, MaxConcurrency, MaxErrors, Mode, Type, SignalType).
import type { Handlers } from '../../core/capability.js';
import type { AutomationEngine } from './index.js';

export function writeHandlers(engine: () => AutomationEngine): Handlers {
  return {
    async StartAutomationExecution(input, ctx) {
      return { AutomationExecutionId: await engine().start(ctx, input) };
    },
    async StopAutomationExecution(input, ctx) {
      await engine().stop(ctx, input.AutomationExecutionId ?? '', input.Type ?? 'Cancel');
      return {};
    },
    async SendAutomationSignal(input, ctx) {
      await engine().signal(ctx, input.AutomationExecutionId ?? '', input.SignalType!, input.Payload ?? {});
      return {};
    },
  };
}
