// Runs one document step (plugin) inside an instance, as the SSM agent does: the gate first (known
// plugin, platform, preconditions), then the plugin itself. ssm-local executes aws:runShellScript,
// aws:runPowerShellScript, aws:runDocument and aws:downloadContent of SSM documents; other capabilities
// provide more plugins (RunCommand.registerPlugin, run through provided-plugin.ts).
import type { PluginStep } from '../documents/api.js';
import { downloadContent, runDocument } from './nested-documents.js';
import { stepGate } from './preconditions.js';
import { runProvidedPlugin } from './provided-plugin.js';
import { runPowerShellScript, runShellScript } from './script-runner.js';
import { failedOutcome, type StepContext, type StepOutcome } from './step.js';

/** Runs one step, or skips/fails it the way the agent does when it cannot run it. */
export async function runStep(sc: StepContext, step: PluginStep): Promise<StepOutcome> {
  const gate = stepGate(sc, step);
  if (gate) return gate;
  switch (step.action) {
    case 'aws:runShellScript':
      return runShellScript(sc, step);
    case 'aws:runPowerShellScript':
      return runPowerShellScript(sc, step);
    case 'aws:runDocument':
      return runDocument(sc, step, runStep);
    case 'aws:downloadContent':
      return downloadContent(sc, step);
    default: {
      const provided = sc.plugins.get(step.action);
      if (provided) return runProvidedPlugin(sc, step, provided);
      return failedOutcome(
        `ssm-local does not execute the plugin ${step.action} (it runs aws:runShellScript, aws:runPowerShellScript, aws:runDocument and aws:downloadContent of SSM documents). Step name: ${step.name}`,
      );
    }
  }
}
