// DescribeDocumentPermission and ModifyDocumentPermission (PermissionType Share): share a document
// with accounts, or publicly with 'All'. Accounts the emulator serves really see what is shared with
// them (ListDocuments Owner Private/Public, GetDocument and DescribeDocument by ARN).
import type {
  DescribeDocumentPermissionRequest,
  DescribeDocumentPermissionResponse,
  ModifyDocumentPermissionRequest,
  ModifyDocumentPermissionResponse,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { documentErrors } from './errors.js';
import { paginate } from './paging.js';
import { requireOwn, stateOf, type ShareRecord } from './state.js';

/** AWS's quotas: a private document shared with at most 1,000 accounts; at most 5 public documents. */
export const MAX_SHARED_ACCOUNTS = 1000;
export const MAX_PUBLIC_DOCUMENTS = 5;
const DEFAULT_MAX_RESULTS = 200;

const normalise = (id: string): string => (id.toLowerCase() === 'all' ? 'all' : id);

export function describeDocumentPermission(
  input: DescribeDocumentPermissionRequest,
  ctx: RequestContext,
): DescribeDocumentPermissionResponse {
  const doc = requireOwn(ctx, input.Name!);
  const shares = [...doc.shares].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  const page = paginate(
    'DescribeDocumentPermission',
    shares,
    (s) => s.accountId,
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  return {
    AccountIds: page.items.map((s) => s.accountId),
    AccountSharingInfoList: page.items.map((s) => ({
      AccountId: s.accountId,
      SharedDocumentVersion: s.version,
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

export async function modifyDocumentPermission(
  input: ModifyDocumentPermissionRequest,
  ctx: RequestContext,
): Promise<ModifyDocumentPermissionResponse> {
  const doc = requireOwn(ctx, input.Name!);
  const add = [...new Set((input.AccountIdsToAdd ?? []).map(normalise))];
  const remove = [...new Set((input.AccountIdsToRemove ?? []).map(normalise))];
  for (const list of [add, remove]) {
    if (list.includes('all') && list.length > 1) {
      throw documentErrors.permissionLimit('Accounts can either be all or a group of AWS accounts');
    }
  }
  const version = input.SharedDocumentVersion ?? '$DEFAULT';
  let shares: ShareRecord[] = doc.shares.filter(
    (s) => !remove.includes(s.accountId) && !remove.includes('all'),
  );
  if (add.includes('all')) shares = [{ accountId: 'all', version }];
  else if (add.length > 0) {
    shares = shares.filter((s) => s.accountId !== 'all' && !add.includes(s.accountId));
    shares.push(...add.map((accountId) => ({ accountId, version })));
  }
  if (shares.filter((s) => s.accountId !== 'all').length > MAX_SHARED_ACCOUNTS) {
    throw documentErrors.permissionLimit(
      `The document can't be shared with more accounts. A private document can be shared with at most ${MAX_SHARED_ACCOUNTS} accounts.`,
    );
  }
  const wasPublic = doc.shares.some((s) => s.accountId === 'all');
  if (add.includes('all') && !wasPublic) {
    const publicCount = stateOf(ctx).documents.filter((d) =>
      d.shares.some((s) => s.accountId === 'all'),
    ).length;
    if (publicCount >= MAX_PUBLIC_DOCUMENTS) {
      throw documentErrors.permissionLimit(
        `The document can't be shared publicly. An account can share at most ${MAX_PUBLIC_DOCUMENTS} documents publicly.`,
      );
    }
  }
  doc.shares = shares;
  await ctx.persist();
  return {};
}
