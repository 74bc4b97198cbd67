// The errors of the patch state operations. AWS's run-time texts for these shapes are not recorded:
// InvalidFilter's is AWS's documented description of the shape, with the case named after it
// (wording ours); InvalidInstanceId's follows the text users report from Run Command (wording ours).
import { SsmError } from '../../protocol/errors.js';

const FILTER = "The filter name isn't valid. Verify that you entered the correct name and try again.";

export const patchStateErrors = {
  /** Wording ours after AWS's description of the shape. */
  invalidFilter: (detail: string) => new SsmError('InvalidFilter', `${FILTER} ${detail}`),
  /** Wording ours. */
  invalidInstanceId: (instanceId: string, accountId: string) =>
    new SsmError(
      'InvalidInstanceId',
      `Instances [[${instanceId}]] not in a valid state for account ${accountId}`,
    ),
};
