// What other capabilities (State Manager's association compliance, later Patch Manager's patch
// compliance) write into Compliance: the same store PutComplianceItems writes, read by
// ListComplianceItems, ListComplianceSummaries and ListResourceComplianceSummaries.
//
// Association compliance, as AWS records it (API reference and CLI examples of ListComplianceItems):
// one item per association on each instance, written with uploadType PARTIAL so that the other
// associations' items stay as they are:
//
//   put(ctx, {
//     resourceId: 'i-0123456789abcdef0', resourceType: 'ManagedInstance', complianceType: 'Association',
//     execution: { time: Date.now() },            // ExecutionTime only: AWS shows no ExecutionId/Type
//     items: [{
//       Id: association.AssociationId,
//       Title: '',                                // AWS answers "" for association items
//       Severity: association.ComplianceSeverity ?? 'UNSPECIFIED',
//       Status: succeeded ? 'COMPLIANT' : 'NON_COMPLIANT',
//       Details: { DocumentName: association.Name, DocumentVersion: '1' }, // the version that ran
//     }],
//     uploadType: 'PARTIAL',
//   });
//
// and on DeleteAssociation (or an instance leaving the association's targets),
// remove(ctx, instanceId, 'ManagedInstance', 'Association', [associationId]).
import type { RequestContext } from '../core/capability.js';
import { serviceKey } from '../core/services.js';

export interface ComplianceEntry {
  /** Unique within the resource and compliance type (an association id, a patch's KB/package id). */
  Id?: string;
  Title?: string;
  /** CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL or UNSPECIFIED. */
  Severity: string;
  Status: 'COMPLIANT' | 'NON_COMPLIANT';
  Details?: Record<string, string>;
}

export interface ComplianceWrite {
  resourceId: string;
  /** ManagedInstance for instances. */
  resourceType: string;
  /** Association, Patch, or Custom:<name>. */
  complianceType: string;
  execution: {
    /** Epoch milliseconds. */
    time: number;
    id?: string;
    /** Command, Automation, ... (ExecutionSummary.ExecutionType). */
    type?: string;
  };
  items: ComplianceEntry[];
  /** COMPLETE replaces every item of this type on the resource; PARTIAL only those with the same Id. */
  uploadType: 'COMPLETE' | 'PARTIAL';
  contentHash?: string;
}

export interface ComplianceApi {
  /**
   * Stores the items as PutComplianceItems does (no request validation, no fleet check: the caller's
   * data is trusted). COMPLETE with no items removes the type from the resource. A write whose
   * contentHash equals the stored one is ignored.
   */
  put(ctx: RequestContext, write: ComplianceWrite): Promise<void>;
  /** Removes items of a type from a resource: those with the ids given, or all of them. */
  remove(
    ctx: RequestContext,
    resourceId: string,
    resourceType: string,
    complianceType: string,
    ids?: string[],
  ): Promise<void>;
}

export const COMPLIANCE = serviceKey<ComplianceApi>('compliance');
