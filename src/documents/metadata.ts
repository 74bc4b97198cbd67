// UpdateDocumentMetadata and ListDocumentMetadataHistory: the review (approval) workflow of a
// document version. SendForReview puts a version in review (PENDING; one version at a time),
// UpdateReview adds a comment to the review, Approve makes it the APPROVED version (the previously
// approved one becomes REJECTED), Reject ends the review as REJECTED.
import type {
  ListDocumentMetadataHistoryRequest,
  ListDocumentMetadataHistoryResponse,
  UpdateDocumentMetadataRequest,
  UpdateDocumentMetadataResponse,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { documentErrors } from './errors.js';
import { numberKey, paginate } from './paging.js';
import { requireOwn, requireReadable, selectVersion, type ReviewResponse } from './state.js';

const DEFAULT_MAX_RESULTS = 50;

export async function updateDocumentMetadata(
  input: UpdateDocumentMetadataRequest,
  ctx: RequestContext,
): Promise<UpdateDocumentMetadataResponse> {
  const doc = requireOwn(ctx, input.Name!);
  const version = selectVersion(doc, input.DocumentVersion ?? '$LATEST', undefined);
  const action = input.DocumentReviews!.Action!;
  const comment = input.DocumentReviews!.Comment?.[0]?.Content;
  const now = ctx.services.clock.now().getTime();
  const inReview = version.reviewStatus === 'PENDING';
  switch (action) {
    case 'SendForReview': {
      const pending = doc.versions.find((v) => v.reviewStatus === 'PENDING');
      if (pending) {
        throw documentErrors.operation(
          `Version ${pending.version} of the document is already in review. Only one version of a document can be in review at a time.`,
        );
      }
      if (version.reviewStatus === 'APPROVED') {
        throw documentErrors.operation(`Version ${version.version} of the document is already approved.`);
      }
      version.reviewStatus = 'PENDING';
      break;
    }
    case 'UpdateReview':
    case 'Approve':
    case 'Reject':
      if (!inReview) {
        throw documentErrors.operation(
          `Version ${version.version} of the document is not in review. Send it for review first (Action SendForReview).`,
        );
      }
      if (action === 'Approve') {
        for (const v of doc.versions) if (v.reviewStatus === 'APPROVED') v.reviewStatus = 'REJECTED';
        version.reviewStatus = 'APPROVED';
      } else if (action === 'Reject') {
        version.reviewStatus = 'REJECTED';
      }
      break;
  }
  const response: ReviewResponse = {
    createdAt: now,
    updatedAt: now,
    status: version.reviewStatus!,
    reviewer: ctx.accountId,
    ...(comment !== undefined ? { comment } : {}),
  };
  (version.reviews ??= []).push(response);
  await ctx.persist();
  return {};
}

export function listDocumentMetadataHistory(
  input: ListDocumentMetadataHistoryRequest,
  ctx: RequestContext,
): ListDocumentMetadataHistoryResponse {
  const found = requireReadable(ctx, input.Name!);
  const version = selectVersion(
    found.doc,
    input.DocumentVersion ?? '$LATEST',
    undefined,
    found.sharedVersion,
  );
  const responses = (version.reviews ?? []).map((r, i) => ({ r, key: numberKey(i) }));
  const page = paginate(
    'ListDocumentMetadataHistory',
    responses,
    (x) => x.key,
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  return {
    Name: found.doc.name,
    DocumentVersion: String(version.version),
    Metadata: {
      ReviewerResponse: page.items.map(({ r }) => ({
        CreateTime: new Date(r.createdAt),
        UpdatedTime: new Date(r.updatedAt),
        ReviewStatus: r.status,
        ...(r.comment !== undefined ? { Comment: [{ Type: 'Comment' as const, Content: r.comment }] } : {}),
        Reviewer: r.reviewer,
      })),
    },
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}
