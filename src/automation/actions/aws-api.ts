// aws:executeAwsApi, aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty, for Service
// ssm (the emulator's own API, through services.operations).
import type { ActionDefinition } from '../model.js';

export function awsApiActions(): Record<string, ActionDefinition> {
  return {};
}
