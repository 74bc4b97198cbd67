// Inventory: the fleet as charts (GetInventory with Aggregators: instances by platform, the
// applications most instances have and their versions) and one instance's inventory of a type
// (ListInventoryEntries, every page, filtered in the page). The charts are plain SVG (bar-chart.tsx).
import { useMemo, useState } from 'preact/hooks';
import type { Output } from '../api.js';
import { BarChart, type Bar } from '../bar-chart.js';
import { Empty, ErrorNote, Field, Grid, Loading, Section, Time } from '../components.js';
import { useConsole } from '../context.js';
import type { PageProps } from '../pages.js';
import { usePoll } from '../poll.js';

type Entities = Output<'GetInventory'>['Entities'];

const TOP = 10;
const TYPES = [
  'AWS:Application',
  'AWS:InstanceInformation',
  'AWS:InstanceDetailedInformation',
  'AWS:Network',
  'AWS:AWSComponent',
  'AWS:File',
  'AWS:Tag',
];

/** The rows an aggregation answered: the Content of its type's Data in its one entity. */
function aggregated(entities: Entities, typeName: string): Record<string, string>[] {
  return (entities?.[0]?.Data?.[typeName]?.Content ?? []) as Record<string, string>[];
}

function FleetCharts() {
  const { call } = useConsole();
  const charts = usePoll(
    async (signal) => {
      const [platforms, types, names, versions] = await Promise.all([
        call(
          'GetInventory',
          { Aggregators: [{ Expression: 'AWS:InstanceInformation.PlatformName' }] },
          signal,
        ),
        call(
          'GetInventory',
          { Aggregators: [{ Expression: 'AWS:InstanceInformation.PlatformType' }] },
          signal,
        ),
        call('GetInventory', { Aggregators: [{ Expression: 'AWS:Application.Name' }] }, signal),
        call(
          'GetInventory',
          {
            Aggregators: [
              {
                Expression: 'AWS:Application.Name',
                Aggregators: [{ Expression: 'AWS:Application.Version' }],
              },
            ],
          },
          signal,
        ),
      ]);
      // PlatformName comes only with gathered data; every instance has a PlatformType.
      const instances = aggregated(types.Entities, 'AWS:InstanceInformation').reduce(
        (sum, row) => sum + Number(row.Count),
        0,
      );
      return {
        platforms: aggregated(platforms.Entities, 'AWS:InstanceInformation'),
        instances,
        names: aggregated(names.Entities, 'AWS:Application'),
        versions: aggregated(versions.Entities, 'AWS:Application'),
      };
    },
    [],
    10_000,
  );
  const data = charts.data;
  const platformBars: Bar[] = (data?.platforms ?? [])
    .map((row) => ({ label: row.PlatformName || '(unknown)', value: Number(row.Count) }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  const named = platformBars.reduce((sum, bar) => sum + bar.value, 0);
  if (data && data.instances > named)
    platformBars.push({ label: '(not gathered yet)', value: data.instances - named });
  const versionsOf = new Map<string, { version: string; count: number }[]>();
  for (const row of data?.versions ?? []) {
    const list = versionsOf.get(row.Name ?? '') ?? [];
    list.push({ version: row.Version ?? '', count: Number(row.Count) });
    versionsOf.set(row.Name ?? '', list);
  }
  const applicationBars: Bar[] = (data?.names ?? [])
    .map((row) => ({ label: row.Name ?? '', value: Number(row.Count) }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label))
    .slice(0, TOP)
    .map((bar) => ({
      ...bar,
      detail: (versionsOf.get(bar.label) ?? []).map((v) => `${v.version}: ${v.count}`).join(', '),
    }));
  return (
    <Section title="Fleet">
      <ErrorNote error={charts.error} context="GetInventory" />
      {!data ? (
        <Loading what="the fleet's inventory" />
      ) : (
        <div class="charts">
          {platformBars.length ? (
            <BarChart title="Instances by platform" bars={platformBars} unit="instances" />
          ) : (
            <Empty>No instance has inventory yet (run AWS-GatherSoftwareInventory).</Empty>
          )}
          {applicationBars.length ? (
            <div>
              <BarChart
                title={`Top ${Math.min(TOP, applicationBars.length)} applications`}
                bars={applicationBars}
                unit="instances"
              />
              <table class="grid" aria-label="Versions of the top applications">
                <thead>
                  <tr>
                    <th scope="col">Application</th>
                    <th scope="col">Instances</th>
                    <th scope="col">Versions (instances)</th>
                  </tr>
                </thead>
                <tbody>
                  {applicationBars.map((bar) => (
                    <tr key={bar.label} data-application={bar.label}>
                      <th scope="row">{bar.label}</th>
                      <td>{bar.value}</td>
                      <td class="versions">{bar.detail || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <Empty>No applications in the inventory.</Empty>
          )}
        </div>
      )}
    </Section>
  );
}

function InstanceInventory({ initialInstance }: { initialInstance: string | null }) {
  const { all, call, navigate } = useConsole();
  const instances = usePoll(
    (signal) =>
      all('DescribeInstanceInformation', { MaxResults: 50 }, (page) => page.InstanceInformationList, signal),
    [],
    10_000,
  );
  const schema = usePoll((signal) => call('GetInventorySchema', {}, signal), [], false);
  const [typeName, setTypeName] = useState('AWS:Application');
  const [search, setSearch] = useState('');
  const instanceId = initialInstance ?? instances.data?.[0]?.InstanceId;
  const entries = usePoll(
    async (signal) => {
      if (!instanceId) return undefined;
      let first: Output<'ListInventoryEntries'> | undefined;
      const list = await all(
        'ListInventoryEntries',
        { InstanceId: instanceId, TypeName: typeName, MaxResults: 50 },
        (page) => {
          first ??= page;
          return page.Entries;
        },
        signal,
      );
      return { entries: list, captureTime: first?.CaptureTime, schemaVersion: first?.SchemaVersion };
    },
    [instanceId, typeName],
    10_000,
  );
  const types = [
    ...new Set([...TYPES, ...(schema.data?.Schemas ?? []).map((s) => s.TypeName!).filter(Boolean)]),
  ];
  const list = entries.data?.entries ?? [];
  const columns = useMemo(() => {
    const keys = new Set<string>();
    for (const entry of list) for (const key of Object.keys(entry)) keys.add(key);
    return [...keys].slice(0, 8);
  }, [list]);
  const needle = search.trim().toLowerCase();
  const shown = needle
    ? list.filter((entry) => Object.values(entry).some((v) => String(v).toLowerCase().includes(needle)))
    : list;
  return (
    <Section title="Instance inventory">
      <div class="filters">
        <Field label="Instance">
          {(p) => (
            <select
              {...p}
              value={instanceId ?? ''}
              onChange={(e) => navigate('inventory', { instance: e.currentTarget.value })}
            >
              {(instances.data ?? []).map((i) => (
                <option key={i.InstanceId} value={i.InstanceId}>
                  {i.InstanceId} {i.Name || i.ComputerName ? `(${i.Name ?? i.ComputerName})` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Type">
          {(p) => (
            <select {...p} value={typeName} onChange={(e) => setTypeName(e.currentTarget.value)}>
              {types.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Search entries">
          {(p) => (
            <input {...p} type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
          )}
        </Field>
      </div>
      <ErrorNote error={instances.error ?? entries.error} context="Inventory" />
      {!instanceId ? (
        instances.data ? (
          <Empty>No managed instance in this account and region.</Empty>
        ) : (
          <Loading what="instances" />
        )
      ) : !entries.data ? (
        <Loading what="entries" />
      ) : list.length === 0 ? (
        <Empty>
          No {typeName} entries for {instanceId}.
        </Empty>
      ) : (
        <>
          <p class="muted">
            {shown.length} of {list.length} entries · captured{' '}
            <Time seconds={toSeconds(entries.data.captureTime)} />
          </p>
          <Grid label={`${typeName} of ${instanceId}`} columns={columns}>
            {shown.map((entry, i) => (
              <tr key={i}>
                {columns.map((c, j) =>
                  j === 0 ? (
                    <th key={c} scope="row">
                      {entry[c] ?? ''}
                    </th>
                  ) : (
                    <td key={c} class="clip" title={entry[c] ?? ''}>
                      {entry[c] ?? ''}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </Grid>
        </>
      )}
    </Section>
  );
}

/** ListInventoryEntries' CaptureTime is text (2030-01-01T00:00:00Z), not epoch seconds. */
function toSeconds(text: string | undefined): number | undefined {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

export function InventoryPage({ params }: PageProps) {
  return (
    <>
      <FleetCharts />
      <InstanceInventory initialInstance={params.get('instance')} />
    </>
  );
}
