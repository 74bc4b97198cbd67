// Compliance: counts by compliance type and severity (ListComplianceSummaries), each resource's
// status and overall severity (ListResourceComplianceSummaries) and one resource's items
// (ListComplianceItems: association, patch and custom compliance).
import type { Output } from '../api.js';
import { Status } from '../badges.js';
import { BarChart } from '../bar-chart.js';
import { Empty, ErrorNote, Grid, Loading, Section, Time } from '../components.js';
import { useConsole } from '../context.js';
import type { PageProps } from '../pages.js';
import { usePoll } from '../poll.js';

type SeveritySummary = NonNullable<
  NonNullable<Output<'ListComplianceSummaries'>['ComplianceSummaryItems']>[number]['NonCompliantSummary']
>['SeveritySummary'];

const SEVERITIES = [
  ['CRITICAL', 'CriticalCount'],
  ['HIGH', 'HighCount'],
  ['MEDIUM', 'MediumCount'],
  ['LOW', 'LowCount'],
  ['INFORMATIONAL', 'InformationalCount'],
  ['UNSPECIFIED', 'UnspecifiedCount'],
] as const;

function severityCounts(summary: SeveritySummary): number[] {
  return SEVERITIES.map(([, key]) => summary?.[key] ?? 0);
}

function Summaries() {
  const { all } = useConsole();
  const summaries = usePoll(
    (signal) =>
      all('ListComplianceSummaries', { MaxResults: 50 }, (page) => page.ComplianceSummaryItems, signal),
    [],
  );
  const list = summaries.data ?? [];
  // The FleetTotal row (when the emulator answers one) already sums the types; else add them up.
  const total = list.find((s) => s.ComplianceType === 'FleetTotal');
  const nonCompliant = SEVERITIES.map(([name], i) => ({
    label: name,
    value: total
      ? severityCounts(total.NonCompliantSummary?.SeveritySummary)[i]!
      : list.reduce((sum, s) => sum + severityCounts(s.NonCompliantSummary?.SeveritySummary)[i]!, 0),
  }));
  return (
    <Section title="By compliance type">
      <ErrorNote error={summaries.error} context="ListComplianceSummaries" />
      {!summaries.data ? (
        <Loading what="compliance summaries" />
      ) : list.length === 0 ? (
        <Empty>No compliance data yet (associations and patch scans write it, or PutComplianceItems).</Empty>
      ) : (
        <>
          <Grid
            label="Compliance by type"
            columns={[
              'Type',
              'Compliant resources',
              'Non-compliant resources',
              ...SEVERITIES.map(([name]) => name.toLowerCase()),
            ]}
          >
            {list.map((s) => (
              <tr key={s.ComplianceType} data-compliance-type={s.ComplianceType}>
                <th scope="row">{s.ComplianceType}</th>
                <td class="compliant-count">{s.CompliantSummary?.CompliantCount ?? 0}</td>
                <td class="non-compliant-count">{s.NonCompliantSummary?.NonCompliantCount ?? 0}</td>
                {severityCounts(s.NonCompliantSummary?.SeveritySummary).map((n, i) => (
                  <td key={SEVERITIES[i]![0]} data-severity={SEVERITIES[i]![0]}>
                    {n}
                  </td>
                ))}
              </tr>
            ))}
          </Grid>
          <p class="hint">
            Counts are of resources (instances), as AWS reports them; a severity column counts the
            non-compliant resources whose most severe non-compliant item has that severity.
          </p>
          <BarChart title="Non-compliant resources by severity" bars={nonCompliant} unit="resources" />
        </>
      )}
    </Section>
  );
}

function Items({ resourceId }: { resourceId: string }) {
  const { all } = useConsole();
  const items = usePoll(
    (signal) =>
      all(
        'ListComplianceItems',
        { ResourceIds: [resourceId], ResourceTypes: ['ManagedInstance'], MaxResults: 50 },
        (page) => page.ComplianceItems,
        signal,
      ),
    [resourceId],
  );
  const list = items.data ?? [];
  return (
    <Section title={`Items of ${resourceId}`}>
      <ErrorNote error={items.error} context="ListComplianceItems" />
      {!items.data ? (
        <Loading what="compliance items" />
      ) : list.length === 0 ? (
        <Empty>No compliance items.</Empty>
      ) : (
        <Grid
          label="Compliance items"
          columns={['Type', 'Id', 'Title', 'Status', 'Severity', 'Executed', 'Execution']}
        >
          {list.map((item) => (
            <tr key={`${item.ComplianceType}/${item.Id}`} data-item-id={item.Id}>
              <td>{item.ComplianceType}</td>
              <th scope="row" class="clip" title={item.Id}>
                {item.Id}
              </th>
              <td class="clip" title={item.Title}>
                {item.Title}
              </td>
              <td class="item-status">
                <Status status={item.Status} />
              </td>
              <td>
                <Status status={item.Severity} />
              </td>
              <td>
                <Time seconds={item.ExecutionSummary?.ExecutionTime} />
              </td>
              <td class="clip mono" title={item.ExecutionSummary?.ExecutionId}>
                {item.ExecutionSummary?.ExecutionType} {item.ExecutionSummary?.ExecutionId}
              </td>
            </tr>
          ))}
        </Grid>
      )}
    </Section>
  );
}

export function CompliancePage({ params }: PageProps) {
  const { all, navigate } = useConsole();
  const selected = params.get('resource');
  const resources = usePoll(
    (signal) =>
      all(
        'ListResourceComplianceSummaries',
        { MaxResults: 50 },
        (page) => page.ResourceComplianceSummaryItems,
        signal,
      ),
    [],
  );
  const list = resources.data ?? [];
  return (
    <>
      <Summaries />
      <Section title="Resources">
        <ErrorNote error={resources.error} context="ListResourceComplianceSummaries" />
        {!resources.data ? (
          <Loading what="resources" />
        ) : list.length === 0 ? (
          <Empty>No resource has compliance data.</Empty>
        ) : (
          <Grid
            label="Resources"
            columns={[
              'Resource',
              'Type',
              'Status',
              'Overall severity',
              'Compliant items',
              'Non-compliant items',
              'Last execution',
            ]}
          >
            {list.map((r) => (
              <tr
                key={`${r.ResourceId}/${r.ComplianceType}`}
                data-resource-id={r.ResourceId}
                data-compliance-type={r.ComplianceType}
                aria-current={r.ResourceId === selected ? 'true' : undefined}
              >
                <th scope="row">
                  <button
                    type="button"
                    class="link-button mono"
                    onClick={() => navigate('compliance', { resource: r.ResourceId! })}
                  >
                    {r.ResourceId}
                  </button>
                </th>
                <td>{r.ComplianceType}</td>
                <td class="resource-status">
                  <Status status={r.Status} />
                </td>
                <td>
                  <Status status={r.OverallSeverity} />
                </td>
                <td>{r.CompliantSummary?.CompliantCount ?? 0}</td>
                <td>{r.NonCompliantSummary?.NonCompliantCount ?? 0}</td>
                <td>
                  <Time seconds={r.ExecutionSummary?.ExecutionTime} />
                </td>
              </tr>
            ))}
          </Grid>
        )}
      </Section>
      {selected ? <Items key={selected} resourceId={selected} /> : null}
    </>
  );
}
