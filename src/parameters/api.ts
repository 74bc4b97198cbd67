// What other capabilities may ask of Parameter Store: reading a parameter the way GetParameter
// does, for the `{{ssm:name}}` references that documents and Run Command parameters may hold.
import type { ParameterType } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { serviceKey } from '../core/services.js';

export interface ParameterReader {
  /**
   * The parameter as GetParameter (without decryption) reads it: name, name:version, name:label or
   * ARN, public /aws/service/ parameters too. Undefined when there is none.
   */
  read(ctx: RequestContext, name: string): { type: ParameterType; value: string } | undefined;
}

export const PARAMETERS = serviceKey<ParameterReader>('parameters');
