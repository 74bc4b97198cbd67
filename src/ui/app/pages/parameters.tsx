// Parameter Store: the parameters as a tree by path (DescribeParameters, every page); the chosen
// one's value, type, tier and versions (GetParameter, GetParameterHistory), a line diff between two
// versions, labels (LabelParameterVersion / UnlabelParameterVersion). A SecureString's value stays
// hidden until "Reveal" asks for it WithDecryption. Create and edit (PutParameter), delete.
import { diffLines } from 'diff';
import { useMemo, useState } from 'preact/hooks';
import type { Output } from '../api.js';
import {
  ConfirmButton,
  Empty,
  ErrorNote,
  Field,
  Grid,
  Loading,
  Section,
  Time,
  useAction,
} from '../components.js';
import { useConsole } from '../context.js';
import type { PageProps } from '../pages.js';
import { usePoll } from '../poll.js';

type Metadata = NonNullable<Output<'DescribeParameters'>['Parameters']>[number];
type HistoryEntry = NonNullable<Output<'GetParameterHistory'>['Parameters']>[number];

const HIDDEN = '••••••••';

interface TreeNode {
  segment: string;
  path: string;
  children: Map<string, TreeNode>;
  parameter?: Metadata;
}

/** Parameters by path: "/app/db/url" sits in app › db; a name without "/" at the top. */
export function buildTree(parameters: Metadata[]): TreeNode {
  const root: TreeNode = { segment: '', path: '', children: new Map() };
  for (const parameter of parameters) {
    const name = parameter.Name!;
    const segments = name.startsWith('/') ? name.slice(1).split('/') : [name];
    let node = root;
    let path = '';
    segments.forEach((segment, index) => {
      path += name.startsWith('/') ? `/${segment}` : segment;
      const leaf = index === segments.length - 1;
      const key = leaf ? `leaf:${segment}` : `dir:${segment}`;
      let child = node.children.get(key);
      if (!child) {
        child = { segment, path, children: new Map() };
        node.children.set(key, child);
      }
      if (leaf) child.parameter = parameter;
      node = child;
    });
  }
  return root;
}

function TreeLevel({
  node,
  selected,
  onSelect,
}: {
  node: TreeNode;
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const children = [...node.children.values()].sort(
    (a, b) => Number(!!a.parameter) - Number(!!b.parameter) || a.segment.localeCompare(b.segment),
  );
  return (
    <ul>
      {children.map((child) =>
        child.parameter ? (
          <li key={`leaf:${child.path}`}>
            <button
              type="button"
              class="tree-leaf"
              aria-current={child.parameter.Name === selected ? 'true' : undefined}
              title={child.parameter.Name}
              onClick={() => onSelect(child.parameter!.Name!)}
            >
              {child.segment}
              <span class="tree-type">{child.parameter.Type === 'SecureString' ? ' 🔒' : ''}</span>
            </button>
          </li>
        ) : (
          <li key={`dir:${child.path}`}>
            <details open>
              <summary>{child.segment}/</summary>
              <TreeLevel node={child} selected={selected} onSelect={onSelect} />
            </details>
          </li>
        ),
      )}
    </ul>
  );
}

function ParameterForm({
  existing,
  currentValue,
  onDone,
}: {
  existing?: Metadata;
  currentValue?: string;
  onDone: (name?: string) => void;
}) {
  const { call } = useConsole();
  const [name, setName] = useState(existing?.Name ?? '');
  const [type, setType] = useState(existing?.Type ?? 'String');
  const [value, setValue] = useState(currentValue ?? '');
  const [tier, setTier] = useState(existing?.Tier ?? 'Standard');
  const [description, setDescription] = useState(existing?.Description ?? '');
  const save = useAction();
  return (
    <form
      class="form-grid parameter-form"
      aria-label={existing ? `Edit ${existing.Name}` : 'New parameter'}
      onSubmit={async (event) => {
        event.preventDefault();
        const ok = await save.run(() =>
          call('PutParameter', {
            Name: name.trim(),
            Value: value,
            Type: type as 'String',
            Tier: tier as 'Standard',
            ...(description || existing?.Description ? { Description: description } : {}),
            ...(existing ? { Overwrite: true } : {}),
          }),
        );
        if (ok) onDone(name.trim());
      }}
    >
      {existing ? null : (
        <Field label="Name" hint="a path like /app/db/url">
          {(p) => <input {...p} required value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
      )}
      <Field label="Type">
        {(p) => (
          <select {...p} value={type} onChange={(e) => setType(e.currentTarget.value as typeof type)}>
            <option value="String">String</option>
            <option value="StringList">StringList</option>
            <option value="SecureString">SecureString</option>
          </select>
        )}
      </Field>
      <Field label="Tier">
        {(p) => (
          <select {...p} value={tier} onChange={(e) => setTier(e.currentTarget.value as typeof tier)}>
            <option value="Standard">Standard</option>
            <option value="Advanced">Advanced</option>
            <option value="Intelligent-Tiering">Intelligent-Tiering</option>
          </select>
        )}
      </Field>
      <Field label="Value">
        {(p) => (
          <textarea
            {...p}
            class="mono"
            rows={Math.min(12, Math.max(3, value.split('\n').length + 1))}
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        )}
      </Field>
      <Field label="Description">
        {(p) => <input {...p} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
      </Field>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={save.busy || !name.trim()}>
          {save.busy ? 'Saving…' : existing ? 'Save new version' : 'Create parameter'}
        </button>
        <button type="button" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
      <ErrorNote error={save.error} context="PutParameter" />
    </form>
  );
}

/** A line diff between two versions' values, marked with + and − as well as colour. */
function VersionDiff({ from, to, hidden }: { from: HistoryEntry; to: HistoryEntry; hidden: boolean }) {
  // Every value ends its last line, so a line that gained a successor is not counted as changed.
  const lines = (value: string | undefined) => (value ?? '').replace(/\n?$/, '\n');
  const parts = useMemo(() => diffLines(lines(from.Value), lines(to.Value)), [from.Value, to.Value]);
  if (hidden) return <p class="note">Reveal the value to compare versions of a SecureString.</p>;
  return (
    <pre
      class="diff"
      aria-label={`Changes from version ${from.Version} to version ${to.Version}`}
      tabIndex={0}
    >
      {parts.flatMap((part, i) => {
        const lines = part.value.replace(/\n$/, '').split('\n');
        const kind = part.added ? 'added' : part.removed ? 'removed' : 'same';
        const mark = part.added ? '+ ' : part.removed ? '− ' : '  ';
        return lines.map((line, j) => (
          <span key={`${i}:${j}`} class={`diff-line diff-${kind}`}>
            {part.added ? <span class="visually-hidden">added: </span> : null}
            {part.removed ? <span class="visually-hidden">removed: </span> : null}
            <span aria-hidden="true">{mark}</span>
            {line}
            {'\n'}
          </span>
        ));
      })}
    </pre>
  );
}

function Labels({
  name,
  history,
  onChange,
}: {
  name: string;
  history: HistoryEntry[];
  onChange: () => void;
}) {
  const { call } = useConsole();
  const [label, setLabel] = useState('');
  const [version, setVersion] = useState('');
  const action = useAction();
  const labelled = history.filter((h) => h.Labels?.length);
  const latest = history.at(-1)?.Version;
  return (
    <div class="labels">
      {labelled.length === 0 ? (
        <Empty>No labels.</Empty>
      ) : (
        <ul class="tags" aria-label="Labels">
          {labelled.flatMap((h) =>
            h.Labels!.map((l) => (
              <li key={l}>
                <span class="tag-key">{l}</span> → v{h.Version}{' '}
                <button
                  type="button"
                  class="link"
                  aria-label={`Remove label ${l}`}
                  onClick={() =>
                    void action
                      .run(() =>
                        call('UnlabelParameterVersion', {
                          Name: name,
                          ParameterVersion: h.Version!,
                          Labels: [l],
                        }),
                      )
                      .then(onChange)
                  }
                >
                  ×
                </button>
              </li>
            )),
          )}
        </ul>
      )}
      <form
        class="inline-form"
        aria-label="Add a label"
        onSubmit={async (event) => {
          event.preventDefault();
          const ok = await action.run(() =>
            call('LabelParameterVersion', {
              Name: name,
              ParameterVersion: Number(version || latest),
              Labels: [label.trim()],
            }),
          );
          if (ok) {
            setLabel('');
            onChange();
          }
        }}
      >
        <label for="label-name">Label</label>
        <input id="label-name" value={label} required onInput={(e) => setLabel(e.currentTarget.value)} />
        <label for="label-version">on version</label>
        <select
          id="label-version"
          value={version || String(latest ?? '')}
          onChange={(e) => setVersion(e.currentTarget.value)}
        >
          {history.map((h) => (
            <option key={h.Version} value={String(h.Version)}>
              {h.Version}
            </option>
          ))}
        </select>
        <button type="submit" disabled={action.busy || !label.trim()}>
          Add label
        </button>
      </form>
      <ErrorNote error={action.error} context="Labels" />
    </div>
  );
}

function ParameterDetail({ metadata, onDeleted }: { metadata: Metadata; onDeleted: () => void }) {
  const { call, all } = useConsole();
  const name = metadata.Name!;
  const secure = metadata.Type === 'SecureString';
  const [revealed, setRevealed] = useState(false);
  const [editing, setEditing] = useState(false);
  const [fromVersion, setFromVersion] = useState<number>();
  const [toVersion, setToVersion] = useState<number>();
  const decrypt = revealed || editing;
  const detail = usePoll(
    async (signal) => {
      const [parameter, history] = await Promise.all([
        call('GetParameter', { Name: name, WithDecryption: secure && decrypt }, signal),
        all(
          'GetParameterHistory',
          { Name: name, WithDecryption: secure && decrypt, MaxResults: 50 },
          (p) => p.Parameters,
          signal,
        ),
      ]);
      return {
        parameter: parameter.Parameter,
        history: history.sort((a, b) => (a.Version ?? 0) - (b.Version ?? 0)),
      };
    },
    [name, secure && decrypt],
  );
  const remove = useAction();
  const hidden = secure && !revealed;
  const history = detail.data?.history ?? [];
  const latest = history.at(-1);
  const from = history.find((h) => h.Version === fromVersion) ?? history.at(-2) ?? latest;
  const to = history.find((h) => h.Version === toVersion) ?? latest;

  return (
    <Section
      title={name}
      actions={
        <>
          <button type="button" onClick={() => setEditing(true)} disabled={editing || !detail.data}>
            Edit
          </button>
          <ConfirmButton
            label="Delete"
            confirmLabel={`Delete ${name}`}
            disabled={remove.busy}
            onConfirm={() =>
              void remove.run(() => call('DeleteParameter', { Name: name })).then((ok) => ok && onDeleted())
            }
          />
        </>
      }
    >
      <ErrorNote error={detail.error} context="Loading the parameter" />
      <ErrorNote error={remove.error} context="DeleteParameter" />
      <dl class="facts">
        <dt>Type</dt>
        <dd class="parameter-type">{metadata.Type}</dd>
        <dt>Tier</dt>
        <dd class="parameter-tier">{metadata.Tier ?? 'Standard'}</dd>
        <dt>Version</dt>
        <dd class="parameter-version">{detail.data?.parameter?.Version ?? metadata.Version}</dd>
        <dt>Last modified</dt>
        <dd>
          <Time seconds={metadata.LastModifiedDate} />
        </dd>
        <dt>Data type</dt>
        <dd>{metadata.DataType ?? 'text'}</dd>
        {metadata.Description ? (
          <>
            <dt>Description</dt>
            <dd>{metadata.Description}</dd>
          </>
        ) : null}
        <dt>Value</dt>
        <dd>
          {!detail.data ? (
            <Loading what="the value" />
          ) : (
            <pre class="value parameter-value" aria-live="polite">
              {hidden ? HIDDEN : detail.data.parameter?.Value}
            </pre>
          )}
          {secure ? (
            <button
              type="button"
              class="reveal"
              aria-pressed={revealed}
              onClick={() => setRevealed(!revealed)}
            >
              {revealed ? 'Hide' : 'Reveal'}
            </button>
          ) : null}
        </dd>
      </dl>
      {editing && detail.data ? (
        <ParameterForm
          key={`edit:${name}`}
          existing={metadata}
          currentValue={detail.data.parameter?.Value ?? ''}
          onDone={() => {
            setEditing(false);
            detail.refresh();
          }}
        />
      ) : null}
      <h3>Versions</h3>
      {history.length === 0 ? (
        <Loading what="the history" />
      ) : (
        <Grid
          label="Versions"
          columns={[
            'Version',
            'Modified',
            'Type',
            'Tier',
            'Labels',
            'Value',
            <abbr title="Compare from">From</abbr>,
            <abbr title="Compare to">To</abbr>,
          ]}
          class="history"
        >
          {[...history].reverse().map((h) => (
            <tr key={h.Version} data-version={h.Version}>
              <th scope="row">{h.Version}</th>
              <td>
                <Time seconds={h.LastModifiedDate} />
              </td>
              <td>{h.Type}</td>
              <td>{h.Tier}</td>
              <td>{h.Labels?.join(', ') || <span class="muted">—</span>}</td>
              <td class="mono clip">{hidden ? HIDDEN : h.Value}</td>
              <td>
                <input
                  type="radio"
                  name="diff-from"
                  aria-label={`Compare from version ${h.Version}`}
                  checked={from?.Version === h.Version}
                  onChange={() => setFromVersion(h.Version)}
                />
              </td>
              <td>
                <input
                  type="radio"
                  name="diff-to"
                  aria-label={`Compare to version ${h.Version}`}
                  checked={to?.Version === h.Version}
                  onChange={() => setToVersion(h.Version)}
                />
              </td>
            </tr>
          ))}
        </Grid>
      )}
      {from && to && history.length > 1 ? (
        <>
          <h3>
            Changes from version {from.Version} to version {to.Version}
          </h3>
          <VersionDiff from={from} to={to} hidden={hidden} />
        </>
      ) : null}
      <h3>Labels</h3>
      <Labels name={name} history={history} onChange={detail.refresh} />
    </Section>
  );
}

export function ParametersPage({ params }: PageProps) {
  const { all, navigate } = useConsole();
  const selected = params.get('name');
  const creating = params.get('new') === '1';
  const [filter, setFilter] = useState('');
  const list = usePoll(
    (signal) => all('DescribeParameters', { MaxResults: 50 }, (page) => page.Parameters, signal),
    [],
  );
  const shown = (list.data ?? []).filter((p) => p.Name!.toLowerCase().includes(filter.trim().toLowerCase()));
  const tree = useMemo(() => buildTree(shown), [list.data, filter]);
  const metadata = list.data?.find((p) => p.Name === selected);
  const select = (name: string) => navigate('parameters', { name });

  return (
    <div class="split">
      <Section
        title="Parameters"
        actions={
          <button type="button" class="primary" onClick={() => navigate('parameters', { new: '1' })}>
            New parameter
          </button>
        }
      >
        <Field label="Filter by name">
          {(p) => (
            <input {...p} type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          )}
        </Field>
        <ErrorNote error={list.error} context="DescribeParameters" />
        {!list.data ? (
          <Loading what="parameters" />
        ) : shown.length === 0 ? (
          <Empty>{list.data.length ? 'No parameter matches.' : 'No parameters yet.'}</Empty>
        ) : (
          <nav class="tree" aria-label="Parameters by path">
            <TreeLevel node={tree} selected={selected} onSelect={select} />
          </nav>
        )}
      </Section>
      <div class="split-main">
        {creating ? (
          <Section title="New parameter">
            <ParameterForm
              key="new"
              onDone={(name) => {
                list.refresh();
                navigate('parameters', name ? { name } : {});
              }}
            />
          </Section>
        ) : metadata ? (
          <ParameterDetail
            key={metadata.Name}
            metadata={metadata}
            onDeleted={() => {
              list.refresh();
              navigate('parameters');
            }}
          />
        ) : selected && list.data ? (
          <Empty>No parameter {selected}.</Empty>
        ) : (
          <Empty>Choose a parameter, or create one.</Empty>
        )}
      </div>
    </div>
  );
}
