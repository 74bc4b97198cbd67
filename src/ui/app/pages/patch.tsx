// Patch Manager: the baselines (DescribePatchBaselines), the patch groups and their baselines
// (DescribePatchGroups), each instance's patch state (DescribeInstancePatchStates for the fleet's
// instances, 50 ids a call; DescribeInstancePatchStatesForPatchGroup for one group), which instance
// misses which patch (DescribeInstancePatches with State=Missing for the instances that miss some),
// and one instance's patches (DescribeInstancePatches).
import type { Output } from '../api.js';
import { Status } from '../badges.js';
import { Empty, ErrorNote, Field, Grid, Loading, Section, Time } from '../components.js';
import { useConsole } from '../context.js';
import type { PageProps } from '../pages.js';
import { usePoll } from '../poll.js';

type PatchState = NonNullable<Output<'DescribeInstancePatchStates'>['InstancePatchStates']>[number];

const COUNTS: [keyof PatchState, string][] = [
  ['InstalledCount', 'Installed'],
  ['InstalledOtherCount', 'Other'],
  ['InstalledPendingRebootCount', 'Pending reboot'],
  ['InstalledRejectedCount', 'Rejected'],
  ['MissingCount', 'Missing'],
  ['FailedCount', 'Failed'],
  ['NotApplicableCount', 'Not applicable'],
  ['CriticalNonCompliantCount', 'Critical NC'],
  ['SecurityNonCompliantCount', 'Security NC'],
];

function Baselines() {
  const { all } = useConsole();
  const baselines = usePoll(
    (signal) => all('DescribePatchBaselines', { MaxResults: 100 }, (page) => page.BaselineIdentities, signal),
    [],
    10_000,
  );
  const groups = usePoll(
    (signal) => all('DescribePatchGroups', { MaxResults: 100 }, (page) => page.Mappings, signal),
    [],
    10_000,
  );
  // Own baselines first, then the defaults, then AWS's predefined ones (ids that are ARNs).
  const rank = (b: { BaselineId?: string; DefaultBaseline?: boolean }) =>
    (b.BaselineId?.startsWith('arn:') ? 2 : 0) + (b.DefaultBaseline ? 0 : 1);
  const shown = [...(baselines.data ?? [])].sort(
    (a, b) => rank(a) - rank(b) || (a.OperatingSystem ?? '').localeCompare(b.OperatingSystem ?? ''),
  );
  return (
    <Section
      title="Baselines and patch groups"
      actions={baselines.data ? <span class="muted">{baselines.data.length} baselines</span> : null}
    >
      <ErrorNote error={baselines.error ?? groups.error} context="Baselines" />
      {!baselines.data ? (
        <Loading what="baselines" />
      ) : (
        <Grid
          label="Patch baselines"
          columns={['Baseline', 'Name', 'Operating system', 'Default', 'Description']}
        >
          {shown.map((b) => (
            <tr key={b.BaselineId} data-baseline-id={b.BaselineId}>
              <th scope="row" class="mono" title={b.BaselineId}>
                {/* AWS's predefined baselines have ARNs for ids: their pb- part is shown */}
                {b.BaselineId?.split('/').pop()}
              </th>
              <td>{b.BaselineName}</td>
              <td>{b.OperatingSystem}</td>
              <td>{b.DefaultBaseline ? 'default' : ''}</td>
              <td class="clip" title={b.BaselineDescription}>
                {b.BaselineDescription}
              </td>
            </tr>
          ))}
        </Grid>
      )}
      <h3>Patch groups</h3>
      {!groups.data ? (
        <Loading what="patch groups" />
      ) : groups.data.length === 0 ? (
        <Empty>No patch group is registered with a baseline.</Empty>
      ) : (
        <table class="grid" aria-label="Patch groups">
          <thead>
            <tr>
              <th scope="col">Patch group</th>
              <th scope="col">Baseline</th>
              <th scope="col">Operating system</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.map((g) => (
              <tr key={g.PatchGroup} data-patch-group={g.PatchGroup}>
                <th scope="row">{g.PatchGroup}</th>
                <td class="mono">
                  {g.BaselineIdentity?.BaselineName ?? ''} {g.BaselineIdentity?.BaselineId}
                </td>
                <td>{g.BaselineIdentity?.OperatingSystem}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function InstancePatches({ instanceId }: { instanceId: string }) {
  const { all } = useConsole();
  const patches = usePoll(
    (signal) =>
      all(
        'DescribeInstancePatches',
        { InstanceId: instanceId, MaxResults: 100 },
        (page) => page.Patches,
        signal,
      ),
    [instanceId],
    10_000,
  );
  const list = patches.data ?? [];
  return (
    <Section title={`Patches of ${instanceId}`}>
      <ErrorNote error={patches.error} context="DescribeInstancePatches" />
      {!patches.data ? (
        <Loading what="patches" />
      ) : list.length === 0 ? (
        <Empty>No patches recorded.</Empty>
      ) : (
        <Grid
          label="Instance patches"
          columns={['Title', 'KB id', 'Classification', 'Severity', 'State', 'Installed']}
        >
          {list.map((p) => (
            <tr key={p.Title} data-kb-id={p.KBId}>
              <th scope="row" class="mono">
                {p.Title}
              </th>
              <td class="mono">{p.KBId}</td>
              <td>{p.Classification}</td>
              <td>{p.Severity}</td>
              <td class="patch-state">
                <Status status={p.State} />
              </td>
              <td>
                <Time seconds={p.InstalledTime} />
              </td>
            </tr>
          ))}
        </Grid>
      )}
    </Section>
  );
}

export function PatchPage({ params }: PageProps) {
  const { all, call, navigate } = useConsole();
  const group = params.get('group') ?? '';
  const selected = params.get('instance');
  const groups = usePoll(
    (signal) => all('DescribePatchGroups', { MaxResults: 100 }, (page) => page.Mappings, signal),
    [],
    10_000,
  );
  const states = usePoll(
    async (signal) => {
      let list: PatchState[];
      if (group) {
        list = await all(
          'DescribeInstancePatchStatesForPatchGroup',
          { PatchGroup: group, MaxResults: 100 },
          (page) => page.InstancePatchStates,
          signal,
        );
      } else {
        const instances = await all(
          'DescribeInstanceInformation',
          { MaxResults: 50 },
          (page) => page.InstanceInformationList,
          signal,
        );
        const ids = instances.map((i) => i.InstanceId!);
        const chunks: string[][] = [];
        for (let at = 0; at < ids.length; at += 50) chunks.push(ids.slice(at, at + 50));
        const answers = await Promise.all(
          chunks.map((chunk) =>
            all(
              'DescribeInstancePatchStates',
              { InstanceIds: chunk, MaxResults: 50 },
              (page) => page.InstancePatchStates,
              signal,
            ),
          ),
        );
        list = answers.flat();
      }
      // Which instance misses which patch: the Missing patches of every instance that has some.
      const missing = new Map<string, { title: string; severity: string; instances: string[] }>();
      await Promise.all(
        list
          .filter((s) => (s.MissingCount ?? 0) > 0)
          .map(async (s) => {
            const answer = await call(
              'DescribeInstancePatches',
              {
                InstanceId: s.InstanceId!,
                Filters: [{ Key: 'State', Values: ['Missing'] }],
                MaxResults: 100,
              },
              signal,
            );
            for (const p of answer.Patches ?? []) {
              const key = p.KBId ?? p.Title!;
              const entry = missing.get(key) ?? {
                title: p.Title ?? key,
                severity: p.Severity ?? '',
                instances: [],
              };
              entry.instances.push(s.InstanceId!);
              missing.set(key, entry);
            }
          }),
      );
      return {
        states: list.sort((a, b) => a.InstanceId!.localeCompare(b.InstanceId!)),
        missing: [...missing.entries()]
          .map(([kbId, m]) => ({ kbId, ...m, instances: m.instances.sort() }))
          .sort((a, b) => b.instances.length - a.instances.length || a.kbId.localeCompare(b.kbId)),
      };
    },
    [group],
  );
  const data = states.data;
  return (
    <>
      <Section title="Instance patch states">
        <div class="filters">
          <Field label="Patch group">
            {(p) => (
              <select
                {...p}
                value={group}
                onChange={(e) =>
                  navigate('patch', e.currentTarget.value ? { group: e.currentTarget.value } : {})
                }
              >
                <option value="">(all instances)</option>
                {(groups.data ?? []).map((g) => (
                  <option key={g.PatchGroup} value={g.PatchGroup}>
                    {g.PatchGroup}
                  </option>
                ))}
                {group && !(groups.data ?? []).some((g) => g.PatchGroup === group) ? (
                  <option value={group}>{group}</option>
                ) : null}
              </select>
            )}
          </Field>
        </div>
        <ErrorNote error={states.error} context="Patch states" />
        {!data ? (
          <Loading what="patch states" />
        ) : data.states.length === 0 ? (
          <Empty>
            No instance has reported a patch state (run AWS-RunPatchBaseline with Operation=Scan).
          </Empty>
        ) : (
          <Grid
            label="Instance patch states"
            columns={['Instance', 'Patch group', 'Operation', ...COUNTS.map(([, label]) => label), 'Ended']}
          >
            {data.states.map((s) => (
              <tr
                key={s.InstanceId}
                data-instance-id={s.InstanceId}
                aria-current={s.InstanceId === selected ? 'true' : undefined}
              >
                <th scope="row">
                  <button
                    type="button"
                    class="link-button mono"
                    onClick={() =>
                      navigate('patch', { ...(group ? { group } : {}), instance: s.InstanceId! })
                    }
                  >
                    {s.InstanceId}
                  </button>
                </th>
                <td>{s.PatchGroup || <span class="muted">—</span>}</td>
                <td>{s.Operation}</td>
                {COUNTS.map(([key, label]) => (
                  <td
                    key={label}
                    data-count={key}
                    class={key === 'MissingCount' && s[key] ? 'count-bad' : ''}
                  >
                    {String(s[key] ?? 0)}
                  </td>
                ))}
                <td>
                  <Time seconds={s.OperationEndTime} />
                </td>
              </tr>
            ))}
          </Grid>
        )}
        {data && data.missing.length ? (
          <>
            <h3>Missing patches</h3>
            <table class="grid" aria-label="Missing patches">
              <thead>
                <tr>
                  <th scope="col">Patch</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Missing on</th>
                </tr>
              </thead>
              <tbody>
                {data.missing.map((m) => (
                  <tr key={m.kbId} data-kb-id={m.kbId}>
                    <th scope="row" class="mono">
                      {m.title}
                    </th>
                    <td>{m.severity}</td>
                    <td class="mono missing-on">{m.instances.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </Section>
      {selected ? <InstancePatches key={selected} instanceId={selected} /> : null}
      <Baselines />
    </>
  );
}
