// What other capabilities may ask of Parameter Store: reading a parameter the way GetParameter
// does, for the `{{ssm:name}}` references that documents and Run Command parameters may hold.
import type { ParameterType } from '@aws-sdk/client-ssm';
import type { RequestContext, Services } from '../core/capability.js';

export interface ParameterReader {
  /**
   * The parameter as GetParameter (without decryption) reads it: name, name:version, name:label or
   * ARN, public /aws/service/ parameters too. Undefined when there is none.
   */
  read(ctx: RequestContext, name: string): { type: ParameterType; value: string } | undefined;
}

export const PARAMETERS_KEY = 'parameters.reader';

export function parameterReaderOf(services: Services): ParameterReader | undefined {
  return services.extensions.get(PARAMETERS_KEY) as ParameterReader | undefined;
}
