// Document sharing between accounts (ModifyDocumentPermission / DescribeDocumentPermission) and the
// review workflow (UpdateDocumentMetadata / ListDocumentMetadataHistory), through the real SDK.
import {
  CreateDocumentCommand,
  DeleteDocumentCommand,
  DescribeDocumentCommand,
  DescribeDocumentPermissionCommand,
  GetDocumentCommand,
  ListDocumentMetadataHistoryCommand,
  ListDocumentsCommand,
  ListDocumentVersionsCommand,
  ModifyDocumentPermissionCommand,
  UpdateDocumentCommand,
  UpdateDocumentMetadataCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const OWNER = '111122223333';
const FRIEND = '444455556666';
const STRANGER = '777788889999';

let server: TestServer;
let owner: SSMClient;
let friend: SSMClient;
let stranger: SSMClient;
beforeAll(async () => {
  server = await startTestServer();
  owner = server.client('us-east-1', OWNER);
  friend = server.client('us-east-1', FRIEND);
  stranger = server.client('us-east-1', STRANGER);
});
afterAll(async () => server.stop());

const content = (text: string) =>
  JSON.stringify({
    schemaVersion: '2.2',
    mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: [`echo ${text}`] } }],
  });

const create = (client: SSMClient, name: string) =>
  client.send(new CreateDocumentCommand({ Name: name, Content: content(name) }));

async function expectError(fn: () => Promise<unknown>, name: string, message?: string) {
  const error = await errorOf(fn);
  expect(error.name).toBe(name);
  expect(error.$metadata?.httpStatusCode).toBe(400);
  if (message !== undefined) expect(error.message).toBe(message);
}

const arn = (account: string, name: string) => `arn:aws:ssm:us-east-1:${account}:document/${name}`;

describe('sharing', () => {
  it('shares a document with one account, which reads it by ARN', async () => {
    await create(owner, 'Shared-Doc');
    await owner.send(
      new ModifyDocumentPermissionCommand({
        Name: 'Shared-Doc',
        PermissionType: 'Share',
        AccountIdsToAdd: [FRIEND],
      }),
    );
    const permission = await owner.send(
      new DescribeDocumentPermissionCommand({ Name: 'Shared-Doc', PermissionType: 'Share' }),
    );
    expect(permission.AccountIds).toEqual([FRIEND]);
    expect(permission.AccountSharingInfoList).toEqual([
      { AccountId: FRIEND, SharedDocumentVersion: '$DEFAULT' },
    ]);

    const { DocumentIdentifiers } = await friend.send(
      new ListDocumentsCommand({ Filters: [{ Key: 'Owner', Values: ['Private'] }] }),
    );
    expect(DocumentIdentifiers!.map((d) => [d.Name, d.Owner])).toEqual([[arn(OWNER, 'Shared-Doc'), OWNER]]);
    const got = await friend.send(new GetDocumentCommand({ Name: arn(OWNER, 'Shared-Doc') }));
    expect(got.Content).toBe(content('Shared-Doc'));
    const described = await friend.send(new DescribeDocumentCommand({ Name: arn(OWNER, 'Shared-Doc') }));
    expect(described.Document).toMatchObject({ Owner: OWNER, Tags: [] });
    // A shared document is reached by its ARN only, and never by an account it was not shared with.
    await expectError(() => friend.send(new GetDocumentCommand({ Name: 'Shared-Doc' })), 'InvalidDocument');
    await expectError(
      () => stranger.send(new GetDocumentCommand({ Name: arn(OWNER, 'Shared-Doc') })),
      'InvalidDocument',
    );
    // Only the shared version ($DEFAULT) is visible.
    await owner.send(new UpdateDocumentCommand({ Name: 'Shared-Doc', Content: content('v2') }));
    await expectError(
      () => friend.send(new GetDocumentCommand({ Name: arn(OWNER, 'Shared-Doc'), DocumentVersion: '2' })),
      'InvalidDocumentVersion',
    );
    const versions = await friend.send(new ListDocumentVersionsCommand({ Name: arn(OWNER, 'Shared-Doc') }));
    expect(versions.DocumentVersions!.map((v) => v.DocumentVersion)).toEqual(['1']);
    // The recipient can not change it: write operations take a plain name (the model's DocumentName).
    await expectError(
      () => friend.send(new DeleteDocumentCommand({ Name: arn(OWNER, 'Shared-Doc') })),
      'ValidationException',
    );
  });

  it('refuses to delete a shared document until it is unshared', async () => {
    await create(owner, 'Unshare-Me');
    await owner.send(
      new ModifyDocumentPermissionCommand({
        Name: 'Unshare-Me',
        PermissionType: 'Share',
        AccountIdsToAdd: [FRIEND, STRANGER],
      }),
    );
    await expectError(
      () => owner.send(new DeleteDocumentCommand({ Name: 'Unshare-Me' })),
      'InvalidDocumentOperation',
      'You attempted to delete a document while it is still shared. You must stop sharing the document before you can delete it.',
    );
    await owner.send(
      new ModifyDocumentPermissionCommand({
        Name: 'Unshare-Me',
        PermissionType: 'Share',
        AccountIdsToRemove: [FRIEND],
      }),
    );
    expect(
      (
        await owner.send(
          new DescribeDocumentPermissionCommand({ Name: 'Unshare-Me', PermissionType: 'Share' }),
        )
      ).AccountIds,
    ).toEqual([STRANGER]);
    await owner.send(
      new ModifyDocumentPermissionCommand({
        Name: 'Unshare-Me',
        PermissionType: 'Share',
        AccountIdsToRemove: [STRANGER],
      }),
    );
    await owner.send(new DeleteDocumentCommand({ Name: 'Unshare-Me' }));
  });

  it('shares publicly with All, at most five documents per account', async () => {
    const sharer = server.client('us-east-1', '121212121212');
    for (let i = 1; i <= 6; i++) await create(sharer, `Public-${i}`);
    for (let i = 1; i <= 5; i++) {
      await sharer.send(
        new ModifyDocumentPermissionCommand({
          Name: `Public-${i}`,
          PermissionType: 'Share',
          AccountIdsToAdd: ['All'],
        }),
      );
    }
    await expectError(
      () =>
        sharer.send(
          new ModifyDocumentPermissionCommand({
            Name: 'Public-6',
            PermissionType: 'Share',
            AccountIdsToAdd: ['all'],
          }),
        ),
      'DocumentPermissionLimit',
    );
    expect(
      (
        await sharer.send(
          new DescribeDocumentPermissionCommand({ Name: 'Public-1', PermissionType: 'Share' }),
        )
      ).AccountIds,
    ).toEqual(['all']);
    const { DocumentIdentifiers } = await stranger.send(
      new ListDocumentsCommand({ Filters: [{ Key: 'Owner', Values: ['Public'] }] }),
    );
    expect(DocumentIdentifiers!.map((d) => d.Name)).toEqual(
      [1, 2, 3, 4, 5].map((i) => arn('121212121212', `Public-${i}`)),
    );
    expect(
      (await stranger.send(new GetDocumentCommand({ Name: arn('121212121212', 'Public-3') }))).Content,
    ).toBe(content('Public-3'));
  });

  it('refuses All mixed with account ids, and unknown documents', async () => {
    await create(owner, 'Mixed-Share');
    await expectError(
      () =>
        owner.send(
          new ModifyDocumentPermissionCommand({
            Name: 'Mixed-Share',
            PermissionType: 'Share',
            AccountIdsToAdd: ['All', FRIEND],
          }),
        ),
      'DocumentPermissionLimit',
      'Accounts can either be all or a group of AWS accounts',
    );
    await expectError(
      () =>
        owner.send(
          new ModifyDocumentPermissionCommand({
            Name: 'Nothing-Here',
            PermissionType: 'Share',
            AccountIdsToAdd: [FRIEND],
          }),
        ),
      'InvalidDocument',
    );
    await expectError(
      () =>
        owner.send(
          new ModifyDocumentPermissionCommand({
            Name: 'Mixed-Share',
            PermissionType: 'Share',
            AccountIdsToAdd: ['12345'],
          }),
        ),
      'ValidationException',
    );
  });
});

describe('reviews', () => {
  it('sends a version for review, approves it, and records the history', async () => {
    await create(owner, 'Reviewed');
    await owner.send(
      new UpdateDocumentMetadataCommand({
        Name: 'Reviewed',
        DocumentVersion: '1',
        DocumentReviews: { Action: 'SendForReview', Comment: [{ Type: 'Comment', Content: 'please look' }] },
      }),
    );
    let doc = (await owner.send(new DescribeDocumentCommand({ Name: 'Reviewed' }))).Document!;
    expect(doc).toMatchObject({ ReviewStatus: 'PENDING', PendingReviewVersion: '1' });
    expect((await owner.send(new GetDocumentCommand({ Name: 'Reviewed' }))).ReviewStatus).toBe('PENDING');

    await owner.send(new UpdateDocumentCommand({ Name: 'Reviewed', Content: content('v2') }));
    await expectError(
      () =>
        owner.send(
          new UpdateDocumentMetadataCommand({
            Name: 'Reviewed',
            DocumentVersion: '2',
            DocumentReviews: { Action: 'SendForReview' },
          }),
        ),
      'InvalidDocumentOperation',
    );
    await expectError(
      () =>
        owner.send(
          new UpdateDocumentMetadataCommand({
            Name: 'Reviewed',
            DocumentVersion: '2',
            DocumentReviews: { Action: 'Approve' },
          }),
        ),
      'InvalidDocumentOperation',
    );
    await owner.send(
      new UpdateDocumentMetadataCommand({
        Name: 'Reviewed',
        DocumentVersion: '1',
        DocumentReviews: { Action: 'Approve', Comment: [{ Type: 'Comment', Content: 'fine' }] },
      }),
    );
    doc = (await owner.send(new DescribeDocumentCommand({ Name: 'Reviewed' }))).Document!;
    expect(doc).toMatchObject({ ReviewStatus: 'APPROVED', ApprovedVersion: '1' });
    expect(doc.PendingReviewVersion).toBeUndefined();
    expect(doc.ReviewInformation!.map((r) => [r.Status, r.Reviewer])).toEqual([
      ['PENDING', OWNER],
      ['APPROVED', OWNER],
    ]);

    const history = await owner.send(
      new ListDocumentMetadataHistoryCommand({
        Name: 'Reviewed',
        DocumentVersion: '1',
        Metadata: 'DocumentReviews',
      }),
    );
    expect(history.Name).toBe('Reviewed');
    expect(history.DocumentVersion).toBe('1');
    expect(
      history.Metadata!.ReviewerResponse!.map((r) => [r.ReviewStatus, r.Comment?.[0]?.Content, r.Reviewer]),
    ).toEqual([
      ['PENDING', 'please look', OWNER],
      ['APPROVED', 'fine', OWNER],
    ]);
    expect(history.Metadata!.ReviewerResponse![0]!.CreateTime).toBeInstanceOf(Date);

    // Approving version 2 rejects the previously approved version 1.
    await owner.send(
      new UpdateDocumentMetadataCommand({
        Name: 'Reviewed',
        DocumentVersion: '2',
        DocumentReviews: { Action: 'SendForReview' },
      }),
    );
    await owner.send(
      new UpdateDocumentMetadataCommand({
        Name: 'Reviewed',
        DocumentVersion: '2',
        DocumentReviews: { Action: 'Approve' },
      }),
    );
    const versions = (await owner.send(new ListDocumentVersionsCommand({ Name: 'Reviewed' })))
      .DocumentVersions!;
    expect(versions.map((v) => v.ReviewStatus)).toEqual(['REJECTED', 'APPROVED']);
    const listed = await owner.send(
      new ListDocumentsCommand({ Filters: [{ Key: 'Name', Values: ['Reviewed'] }] }),
    );
    expect(listed.DocumentIdentifiers![0]!.ReviewStatus).toBe('REJECTED');
  });

  it('rejects a version in review', async () => {
    await create(owner, 'Rejected');
    await owner.send(
      new UpdateDocumentMetadataCommand({ Name: 'Rejected', DocumentReviews: { Action: 'SendForReview' } }),
    );
    await owner.send(
      new UpdateDocumentMetadataCommand({
        Name: 'Rejected',
        DocumentReviews: { Action: 'UpdateReview', Comment: [{ Type: 'Comment', Content: 'needs work' }] },
      }),
    );
    await owner.send(
      new UpdateDocumentMetadataCommand({ Name: 'Rejected', DocumentReviews: { Action: 'Reject' } }),
    );
    const history = await owner.send(
      new ListDocumentMetadataHistoryCommand({
        Name: 'Rejected',
        Metadata: 'DocumentReviews',
        MaxResults: 2,
      }),
    );
    expect(history.Metadata!.ReviewerResponse!.map((r) => r.ReviewStatus)).toEqual(['PENDING', 'PENDING']);
    const rest = await owner.send(
      new ListDocumentMetadataHistoryCommand({
        Name: 'Rejected',
        Metadata: 'DocumentReviews',
        NextToken: history.NextToken,
      }),
    );
    expect(rest.Metadata!.ReviewerResponse!.map((r) => r.ReviewStatus)).toEqual(['REJECTED']);
    expect((await owner.send(new DescribeDocumentCommand({ Name: 'Rejected' }))).Document!.ReviewStatus).toBe(
      'REJECTED',
    );
    await expectError(
      () =>
        owner.send(
          new UpdateDocumentMetadataCommand({
            Name: 'AWS-RunShellScript',
            DocumentReviews: { Action: 'SendForReview' },
          }),
        ),
      'InvalidDocumentOperation',
    );
    await expectError(
      () =>
        owner.send(
          new UpdateDocumentMetadataCommand({
            Name: 'Rejected',
            DocumentVersion: '5',
            DocumentReviews: { Action: 'SendForReview' },
          }),
        ),
      'InvalidDocumentVersion',
    );
  });
});
