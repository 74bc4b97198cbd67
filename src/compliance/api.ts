// What other capabilities (State Manager's association compliance, later Patch Manager's patch
// compliance) write into Compliance: the same store PutComplianceItems writes, read by
// ListComplianceItems, ListComplianceSummaries and ListResourceComplianceSummaries.
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
  /** Stores the items as PutComplianceItems does (no request validation: the caller's data is trusted). */
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
