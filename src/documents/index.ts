// SSM documents: CreateDocument, GetDocument, DescribeDocument, ListDocuments, UpdateDocument,
// ListDocumentVersions, UpdateDocumentDefaultVersion, DeleteDocument, DescribeDocumentPermission,
// ModifyDocumentPermission, UpdateDocumentMetadata, ListDocumentMetadataHistory, tags on the
// Document resource type, Amazon-owned documents from fixtures/documents/, and the execution
// contract of api.ts (resolveForExecution, plan, resolveSource, planLocalDocument) for Run Command.
//
// What differs from real SSM:
// - Document types: Command, Policy, Automation, Automation.ChangeTemplate and Session. Others
//   (Package, ApplicationConfiguration*, ChangeCalendar, ...) and Attachments answer a
//   ValidationException saying ssm-local does not support them; DocumentFormat TEXT is refused.
// - Content is validated structurally (schema version per type, runtimeConfig/mainSteps, plugin
//   names, step names, preconditions, parameter declarations), not against AWS's full JSON schemas.
//   Wording of most InvalidDocumentContent / InvalidDocumentSchemaVersion messages is ssm-local's;
//   "JSON not well-formed. at Line: L, Column: C" follows AWS's (YAML's is written to match).
// - CreateDocument answers Status Creating and UpdateDocument Updating, like AWS; the stored
//   document is Active at once (AWS takes a moment).
// - GetDocument's format conversion (JSON <-> YAML) is semantically AWS's, whitespace may differ.
// - No account-wide document quota (DocumentLimitExceeded) is enforced; versions (1,000 per
//   document), content size (64 KB), sharing (1,000 accounts, 5 public documents) are.
// - Reviews: the reviewer recorded is the caller's account id (ssm-local has no IAM identities);
//   Author is not reported. UpdateDocumentMetadata / ListDocumentMetadataHistory default to the
//   latest version when DocumentVersion is omitted.
// - Sharing works between the accounts this emulator serves, in the same region.
// - plan(): {{ssm:name}} Parameter Store references in supplied values and defaults are replaced
//   with the parameter's value (through the parameters capability's ParameterReader) when the
//   command is planned; a missing parameter, or a SecureString one (AWS: documents don't support
//   references to SecureString parameters), answers InvalidParameters with a message of
//   ssm-local's. allowedPattern must match the whole value, and runs on RE2 (as Parameter Store's
//   AllowedPattern does) so no pattern can hang the server: CreateDocument and UpdateDocument
//   refuse, with InvalidDocumentContent (wording ours), a pattern RE2 cannot run (lookaround,
//   backreferences), which Java's regex syntax would accept. A document file that an
//   aws:runDocument step reads from the instance is not validated as CreateDocument validates; its
//   allowedPattern, if RE2 cannot run it, is not checked.
//   The texts for a missing required parameter and for type/limit violations are ssm-local's; an
//   undeclared parameter or a value outside allowedValues gets AWS's "Parameters provided in
//   document are invalid or not supported.", an allowedPattern mismatch AWS's
//   `Parameter "x" has value "v" not matching "pattern".`
// - Texts not confirmed against AWS: the reserved-prefix refusal ("Invalid document name X", with
//   the prefixes aws-, amazon, amzn, AWSEC2, AWSConfigRemediation, AWSSupport, any case), refusals
//   of writes to Amazon's documents (InvalidDocumentOperation), deleting the default version alone,
//   and review-state errors. An unknown VersionName answers InvalidDocumentVersion.
// - ListDocuments' default page size is 50 (its maximum); shared documents are listed under their
//   ARN; PlatformTypes come from the plugins (aws:runShellScript Linux+MacOS,
//   aws:runPowerShellScript Windows+Linux, as AWS's plugin reference lists them).
// - Amazon documents: AWS-RunShellScript, AWS-RunPowerShellScript, AWS-RunDocument only.
//   AWS-RunDocument's steps and two of its parameters are reconstructed from AWS's documented
//   pattern, and two CreatedDates are approximate (fixtures/documents/catalog.json says which).
import type { Capability, RequestContext } from '../core/capability.js';
import { PARAMETERS } from '../parameters/api.js';
import { errors } from '../protocol/errors.js';
import { amazonDocuments } from './amazon.js';
import { DOCUMENTS } from './api.js';
import { createDocument } from './create.js';
import { deleteDocument } from './delete.js';
import { listDocuments } from './list.js';
import { listDocumentMetadataHistory, updateDocumentMetadata } from './metadata.js';
import { describeDocumentPermission, modifyDocumentPermission } from './permissions.js';
import { documentsApi } from './plan.js';
import { describeDocument, getDocument } from './read.js';
import { findOwn } from './state.js';
import { updateDocument, updateDocumentDefaultVersion } from './update.js';
import { listDocumentVersions } from './versions.js';

export function documentsCapability(): Capability {
  return {
    name: 'documents',
    provides: [DOCUMENTS],
    // Parameter Store resolves {{ssm:name}} references when a command is planned.
    uses: [PARAMETERS],
    handlers: {
      CreateDocument: createDocument,
      GetDocument: getDocument,
      DescribeDocument: describeDocument,
      ListDocuments: listDocuments,
      UpdateDocument: updateDocument,
      ListDocumentVersions: listDocumentVersions,
      UpdateDocumentDefaultVersion: updateDocumentDefaultVersion,
      DeleteDocument: deleteDocument,
      DescribeDocumentPermission: describeDocumentPermission,
      ModifyDocumentPermission: modifyDocumentPermission,
      UpdateDocumentMetadata: updateDocumentMetadata,
      ListDocumentMetadataHistory: listDocumentMetadataHistory,
    },
    taggable: {
      Document: {
        tags(ctx: RequestContext, resourceId: string) {
          const doc = findOwn(ctx, resourceId);
          if (!doc) throw errors.invalidResourceId();
          return doc.tags;
        },
      },
    },
    start(services) {
      // Reads and validates the Amazon documents now, so a broken fixture stops the start.
      amazonDocuments();
      services.registry.provide(DOCUMENTS, documentsApi);
    },
  };
}
