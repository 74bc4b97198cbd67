// Compliance: PutComplianceItems, ListComplianceItems, ListComplianceSummaries and
// ListResourceComplianceSummaries over one store that the COMPLIANCE service (api.ts) writes too:
// State Manager puts association compliance there (and Patch Manager will put patch compliance), so
// the List operations show those items exactly as they show the ones a user put.
//
// What differs from real SSM:
// - PutComplianceItems accepts ResourceType ManagedInstance only (InvalidResourceType otherwise) and
//   a ResourceId that is a managed instance of the fleet in this account and region
//   (InvalidResourceId otherwise, also for a deregistered or a stopped EC2 instance).
// - ComplianceType must be Association, Patch or Custom:<name>; another name the model's pattern
//   allows is refused with a ValidationException (wording ours; AWS's answer is not on record).
// - UploadType PARTIAL is accepted for ComplianceType Association only (ValidationException
//   otherwise), as AWS documents it; that the association's SyncCompliance is MANUAL is not checked.
//   PARTIAL items need an Id, and ids must be unique within a request (InvalidItemContentException,
//   wording ours).
// - Size limits are ssm-local's (AWS does not document them for compliance): 200 KB per item and
//   1 MB for all items of a request, as JSON (ItemSizeLimitExceededException,
//   TotalSizeLimitExceededException). At most 10 Custom: types per resource, as AWS documents.
// - A matching ItemContentHash makes the request a no-op, as AWS documents; COMPLETE with no items
//   removes the type from the resource.
// - ListComplianceItems refuses more than one ResourceIds value (ValidationException, wording ours:
//   AWS documents one per call) and, without ResourceIds, lists every resource's items. Items are
//   ordered by resource, compliance type and item id. Items written without a Title show Title "".
// - Filters: Key is one of the item's or resource's fields (ComplianceType, Id, Title, Status,
//   Severity, ResourceId, InstanceId, ResourceType, ExecutionId, ExecutionType, ExecutionTime,
//   OverallSeverity), AWS:InstanceInformation.InstanceId or .PlatformType (other AWS: keys are
//   InvalidFilter), or else the name of a Details entry (DocumentName, PatchGroup, ...). Severity
//   LESS_THAN/GREATER_THAN compare by rank, ExecutionTime as a time, the rest as text. Status,
//   Severity and OverallSeverity values outside their enums, and bad ExecutionTime values, are
//   InvalidFilter (wording ours). In the summaries, Id, Title, Severity and Details keys choose the
//   items a summary counts; the other keys choose summaries.
// - A resource's OverallSeverity is the highest severity of its non-compliant items when it is
//   non-compliant, of all its items when compliant (AWS's recorded responses agree with this; its
//   rule is not documented). ListComplianceSummaries counts resources (FleetTotal first: each
//   resource once, non-compliant if it is for any type), ListResourceComplianceSummaries items.
// - Pages: 10 rows unless MaxResults says otherwise (AWS's defaults are not on record); filters
//   apply before paging, so a page is full whenever more rows exist.
// - No EventBridge events, no AWS Config recording, no resource data sync.
import type { Capability, Services } from '../core/capability.js';
import { FLEET } from '../instances/api.js';
import { COMPLIANCE } from './api.js';
import { listComplianceItems } from './list-items.js';
import { listComplianceSummaries, listResourceComplianceSummaries } from './list-summaries.js';
import { putComplianceItems } from './put.js';
import { CAPABILITY, applyWrite, removeItems } from './state.js';

export function complianceCapability(): Capability {
  return {
    name: CAPABILITY,
    provides: [COMPLIANCE],
    needs: [FLEET],
    handlers: {
      PutComplianceItems: putComplianceItems,
      ListComplianceItems: listComplianceItems,
      ListComplianceSummaries: listComplianceSummaries,
      ListResourceComplianceSummaries: listResourceComplianceSummaries,
    },
    start(services: Services) {
      services.registry.provide(COMPLIANCE, {
        put: async (ctx, write) => {
          await applyWrite(ctx, write);
        },
        remove: removeItems,
      });
    },
    status: () => ({ up: true }),
  };
}
