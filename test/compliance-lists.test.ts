// Compliance's List operations through the real SDK against a real server, with a MemoryFleet for
// the managed instances: resource and compliance summaries (severity counts, status, overall
// severity, FleetTotal), filters, pagination and the List errors. compliance.test.ts covers
// PutComplianceItems and the COMPLIANCE service.
import {
  ListComplianceItemsCommand,
  ListComplianceSummariesCommand,
  ListResourceComplianceSummariesCommand,
  type ComplianceStringFilter,
  type ListComplianceItemsCommandInput,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { HYBRID, ONE, TIME, TWO, useComplianceServer } from './compliance-helpers.js';
import { errorOf } from './support/server.js';

const ZERO = {
  CriticalCount: 0,
  HighCount: 0,
  MediumCount: 0,
  LowCount: 0,
  InformationalCount: 0,
  UnspecifiedCount: 0,
};

describe('Compliance lists', () => {
  const bed = useComplianceServer();
  const { put, items, resourceSummaries, summaries } = bed;

  it('summarises a resource per type: counts of items by severity, status and overall severity', async () => {
    await put({
      ComplianceType: 'Patch',
      ExecutionSummary: { ExecutionTime: TIME, ExecutionId: 'cmd-1', ExecutionType: 'Command' },
      Items: [
        { Id: 'KB1', Severity: 'CRITICAL', Status: 'COMPLIANT' },
        { Id: 'KB2', Severity: 'MEDIUM', Status: 'NON_COMPLIANT' },
        { Id: 'KB3', Severity: 'LOW', Status: 'NON_COMPLIANT' },
        { Id: 'KB4', Severity: 'UNSPECIFIED', Status: 'COMPLIANT' },
      ],
    });
    await put({
      ComplianceType: 'Association',
      Items: [
        { Id: 'x', Severity: 'HIGH', Status: 'COMPLIANT' },
        { Id: 'y', Severity: 'UNSPECIFIED', Status: 'COMPLIANT' },
      ],
    });
    expect(await resourceSummaries()).toEqual([
      {
        ComplianceType: 'Association',
        ResourceType: 'ManagedInstance',
        ResourceId: ONE,
        Status: 'COMPLIANT',
        OverallSeverity: 'HIGH',
        ExecutionSummary: { ExecutionTime: TIME },
        CompliantSummary: {
          CompliantCount: 2,
          SeveritySummary: { ...ZERO, HighCount: 1, UnspecifiedCount: 1 },
        },
        NonCompliantSummary: { NonCompliantCount: 0, SeveritySummary: ZERO },
      },
      {
        ComplianceType: 'Patch',
        ResourceType: 'ManagedInstance',
        ResourceId: ONE,
        Status: 'NON_COMPLIANT',
        OverallSeverity: 'MEDIUM',
        ExecutionSummary: { ExecutionTime: TIME, ExecutionId: 'cmd-1', ExecutionType: 'Command' },
        CompliantSummary: {
          CompliantCount: 2,
          SeveritySummary: { ...ZERO, CriticalCount: 1, UnspecifiedCount: 1 },
        },
        NonCompliantSummary: {
          NonCompliantCount: 2,
          SeveritySummary: { ...ZERO, MediumCount: 1, LowCount: 1 },
        },
      },
    ]);
    expect(
      (await resourceSummaries([{ Key: 'Status', Values: ['NON_COMPLIANT'] }])).map((s) => s.ComplianceType),
    ).toEqual(['Patch']);
    expect(
      (await resourceSummaries([{ Key: 'OverallSeverity', Values: ['HIGH'] }])).map((s) => s.ComplianceType),
    ).toEqual(['Association']);
    expect(
      (await resourceSummaries([{ Key: 'ExecutionType', Values: ['Command'] }])).map((s) => s.ComplianceType),
    ).toEqual(['Patch']);
  });

  it('counts resources per compliance type, under each one overall severity, with FleetTotal first', async () => {
    await put({
      ResourceId: ONE,
      ComplianceType: 'Patch',
      Items: [{ Id: 'KB1', Severity: 'UNSPECIFIED', Status: 'COMPLIANT' }],
    });
    await put({
      ResourceId: TWO,
      ComplianceType: 'Patch',
      Items: [
        { Id: 'KB1', Severity: 'CRITICAL', Status: 'NON_COMPLIANT' },
        { Id: 'KB2', Severity: 'LOW', Status: 'NON_COMPLIANT' },
      ],
    });
    await put({
      ResourceId: ONE,
      ComplianceType: 'Association',
      Items: [{ Id: 'a', Severity: 'HIGH', Status: 'COMPLIANT' }],
    });
    await put({
      ResourceId: TWO,
      ComplianceType: 'Association',
      Items: [{ Id: 'a', Severity: 'HIGH', Status: 'COMPLIANT' }],
    });
    await put({
      ResourceId: HYBRID,
      ComplianceType: 'Association',
      Items: [{ Id: 'a', Severity: 'UNSPECIFIED', Status: 'COMPLIANT' }],
    });
    expect(await summaries()).toEqual([
      {
        ComplianceType: 'FleetTotal',
        CompliantSummary: {
          CompliantCount: 2,
          SeveritySummary: { ...ZERO, HighCount: 1, UnspecifiedCount: 1 },
        },
        NonCompliantSummary: { NonCompliantCount: 1, SeveritySummary: { ...ZERO, CriticalCount: 1 } },
      },
      {
        ComplianceType: 'Association',
        CompliantSummary: {
          CompliantCount: 3,
          SeveritySummary: { ...ZERO, HighCount: 2, UnspecifiedCount: 1 },
        },
        NonCompliantSummary: { NonCompliantCount: 0, SeveritySummary: ZERO },
      },
      {
        ComplianceType: 'Patch',
        CompliantSummary: { CompliantCount: 1, SeveritySummary: { ...ZERO, UnspecifiedCount: 1 } },
        NonCompliantSummary: { NonCompliantCount: 1, SeveritySummary: { ...ZERO, CriticalCount: 1 } },
      },
    ]);
    expect(
      (await summaries([{ Key: 'ComplianceType', Values: ['Patch'], Type: 'EQUAL' }])).map(
        (s) => s.ComplianceType,
      ),
    ).toEqual(['Patch']);
    const windows = await summaries([{ Key: 'AWS:InstanceInformation.PlatformType', Values: ['Windows'] }]);
    expect(windows.find((s) => s.ComplianceType === 'Patch')!.NonCompliantSummary!.NonCompliantCount).toBe(1);
    expect(windows.find((s) => s.ComplianceType === 'Patch')!.CompliantSummary!.CompliantCount).toBe(0);
  });

  it('filters items with EQUAL, NOT_EQUAL, BEGIN_WITH, LESS_THAN and GREATER_THAN', async () => {
    await put({
      Items: [
        { Id: 'web-1', Severity: 'CRITICAL', Status: 'NON_COMPLIANT', Details: { PatchGroup: 'web' } },
        { Id: 'web-2', Severity: 'LOW', Status: 'COMPLIANT', Details: { PatchGroup: 'web' } },
        { Id: 'db-1', Severity: 'MEDIUM', Status: 'COMPLIANT', Details: { PatchGroup: 'db' } },
      ],
    });
    const ids = async (filters: ComplianceStringFilter[]) => (await items(filters)).map((i) => i.Id);
    expect(await ids([{ Key: 'Status', Values: ['COMPLIANT'], Type: 'EQUAL' }])).toEqual(['db-1', 'web-2']);
    expect(await ids([{ Key: 'Status', Values: ['NON_COMPLIANT'], Type: 'NOT_EQUAL' }])).toEqual([
      'db-1',
      'web-2',
    ]);
    expect(await ids([{ Key: 'Id', Values: ['web'], Type: 'BEGIN_WITH' }])).toEqual(['web-1', 'web-2']);
    expect(await ids([{ Key: 'Severity', Values: ['MEDIUM'], Type: 'GREATER_THAN' }])).toEqual(['web-1']);
    expect(await ids([{ Key: 'Severity', Values: ['MEDIUM'], Type: 'LESS_THAN' }])).toEqual(['web-2']);
    expect(await ids([{ Key: 'Severity', Values: ['LOW', 'CRITICAL'] }])).toEqual(['web-1', 'web-2']);
    expect(await ids([{ Key: 'PatchGroup', Values: ['db'] }])).toEqual(['db-1']);
    expect(
      await ids([{ Key: 'ExecutionTime', Values: ['2019-02-18T15:00:00Z'], Type: 'GREATER_THAN' }]),
    ).toHaveLength(3);
    expect(
      await ids([{ Key: 'ExecutionTime', Values: ['2019-02-18T17:00:00Z'], Type: 'GREATER_THAN' }]),
    ).toEqual([]);
    expect(
      await ids([
        { Key: 'Id', Values: ['web-1'] },
        { Key: 'Status', Values: ['COMPLIANT'] },
      ]),
    ).toEqual([]);
  });

  it('pages with MaxResults and NextToken, and refuses a foreign or broken token', async () => {
    await put({
      Items: Array.from({ length: 7 }, (_, i) => ({
        Id: `item-${i}`,
        Severity: 'LOW' as const,
        Status: 'COMPLIANT' as const,
      })),
    });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await bed.ssm.send(
        new ListComplianceItemsCommand({ ResourceIds: [ONE], MaxResults: 3, NextToken: token }),
      );
      expect(page.ComplianceItems!.length).toBeLessThanOrEqual(3);
      seen.push(...page.ComplianceItems!.map((i) => i.Id!));
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `item-${i}`));
    expect(
      (await bed.ssm.send(new ListComplianceItemsCommand({ ResourceIds: [ONE] }))).ComplianceItems,
    ).toHaveLength(7);

    for (const id of [ONE, TWO])
      await put({ ResourceId: id, Items: [{ Id: 'a', Severity: 'LOW', Status: 'COMPLIANT' }] });
    const first = await bed.ssm.send(new ListResourceComplianceSummariesCommand({ MaxResults: 1 }));
    const second = await bed.ssm.send(
      new ListResourceComplianceSummariesCommand({ MaxResults: 1, NextToken: first.NextToken }),
    );
    expect([first, second].map((p) => p.ResourceComplianceSummaryItems![0]!.ResourceId)).toEqual([ONE, TWO]);
    expect(second.NextToken).toBeUndefined();
    const summaryPage = await bed.ssm.send(new ListComplianceSummariesCommand({ MaxResults: 1 }));
    expect(summaryPage.ComplianceSummaryItems!.map((s) => s.ComplianceType)).toEqual(['FleetTotal']);
    const rest = await bed.ssm.send(new ListComplianceSummariesCommand({ NextToken: summaryPage.NextToken }));
    expect(rest.ComplianceSummaryItems!.map((s) => s.ComplianceType)).toEqual(['Custom:AVCheck']);

    const foreign = await errorOf(() =>
      bed.ssm.send(new ListComplianceItemsCommand({ NextToken: first.NextToken })),
    );
    expect(foreign.name).toBe('InvalidNextToken');
    const broken = await errorOf(() =>
      bed.ssm.send(new ListComplianceSummariesCommand({ NextToken: 'nope' })),
    );
    expect(broken.name).toBe('InvalidNextToken');
  });

  it('answers the List errors: resource type, several resource ids, bad filters', async () => {
    const list = (input: ListComplianceItemsCommandInput) =>
      errorOf(() => bed.ssm.send(new ListComplianceItemsCommand(input)));
    expect((await list({ ResourceTypes: ['Document'] })).name).toBe('InvalidResourceType');
    expect((await list({ ResourceIds: [ONE, TWO] })).name).toBe('ValidationException');
    expect((await list({ Filters: [{ Values: ['x'] }] })).name).toBe('InvalidFilter');
    expect((await list({ Filters: [{ Key: 'Status' }] })).name).toBe('InvalidFilter');
    expect((await list({ Filters: [{ Key: 'Status', Values: ['FAILED'] }] })).message).toMatch(
      /COMPLIANT, NON_COMPLIANT/,
    );
    expect(
      (await list({ Filters: [{ Key: 'ExecutionTime', Values: ['yesterday'], Type: 'LESS_THAN' }] })).name,
    ).toBe('InvalidFilter');
    const summaryError = await errorOf(() =>
      bed.ssm.send(
        new ListResourceComplianceSummariesCommand({
          Filters: [{ Key: 'AWS:InstanceInformation.AgentVersion', Values: ['1'] }],
        }),
      ),
    );
    expect(summaryError.name).toBe('InvalidFilter');
    // An instance with no compliance data lists nothing.
    expect(await items(undefined, TWO)).toEqual([]);
  });
});
