// GetDocument and DescribeDocument: by name or ARN (own, Amazon's, or shared with the caller), any
// version selected by number, $DEFAULT, $LATEST or VersionName. GetDocument converts the content
// when asked for another format than the one stored.
import type {
  DescribeDocumentRequest,
  DescribeDocumentResult,
  GetDocumentRequest,
  GetDocumentResult,
  DocumentType,
  DocumentFormat as SdkDocumentFormat,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { parseContent, renderContent } from './content.js';
import { documentErrors } from './errors.js';
import { describe, requireReadable, selectVersion } from './state.js';

export function getDocument(input: GetDocumentRequest, ctx: RequestContext): GetDocumentResult {
  const found = requireReadable(ctx, input.Name!);
  const v = selectVersion(found.doc, input.DocumentVersion, input.VersionName, found.sharedVersion);
  const format = input.DocumentFormat ?? v.format;
  let content = v.content;
  if (format !== v.format) {
    if (format === 'TEXT') {
      throw documentErrors.validation(
        `The document ${found.doc.name} can't be returned in TEXT format. Use JSON or YAML.`,
      );
    }
    content = renderContent(parseContent(v.content, v.format), format);
  }
  return {
    Name: found.own || found.doc.owner === 'Amazon' ? found.doc.name : input.Name!,
    CreatedDate: new Date(v.createdAt),
    ...(v.displayName !== undefined ? { DisplayName: v.displayName } : {}),
    ...(v.versionName !== undefined ? { VersionName: v.versionName } : {}),
    DocumentVersion: String(v.version),
    Status: 'Active',
    Content: content,
    DocumentType: found.doc.documentType as DocumentType,
    DocumentFormat: format as SdkDocumentFormat,
    ...(found.doc.requires ? { Requires: found.doc.requires } : {}),
    ...(v.reviewStatus ? { ReviewStatus: v.reviewStatus } : {}),
  };
}

export function describeDocument(
  input: DescribeDocumentRequest,
  ctx: RequestContext,
): DescribeDocumentResult {
  const found = requireReadable(ctx, input.Name!);
  const v = selectVersion(found.doc, input.DocumentVersion, input.VersionName, found.sharedVersion);
  const name = found.own || found.doc.owner === 'Amazon' ? found.doc.name : input.Name!;
  return { Document: describe(found.doc, v, { name, tags: found.own }) };
}
