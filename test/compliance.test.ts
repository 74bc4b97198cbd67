// Compliance through the real SDK against a real server, with a MemoryFleet for the managed
// instances: PutComplianceItems (COMPLETE, PARTIAL, content hash, limits and errors), the three List
// operations (shapes, severity counts, filters, pagination), and the COMPLIANCE service that State
// Manager writes association compliance through.
import {
  PutComplianceItemsCommand,
  type ComplianceItemEntry,
  type PutComplianceItemsCommandInput,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { COMPLIANCE } from '../src/compliance/api.js';
import { backgroundContext } from '../src/core/context.js';
import { ONE, TIME, TWO, useComplianceServer } from './compliance-helpers.js';
import { errorOf } from './support/server.js';

describe('Compliance', () => {
  const bed = useComplianceServer();
  const { put, items, resourceSummaries, summaries } = bed;

  it('stores custom compliance and lists it as AWS shows it', async () => {
    expect(
      await put({
        Items: [{ Id: 'Version2.0', Title: 'ScanHost', Severity: 'CRITICAL', Status: 'COMPLIANT' }],
      }),
    ).toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(await items()).toEqual([
      {
        ComplianceType: 'Custom:AVCheck',
        ResourceType: 'ManagedInstance',
        ResourceId: ONE,
        Id: 'Version2.0',
        Title: 'ScanHost',
        Status: 'COMPLIANT',
        Severity: 'CRITICAL',
        ExecutionSummary: { ExecutionTime: TIME },
      },
    ]);
  });

  it('COMPLETE replaces every item of the type, PARTIAL replaces items by Id and keeps the rest', async () => {
    await put({
      Items: [
        { Id: 'a', Severity: 'LOW', Status: 'COMPLIANT' },
        { Id: 'b', Severity: 'LOW', Status: 'COMPLIANT' },
      ],
    });
    await put({ Items: [{ Id: 'c', Severity: 'HIGH', Status: 'NON_COMPLIANT' }] });
    expect((await items()).map((i) => i.Id)).toEqual(['c']);

    const later = new Date('2019-02-19T00:00:00Z');
    const association = (id: string, status: 'COMPLIANT' | 'NON_COMPLIANT', at: Date) =>
      put({
        ComplianceType: 'Association',
        UploadType: 'PARTIAL',
        ExecutionSummary: { ExecutionTime: at },
        Items: [
          {
            Id: id,
            Title: '',
            Severity: 'UNSPECIFIED',
            Status: status,
            Details: { DocumentName: 'AWS-RunShellScript', DocumentVersion: '1' },
          },
        ],
      });
    await association('assoc-1', 'COMPLIANT', TIME);
    await association('assoc-2', 'COMPLIANT', TIME);
    await association('assoc-1', 'NON_COMPLIANT', later);
    const listed = await items([{ Key: 'ComplianceType', Values: ['Association'] }]);
    expect(listed.map((i) => [i.Id, i.Status, i.ExecutionSummary!.ExecutionTime])).toEqual([
      ['assoc-1', 'NON_COMPLIANT', later],
      ['assoc-2', 'COMPLIANT', TIME],
    ]);
    expect(listed[0]!.Details).toEqual({ DocumentName: 'AWS-RunShellScript', DocumentVersion: '1' });
    // The custom type is untouched by the association writes.
    expect((await items([{ Key: 'ComplianceType', Values: ['Custom:AVCheck'] }])).map((i) => i.Id)).toEqual([
      'c',
    ]);
    // COMPLETE with no items empties the type.
    await put({ Items: [] });
    expect((await items()).map((i) => i.ComplianceType)).toEqual(['Association', 'Association']);
  });

  it('ignores a write whose ItemContentHash matches the stored one', async () => {
    await put({ ItemContentHash: 'h1', Items: [{ Id: 'a', Severity: 'LOW', Status: 'COMPLIANT' }] });
    await put({ ItemContentHash: 'h1', Items: [{ Id: 'b', Severity: 'LOW', Status: 'COMPLIANT' }] });
    expect((await items()).map((i) => i.Id)).toEqual(['a']);
    await put({ ItemContentHash: 'h2', Items: [{ Id: 'b', Severity: 'LOW', Status: 'COMPLIANT' }] });
    expect((await items()).map((i) => i.Id)).toEqual(['b']);
  });

  it('answers each PutComplianceItems error', async () => {
    const item = { Id: 'a', Severity: 'LOW', Status: 'COMPLIANT' } as const;
    const cases: [
      Partial<PutComplianceItemsCommandInput> & { Items: ComplianceItemEntry[] },
      string,
      string | RegExp,
    ][] = [
      [{ ResourceType: 'EC2Instance', Items: [item] }, 'InvalidResourceType', ''],
      [{ ResourceId: 'i-0000000000000000f', Items: [item] }, 'InvalidResourceId', ''],
      [{ ComplianceType: 'Other', Items: [item] }, 'ValidationException', /compliance type Other/],
      [{ UploadType: 'PARTIAL', Items: [item] }, 'ValidationException', /PARTIAL/],
      [
        {
          ComplianceType: 'Association',
          UploadType: 'PARTIAL',
          Items: [{ Severity: 'LOW', Status: 'COMPLIANT' }],
        },
        'InvalidItemContentException',
        /Id/,
      ],
      [{ Items: [item, item] }, 'InvalidItemContentException', /a appears more than once/],
      [{ Items: [{ ...item, Details: { big: 'x'.repeat(4096) }, Title: 't' }] }, '', ''],
      [
        {
          Items: [
            {
              ...item,
              Details: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'x'.repeat(4000)])),
            },
          ],
        },
        'ItemSizeLimitExceededException',
        /size limit/,
      ],
      [
        {
          Items: Array.from({ length: 300 }, (_, i) => ({
            ...item,
            Id: `i${i}`,
            Details: { v: 'x'.repeat(4000) },
          })),
        },
        'TotalSizeLimitExceededException',
        /total size limit/,
      ],
      [{ ComplianceType: 'Not A Type', Items: [item] }, 'ValidationException', /regular expression pattern/],
    ];
    for (const [input, code, message] of cases) {
      if (code === '') {
        await put(input);
        continue;
      }
      const error = await errorOf(() => put(input));
      expect([error.name, error.message], JSON.stringify(input).slice(0, 120)).toEqual([
        code,
        expect.stringMatching(message),
      ]);
    }
    const otherRegion = await errorOf(() =>
      bed.server.client('eu-west-1').send(
        new PutComplianceItemsCommand({
          ResourceId: ONE,
          ResourceType: 'ManagedInstance',
          ComplianceType: 'Custom:AB',
          ExecutionSummary: { ExecutionTime: TIME },
          Items: [item],
        }),
      ),
    );
    expect(otherRegion.name).toBe('InvalidResourceId');
  });

  it('allows 10 custom compliance types per resource, then ComplianceTypeCountLimitExceededException', async () => {
    const item = { Id: 'a', Severity: 'LOW', Status: 'COMPLIANT' } as const;
    for (let i = 0; i < 10; i++) await put({ ComplianceType: `Custom:Type${i}`, Items: [item] });
    await put({ ComplianceType: 'Custom:Type3', Items: [item] }); // rewriting a held type is fine
    await put({ ComplianceType: 'Patch', Items: [item] }); // AWS's own types do not count
    const error = await errorOf(() => put({ ComplianceType: 'Custom:Type10', Items: [item] }));
    expect([error.name, error.message]).toEqual([
      'ComplianceTypeCountLimitExceededException',
      'You specified too many custom compliance types. You can specify a maximum of 10 different types.',
    ]);
    await put({ ResourceId: TWO, ComplianceType: 'Custom:Type10', Items: [item] }); // per resource
    await put({ ComplianceType: 'Custom:Type0', Items: [] }); // frees a place
    await put({ ComplianceType: 'Custom:Type10', Items: [item] });
  });

  it('shows what the COMPLIANCE service puts exactly as what PutComplianceItems puts, and removes it', async () => {
    const compliance = bed.server.ssm.runtime.services.registry.get(COMPLIANCE);
    const ctx = backgroundContext(bed.server.ssm.runtime.services, '000000000000', 'us-east-1', 'Test');
    const write = (associationId: string, status: 'COMPLIANT' | 'NON_COMPLIANT') =>
      compliance.put(ctx, {
        resourceId: ONE,
        resourceType: 'ManagedInstance',
        complianceType: 'Association',
        execution: { time: TIME.getTime() },
        items: [
          {
            Id: associationId,
            Title: '',
            Severity: 'UNSPECIFIED',
            Status: status,
            Details: { DocumentName: 'AWS-RunShellScript', DocumentVersion: '1' },
          },
        ],
        uploadType: 'PARTIAL',
      });
    await write('assoc-1', 'COMPLIANT');
    await write('assoc-2', 'NON_COMPLIANT');
    expect(await items()).toEqual([
      {
        ComplianceType: 'Association',
        ResourceType: 'ManagedInstance',
        ResourceId: ONE,
        Id: 'assoc-1',
        Title: '',
        Status: 'COMPLIANT',
        Severity: 'UNSPECIFIED',
        ExecutionSummary: { ExecutionTime: TIME },
        Details: { DocumentName: 'AWS-RunShellScript', DocumentVersion: '1' },
      },
      expect.objectContaining({ Id: 'assoc-2', Status: 'NON_COMPLIANT' }),
    ]);
    expect((await resourceSummaries())[0]).toMatchObject({
      Status: 'NON_COMPLIANT',
      OverallSeverity: 'UNSPECIFIED',
    });
    await compliance.remove(ctx, ONE, 'ManagedInstance', 'Association', ['assoc-2']);
    expect((await items()).map((i) => i.Id)).toEqual(['assoc-1']);
    await compliance.remove(ctx, ONE, 'ManagedInstance', 'Association');
    expect(await items()).toEqual([]);
    expect(await summaries()).toEqual([]);
  });
});
