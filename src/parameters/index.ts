// Parameter Store: PutParameter, GetParameter(s), GetParametersByPath, DescribeParameters,
// GetParameterHistory, (Un)LabelParameterVersion, DeleteParameter(s), and the Parameter resource type
// for the tagging operations. An Expiration policy really deletes its parameter: every operation
// treats a parameter past its expiration as gone, and a sweep (every few seconds, on the injected
// clock) deletes it from the store.
//
// What differs from real SSM:
// - SecureString values are encrypted with a local master key, not KMS. Any well-formed KeyId (key id,
//   key ARN, alias name or alias ARN) is accepted and recorded; whether such a key exists is not
//   checked. The ciphertext shown without WithDecryption is this emulator's blob, not a KMS one.
// - Notification policies (ExpirationNotification, NoChangeNotification) are validated, stored and
//   shown (PolicyStatus Pending) but send no event: there is no EventBridge. Policy error messages,
//   and a few other messages marked "wording ours" in errors.ts, are not AWS's exact text.
// - aws:ec2:image values are checked for the AMI id format at once (AWS checks the image itself
//   asynchronously and reports through events); aws:ssm:integration is accepted without its further
//   rules.
// - AllowedPattern runs on RE2 (linear time, so no pattern can hang the server): patterns that need
//   lookaround or backreferences, which AWS's Java engine accepts, are refused as invalid.
// - The type of a parameter inside a hierarchy cannot be changed (HierarchyTypeMismatchException);
//   a top-level parameter's can. This reading of AWS's documentation is not confirmed by a recording.
// - Also not confirmed by a recording: GetParameterHistory asked by ARN answers the parameter's name
//   as Name (as GetParameter and GetParameters are recorded doing), and DescribeParameters' text for a
//   bad Path filter is moto's (plain quotes around aws and ssm, where GetParametersByPath's recorded
//   text has backslashes before them).
// - Public parameters are a fixed set from fixtures/public-parameters.json (global-infrastructure
//   regions and services, a few Amazon Linux AMI ids for us-east-1 and us-west-2 only). They are not in
//   GetParameterHistory, and DescribeParameters lists them only for a Name filter under /aws/service/.
// - No resource sharing: DescribeParameters with Shared lists nothing, and an ARN of another account
//   or region is not found. Secrets Manager references (/aws/reference/secretsmanager/...) are not
//   served.
// - DescribeParameters filters first and pages after, so a page is full whenever more results exist
//   (AWS may return short or empty pages with a NextToken when filters are used).
// - LastModifiedUser is arn:aws:iam::<account>:user/ssm-local for every change.
import type { Capability, RequestContext, Services, Tag } from '../core/capability.js';
import { errors } from '../protocol/errors.js';
import { getParametersByPath } from './by-path.js';
import { deleteParameter, deleteParameters } from './delete.js';
import { describeParameters } from './describe.js';
import { getParameter, getParameters, parameterReader } from './get.js';
import { getParameterHistory } from './history.js';
import { labelParameterVersion, unlabelParameterVersion } from './labels.js';
import { PARAMETERS } from './api.js';
import { parseReference } from './names.js';
import { putParameter } from './put.js';
import { CAPABILITY, parametersState, purgeExpired, stateOf } from './state.js';

export interface ParametersOptions {
  /** How often the expiration sweep runs, in clock milliseconds (default 2000). */
  sweepIntervalMs?: number;
}

/** Deletes every expired parameter in every account and region. Returns how many went. */
export function sweepExpired(services: Services): number {
  const now = services.clock.now().getTime();
  let purged = 0;
  for (const scope of services.store.scopes()) purged += purgeExpired(stateOf(scope), now);
  if (purged > 0) {
    services.store.persist().catch((error: unknown) => {
      console.error('ssm-local: could not write the expiration of parameters:', error);
    });
  }
  return purged;
}

function parameterTags(ctx: RequestContext, resourceId: string): Tag[] {
  let key: string;
  try {
    const ref = parseReference(ctx, resourceId);
    if (ref.foreign) throw errors.invalidResourceId();
    key = ref.key;
  } catch {
    throw errors.invalidResourceId();
  }
  const parameter = parametersState(ctx).parameters[key];
  if (!parameter) throw errors.invalidResourceId();
  return parameter.tags;
}

export function parametersCapability(options: ParametersOptions = {}): Capability {
  return {
    name: CAPABILITY,
    provides: [PARAMETERS],
    handlers: {
      PutParameter: putParameter,
      GetParameter: getParameter,
      GetParameters: getParameters,
      GetParametersByPath: getParametersByPath,
      DescribeParameters: describeParameters,
      GetParameterHistory: getParameterHistory,
      LabelParameterVersion: labelParameterVersion,
      UnlabelParameterVersion: unlabelParameterVersion,
      DeleteParameter: deleteParameter,
      DeleteParameters: deleteParameters,
    },
    taggable: { Parameter: { tags: parameterTags } },
    start(services) {
      services.registry.provide(PARAMETERS, parameterReader);
      // Cancelled with every other timer when the runtime stops.
      services.scheduler.every(options.sweepIntervalMs ?? 2000, () => {
        sweepExpired(services);
      });
    },
    status: () => ({ up: true }),
  };
}
