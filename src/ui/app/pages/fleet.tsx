// Fleet: the managed instances of the selected account and region. DescribeInstanceInformation
// (every page) says what SSM says of each (PingStatus, platform, IP, agent version); the fleet's
// admin route lists the ones SSM does not (an EC2 instance whose machine is stopped) and their
// tags, and adds and removes instances. Both are polled, so a container that stops or starts shows
// without a reload.
import { useState } from 'preact/hooks';
import { admin, type AdminInstance, type FleetListing, type Output } from '../api.js';
import {
  ConfirmButton,
  Empty,
  ErrorNote,
  Field,
  Grid,
  Loading,
  Section,
  StatusBadge,
  TagList,
  Time,
  useAction,
} from '../components.js';
import { useConsole } from '../context.js';
import type { PageProps } from '../pages.js';
import { usePoll } from '../poll.js';

type Information = NonNullable<Output<'DescribeInstanceInformation'>['InstanceInformationList']>[number];

interface Row {
  instanceId: string;
  name: string;
  pingStatus: string;
  platform: string;
  ip: string | undefined;
  agentVersion: string | undefined;
  lastPing: number | undefined;
  tags: { Key: string; Value: string }[];
  source: string | undefined;
  inFleet: boolean;
}

/** Parses "Key=Value" lines (or commas) into tags. */
export function parseTags(text: string): { Key: string; Value: string }[] {
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf('=');
      return at < 0
        ? { Key: line, Value: '' }
        : { Key: line.slice(0, at).trim(), Value: line.slice(at + 1).trim() };
    });
}

function rows(fleet: AdminInstance[], information: Information[]): Row[] {
  const byId = new Map(information.map((i) => [i.InstanceId!, i]));
  const result: Row[] = fleet.map((f) => {
    const info = byId.get(f.instanceId);
    byId.delete(f.instanceId);
    return {
      instanceId: f.instanceId,
      name: f.name,
      pingStatus: f.pingStatus === 'Stopped' ? 'Stopped' : (info?.PingStatus ?? f.pingStatus),
      platform: info?.PlatformName
        ? `${info.PlatformName} ${info.PlatformVersion ?? ''}`.trim()
        : (info?.PlatformType ?? f.platformType),
      ip: info?.IPAddress,
      agentVersion: info?.AgentVersion,
      lastPing: info?.LastPingDateTime,
      tags: f.tags,
      source: f.source,
      inFleet: true,
    };
  });
  for (const info of byId.values()) {
    result.push({
      instanceId: info.InstanceId!,
      name: info.Name ?? info.ComputerName ?? '',
      pingStatus: info.PingStatus ?? '',
      platform: info.PlatformName ?? info.PlatformType ?? '',
      ip: info.IPAddress,
      agentVersion: info.AgentVersion,
      lastPing: info.LastPingDateTime,
      tags: [],
      source: undefined,
      inFleet: false,
    });
  }
  return result.sort((a, b) => a.name.localeCompare(b.name) || a.instanceId.localeCompare(b.instanceId));
}

function AddInstance({ onAdded }: { onAdded: () => void }) {
  const { scope } = useConsole();
  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  const [image, setImage] = useState('');
  const action = useAction();
  return (
    <form
      class="form-grid"
      aria-label="Add an instance"
      onSubmit={async (event) => {
        event.preventDefault();
        const ok = await action.run(() =>
          admin('POST', 'instances', {
            name: name.trim(),
            tags: parseTags(tags),
            ...(image.trim() ? { image: image.trim() } : {}),
            accountId: scope.accountId,
            region: scope.region,
          }),
        );
        if (ok) {
          setName('');
          setTags('');
          onAdded();
        }
      }}
    >
      <Field label="Name">
        {(p) => <input {...p} required value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Field label="Tags" hint="Key=Value, one a line">
        {(p) => <textarea {...p} rows={2} value={tags} onInput={(e) => setTags(e.currentTarget.value)} />}
      </Field>
      <Field label="Image" hint="optional: linux (default), or an image id (ami-…) made by aws:createImage">
        {(p) => (
          <input {...p} value={image} placeholder="linux" onInput={(e) => setImage(e.currentTarget.value)} />
        )}
      </Field>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={action.busy || !name.trim()}>
          {action.busy ? 'Adding… (starting its container)' : 'Add instance'}
        </button>
      </div>
      <ErrorNote error={action.error} context="Add instance" />
    </form>
  );
}

export function FleetPage(_props: PageProps) {
  const { all, scope } = useConsole();
  const fleet = usePoll(
    async (signal) => {
      const [listing, information] = await Promise.all([
        admin<FleetListing>('GET', 'instances', undefined, signal).catch((error: Error) => error),
        all(
          'DescribeInstanceInformation',
          { MaxResults: 50 },
          (page) => page.InstanceInformationList,
          signal,
        ),
      ]);
      const mine =
        listing instanceof Error
          ? []
          : listing.instances.filter((i) => i.accountId === scope.accountId && i.region === scope.region);
      return {
        rows: rows(mine, information),
        fleetName: listing instanceof Error ? undefined : listing.fleet,
        status: listing instanceof Error ? { up: false, detail: listing.message } : listing.status,
      };
    },
    [scope.accountId, scope.region],
  );
  const remove = useAction();
  const data = fleet.data;
  const online = data?.rows.filter((r) => r.pingStatus === 'Online').length ?? 0;

  return (
    <>
      <Section
        title="Instances"
        actions={
          data ? (
            <span class="muted" aria-live="polite">
              {data.rows.length} instances, {online} online
              {data.fleetName ? ` · fleet "${data.fleetName}"` : ''}
            </span>
          ) : null
        }
      >
        {data && !data.status.up ? (
          <p class="note">The fleet is not running: {data.status.detail ?? 'no Docker engine'}.</p>
        ) : null}
        <ErrorNote error={fleet.error} context="Loading the fleet" />
        <ErrorNote error={remove.error} context="Remove instance" />
        {!data ? (
          <Loading what="instances" />
        ) : data.rows.length === 0 ? (
          <Empty>
            No instances in {scope.accountId} / {scope.region}. Add one below.
          </Empty>
        ) : (
          <Grid
            label="Instances"
            columns={[
              'Name',
              'Instance ID',
              'Ping status',
              'Platform',
              'IP address',
              'Agent',
              'Tags',
              'Last ping',
              <span class="visually-hidden">Actions</span>,
            ]}
          >
            {data.rows.map((row) => (
              <tr key={row.instanceId} data-instance-id={row.instanceId}>
                <th scope="row">{row.name || <span class="muted">—</span>}</th>
                <td>
                  <code>{row.instanceId}</code>
                </td>
                <td class="ping-status">
                  <StatusBadge status={row.pingStatus} />
                </td>
                <td>{row.platform}</td>
                <td>{row.ip ?? <span class="muted">—</span>}</td>
                <td>{row.agentVersion ?? <span class="muted">—</span>}</td>
                <td>
                  <TagList tags={row.tags} />
                </td>
                <td>
                  <Time seconds={row.lastPing} />
                </td>
                <td>
                  {row.inFleet ? (
                    <ConfirmButton
                      label="Remove"
                      confirmLabel={`Remove ${row.name || row.instanceId}`}
                      disabled={remove.busy}
                      onConfirm={() =>
                        void remove
                          .run(() => admin('DELETE', `instances/${encodeURIComponent(row.instanceId)}`))
                          .then(fleet.refresh)
                      }
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </Grid>
        )}
      </Section>
      <Section title="Add an instance">
        <AddInstance onAdded={fleet.refresh} />
      </Section>
    </>
  );
}
