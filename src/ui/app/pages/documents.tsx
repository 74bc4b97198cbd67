// Documents: the list (ListDocuments, filtered by owner and type), a document's content as JSON
// or YAML (GetDocument with DocumentFormat, any version) and its versions (ListDocumentVersions).
import { useState } from 'preact/hooks';
import { Empty, ErrorNote, Field, Grid, Loading, Section, StatusBadge, Time } from '../components.js';
import { useConsole } from '../context.js';
import type { PageProps } from '../pages.js';
import { usePoll } from '../poll.js';

const OWNERS = ['All', 'Self', 'Amazon', 'Private', 'Public'];
const TYPES = ['', 'Command', 'Automation', 'Policy', 'Session', 'Automation.ChangeTemplate'];

function DocumentDetail({ name }: { name: string }) {
  const { call, all, navigate } = useConsole();
  const [format, setFormat] = useState<'JSON' | 'YAML'>('YAML');
  const [version, setVersion] = useState('');
  const versions = usePoll(
    (signal) =>
      all('ListDocumentVersions', { Name: name, MaxResults: 50 }, (page) => page.DocumentVersions, signal),
    [name],
    5000,
  );
  const content = usePoll(
    (signal) =>
      call(
        'GetDocument',
        { Name: name, DocumentFormat: format, ...(version ? { DocumentVersion: version } : {}) },
        signal,
      ),
    [name, format, version],
    false,
  );
  const document = content.data;
  return (
    <Section
      title={name}
      actions={
        <>
          {document?.DocumentType === 'Command' ? (
            <button type="button" onClick={() => navigate('run-command', { document: name })}>
              Run this document
            </button>
          ) : null}
          <button type="button" onClick={() => navigate('documents')}>
            Close
          </button>
        </>
      }
    >
      <div class="filters">
        <Field label="Format">
          {(p) => (
            <select
              {...p}
              value={format}
              onChange={(e) => setFormat(e.currentTarget.value as 'JSON' | 'YAML')}
            >
              <option value="YAML">YAML</option>
              <option value="JSON">JSON</option>
            </select>
          )}
        </Field>
        <Field label="Version">
          {(p) => (
            <select {...p} value={version} onChange={(e) => setVersion(e.currentTarget.value)}>
              <option value="">Default</option>
              {(versions.data ?? []).map((v) => (
                <option key={v.DocumentVersion} value={v.DocumentVersion}>
                  {v.DocumentVersion}
                  {v.IsDefaultVersion ? ' (default)' : ''}
                  {v.VersionName ? ` · ${v.VersionName}` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorNote error={content.error} context="GetDocument" />
      {!document ? (
        <Loading what="the document" />
      ) : (
        <>
          <dl class="facts">
            <dt>Type</dt>
            <dd>{document.DocumentType}</dd>
            <dt>Version</dt>
            <dd>{document.DocumentVersion}</dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={document.Status} />
            </dd>
          </dl>
          <pre
            class="content"
            tabIndex={0}
            aria-label={`Content of ${name} as ${format}`}
            data-format={format}
          >
            {document.Content}
          </pre>
        </>
      )}
      <h3>Versions</h3>
      <ErrorNote error={versions.error} context="ListDocumentVersions" />
      {!versions.data ? (
        <Loading what="versions" />
      ) : (
        <Grid
          label="Document versions"
          columns={['Version', 'Name', 'Created', 'Format', 'Status', 'Default']}
        >
          {versions.data.map((v) => (
            <tr key={v.DocumentVersion}>
              <th scope="row">{v.DocumentVersion}</th>
              <td>{v.VersionName ?? <span class="muted">—</span>}</td>
              <td>
                <Time seconds={v.CreatedDate} />
              </td>
              <td>{v.DocumentFormat}</td>
              <td>
                <StatusBadge status={v.Status} />
              </td>
              <td>{v.IsDefaultVersion ? 'Yes' : 'No'}</td>
            </tr>
          ))}
        </Grid>
      )}
    </Section>
  );
}

export function DocumentsPage({ params }: PageProps) {
  const { all } = useConsole();
  const selected = params.get('name');
  const [owner, setOwner] = useState('All');
  const [type, setType] = useState('');
  const [filter, setFilter] = useState('');
  const list = usePoll(
    (signal) =>
      all(
        'ListDocuments',
        {
          MaxResults: 50,
          Filters: [
            { Key: 'Owner', Values: [owner] },
            ...(type ? [{ Key: 'DocumentType', Values: [type] }] : []),
          ],
        },
        (page) => page.DocumentIdentifiers,
        signal,
      ),
    [owner, type],
    5000,
  );
  const shown = (list.data ?? [])
    .filter((d) => d.Name!.toLowerCase().includes(filter.trim().toLowerCase()))
    .sort((a, b) => a.Name!.localeCompare(b.Name!));
  return (
    <>
      {selected ? <DocumentDetail key={selected} name={selected} /> : null}
      <Section title="Documents">
        <form class="filters" aria-label="Filter documents" onSubmit={(e) => e.preventDefault()}>
          <Field label="Owner">
            {(p) => (
              <select {...p} value={owner} onChange={(e) => setOwner(e.currentTarget.value)}>
                {OWNERS.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Type">
            {(p) => (
              <select {...p} value={type} onChange={(e) => setType(e.currentTarget.value)}>
                {TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t || 'Any'}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Name contains">
            {(p) => (
              <input {...p} type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            )}
          </Field>
        </form>
        <ErrorNote error={list.error} context="ListDocuments" />
        {!list.data ? (
          <Loading what="documents" />
        ) : shown.length === 0 ? (
          <Empty>No document matches.</Empty>
        ) : (
          <Grid label="Documents" columns={['Name', 'Type', 'Owner', 'Version', 'Format', 'Platforms']}>
            {shown.map((d) => (
              <tr key={d.Name} aria-current={d.Name === selected ? 'true' : undefined}>
                <th scope="row">
                  <a href={`#/documents?name=${encodeURIComponent(d.Name!)}`}>{d.Name}</a>
                </th>
                <td>{d.DocumentType}</td>
                <td>{d.Owner}</td>
                <td>{d.DocumentVersion}</td>
                <td>{d.DocumentFormat}</td>
                <td>{(d.PlatformTypes ?? []).join(', ')}</td>
              </tr>
            ))}
          </Grid>
        )}
      </Section>
    </>
  );
}
