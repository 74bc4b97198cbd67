// Run Command: send a Command document (ListDocuments, its parameters from DescribeDocument as a
// form) to instances or a tag target (SendCommand); the command's per-instance status and output
// as they arrive (ListCommands + ListCommandInvocations with Details, polled every second while it
// runs); its history with filters (ListCommands); cancel (CancelCommand).
import { useEffect, useState } from 'preact/hooks';
import type { Output } from '../api.js';
import {
  ConfirmButton,
  Empty,
  ErrorNote,
  Field,
  Grid,
  Loading,
  Section,
  StatusBadge,
  Time,
  useAction,
} from '../components.js';
import { useConsole } from '../context.js';
import type { PageProps } from '../pages.js';
import { DocumentSelect, ParameterFields, parametersOf, useDocumentChoice } from '../parameter-form.js';
import { usePoll } from '../poll.js';

type Command = NonNullable<Output<'ListCommands'>['Commands']>[number];

const RUNNING = new Set(['Pending', 'InProgress', 'Cancelling', 'Delayed']);
const COMMAND_STATUSES = [
  'Pending',
  'InProgress',
  'Success',
  'Cancelled',
  'Failed',
  'TimedOut',
  'Cancelling',
];

function SendCommandForm({ initialDocument }: { initialDocument: string | null }) {
  const { call, all, navigate } = useConsole();
  const choice = useDocumentChoice('Command', initialDocument ?? 'AWS-RunShellScript');
  const { documents, documentName, described, values, setValues } = choice;
  const instances = usePoll(
    (signal) =>
      all('DescribeInstanceInformation', { MaxResults: 50 }, (page) => page.InstanceInformationList, signal),
    [],
  );
  const [targetMode, setTargetMode] = useState<'tag' | 'instances'>('tag');
  const [tagKey, setTagKey] = useState('');
  const [tagValues, setTagValues] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [comment, setComment] = useState('');
  const send = useAction();

  useEffect(() => {
    if (initialDocument) choice.choose(initialDocument);
  }, [initialDocument]);

  const parameters = choice.parameters ?? [];
  const onlineInstances = (instances.data ?? []).filter((i) => i.PingStatus === 'Online');

  const submit = (event: Event) => {
    event.preventDefault();
    void send.run(async () => {
      const Parameters = parametersOf(parameters, values);
      const target =
        targetMode === 'tag'
          ? {
              Targets: [
                {
                  Key: `tag:${tagKey.trim()}`,
                  Values: tagValues
                    .split(',')
                    .map((v) => v.trim())
                    .filter(Boolean),
                },
              ],
            }
          : { InstanceIds: [...chosen] };
      const answer = await call('SendCommand', {
        DocumentName: documentName,
        Parameters,
        ...target,
        ...(comment.trim() ? { Comment: comment.trim() } : {}),
      });
      navigate('run-command', { command: answer.Command!.CommandId! });
    });
  };

  return (
    <form class="send-form" aria-label="Send a command" onSubmit={submit}>
      <div class="form-grid">
        <DocumentSelect label="Document" choice={choice} />
        <Field label="Comment">
          {(p) => (
            <input
              {...p}
              value={comment}
              maxLength={100}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          )}
        </Field>
      </div>
      <ErrorNote error={documents.error ?? described.error} context="Document" />
      <ParameterFields
        documentName={documentName}
        parameters={described.data ? parameters : undefined}
        values={values}
        onChange={setValues}
      />
      <fieldset>
        <legend>Targets</legend>
        <div class="radios">
          <label>
            <input
              type="radio"
              name="target-mode"
              value="tag"
              checked={targetMode === 'tag'}
              onChange={() => setTargetMode('tag')}
            />{' '}
            By tag
          </label>
          <label>
            <input
              type="radio"
              name="target-mode"
              value="instances"
              checked={targetMode === 'instances'}
              onChange={() => setTargetMode('instances')}
            />{' '}
            By instance
          </label>
        </div>
        {targetMode === 'tag' ? (
          <div class="form-grid">
            <Field label="Tag key">
              {(p) => (
                <input {...p} value={tagKey} required onInput={(e) => setTagKey(e.currentTarget.value)} />
              )}
            </Field>
            <Field label="Tag values" hint="comma-separated">
              {(p) => (
                <input
                  {...p}
                  value={tagValues}
                  required
                  onInput={(e) => setTagValues(e.currentTarget.value)}
                />
              )}
            </Field>
          </div>
        ) : onlineInstances.length === 0 ? (
          <Empty>No instance is online.</Empty>
        ) : (
          <ul class="checklist" aria-label="Instances">
            {onlineInstances.map((i) => (
              <li key={i.InstanceId}>
                <label>
                  <input
                    type="checkbox"
                    value={i.InstanceId}
                    checked={chosen.has(i.InstanceId!)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.currentTarget.checked) next.add(i.InstanceId!);
                      else next.delete(i.InstanceId!);
                      setChosen(next);
                    }}
                  />{' '}
                  <code>{i.InstanceId}</code> {i.ComputerName ?? i.Name ?? ''}
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <div class="form-actions">
        <button
          type="submit"
          class="primary"
          disabled={
            send.busy ||
            (targetMode === 'instances' ? chosen.size === 0 : !tagKey.trim() || !tagValues.trim())
          }
        >
          {send.busy ? 'Sending…' : 'Run'}
        </button>
      </div>
      <ErrorNote error={send.error} context="SendCommand" />
    </form>
  );
}

function targetsText(command: Command): string {
  if (command.InstanceIds?.length) return command.InstanceIds.join(', ');
  return (command.Targets ?? []).map((t) => `${t.Key}=${(t.Values ?? []).join(',')}`).join('; ') || '—';
}

/**
 * The invocation's whole output (GetCommandInvocation: up to 24,000 characters of stdout and 8,000
 * of stderr), where ListCommandInvocations' Details carry 2,500 of both; loaded on demand.
 */
function FullOutput({ commandId, instanceId }: { commandId: string; instanceId: string }) {
  const { call } = useConsole();
  const [open, setOpen] = useState(false);
  return (
    <div class="full-output">
      <button type="button" class="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide full output' : 'Full output (stdout and stderr)'}
      </button>
      {open ? (
        <FullOutputBody
          load={(signal) =>
            call('GetCommandInvocation', { CommandId: commandId, InstanceId: instanceId }, signal)
          }
          instanceId={instanceId}
        />
      ) : null}
    </div>
  );
}

function FullOutputBody({
  load,
  instanceId,
}: {
  load: (signal: AbortSignal) => Promise<Output<'GetCommandInvocation'>>;
  instanceId: string;
}) {
  const invocation = usePoll(load, [instanceId]);
  if (invocation.error) return <ErrorNote error={invocation.error} context="GetCommandInvocation" />;
  if (!invocation.data) return <Loading what="the output" />;
  return (
    <>
      <p class="plugin-head">Standard output</p>
      <pre class="output stdout" tabIndex={0} aria-label={`Standard output on ${instanceId}`}>
        {invocation.data.StandardOutputContent || <span class="muted">(empty)</span>}
      </pre>
      <p class="plugin-head">Standard error</p>
      <pre class="output stderr" tabIndex={0} aria-label={`Standard error on ${instanceId}`}>
        {invocation.data.StandardErrorContent || <span class="muted">(empty)</span>}
      </pre>
    </>
  );
}

function CommandDetail({ commandId }: { commandId: string }) {
  const { call, all, navigate } = useConsole();
  const [running, setRunning] = useState(true);
  const detail = usePoll(
    async (signal) => {
      const [commands, invocations] = await Promise.all([
        call('ListCommands', { CommandId: commandId }, signal),
        all(
          'ListCommandInvocations',
          { CommandId: commandId, Details: true, MaxResults: 50 },
          (page) => page.CommandInvocations,
          signal,
        ),
      ]);
      return { command: commands.Commands?.[0], invocations };
    },
    [commandId],
    // While the command runs, outputs should appear as they arrive (a command on 50 instances
    // ends in about 200 ms here); a finished one changes only if someone cancels or re-sends.
    running ? 250 : 5000,
  );
  const command = detail.data?.command;
  useEffect(() => {
    if (command?.Status) setRunning(RUNNING.has(command.Status));
  }, [command?.Status]);
  const cancel = useAction();
  const invocations = [...(detail.data?.invocations ?? [])].sort((a, b) =>
    (a.InstanceName ?? a.InstanceId ?? '').localeCompare(b.InstanceName ?? b.InstanceId ?? ''),
  );

  return (
    <Section
      title={`Command ${commandId}`}
      actions={
        <>
          {command && RUNNING.has(command.Status ?? '') ? (
            <ConfirmButton
              label="Cancel command"
              confirmLabel="Cancel this command"
              disabled={cancel.busy}
              onConfirm={() =>
                void cancel.run(() => call('CancelCommand', { CommandId: commandId })).then(detail.refresh)
              }
            />
          ) : null}
          <button type="button" onClick={() => navigate('run-command')}>
            Close
          </button>
        </>
      }
    >
      <ErrorNote error={detail.error} context="Loading the command" />
      <ErrorNote error={cancel.error} context="CancelCommand" />
      {!detail.data ? (
        <Loading what="the command" />
      ) : !command ? (
        <Empty>No command {commandId} in this account and region.</Empty>
      ) : (
        <>
          <dl class="facts command-facts">
            <dt>Status</dt>
            <dd class="command-status">
              <StatusBadge status={command.Status} />{' '}
              {command.StatusDetails !== command.Status ? (
                <span class="muted">{command.StatusDetails}</span>
              ) : null}
            </dd>
            <dt>Document</dt>
            <dd>{command.DocumentName}</dd>
            <dt>Targets</dt>
            <dd>{targetsText(command)}</dd>
            <dt>Requested</dt>
            <dd>
              <Time seconds={command.RequestedDateTime} />
            </dd>
            <dt>Progress</dt>
            <dd aria-live="polite">
              {command.CompletedCount ?? 0} of {command.TargetCount ?? 0} done, {command.ErrorCount ?? 0}{' '}
              errors
            </dd>
            {command.Comment ? (
              <>
                <dt>Comment</dt>
                <dd>{command.Comment}</dd>
              </>
            ) : null}
          </dl>
          {invocations.length === 0 ? (
            <Empty>No instance has received this command yet.</Empty>
          ) : (
            <ul class="invocations" aria-label="Invocations">
              {invocations.map((invocation) => (
                <li key={invocation.InstanceId} class="invocation" data-instance-id={invocation.InstanceId}>
                  <h3>
                    <code>{invocation.InstanceId}</code> {invocation.InstanceName ?? ''}{' '}
                    <span class="invocation-status">
                      <StatusBadge status={invocation.Status} />
                    </span>
                  </h3>
                  {(invocation.CommandPlugins ?? []).map((plugin) => (
                    <div key={plugin.Name} class="plugin">
                      <p class="plugin-head">
                        <span>{plugin.Name}</span> <StatusBadge status={plugin.Status} />
                        {plugin.ResponseCode !== undefined && plugin.ResponseCode !== -1 ? (
                          <span class="muted"> exit {plugin.ResponseCode}</span>
                        ) : null}
                      </p>
                      <pre
                        class="output"
                        tabIndex={0}
                        aria-label={`Output of ${plugin.Name} on ${invocation.InstanceId}`}
                      >
                        {plugin.Output || <span class="muted">(no output yet)</span>}
                      </pre>
                    </div>
                  ))}
                  <FullOutput commandId={commandId} instanceId={invocation.InstanceId!} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Section>
  );
}

function History() {
  const { all } = useConsole();
  const [status, setStatus] = useState('');
  const [documentName, setDocumentName] = useState('');
  const [after, setAfter] = useState('');
  const filters: { key: 'Status' | 'DocumentName' | 'InvokedAfter'; value: string }[] = [
    ...(status ? [{ key: 'Status' as const, value: status }] : []),
    ...(documentName.trim() ? [{ key: 'DocumentName' as const, value: documentName.trim() }] : []),
    ...(after && !Number.isNaN(Date.parse(after))
      ? [{ key: 'InvokedAfter' as const, value: new Date(after).toISOString().replace(/\.\d{3}Z$/, 'Z') }]
      : []),
  ];
  const commands = usePoll(
    (signal) =>
      all(
        'ListCommands',
        { MaxResults: 50, ...(filters.length ? { Filters: filters } : {}) },
        (page) => page.Commands,
        signal,
      ).then((list) => list.sort((a, b) => (b.RequestedDateTime ?? 0) - (a.RequestedDateTime ?? 0))),
    [filters],
  );
  return (
    <Section title="Command history">
      <form class="filters" aria-label="Filter commands" onSubmit={(e) => e.preventDefault()}>
        <Field label="Status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
              <option value="">Any</option>
              {COMMAND_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Document name">
          {(p) => (
            <input {...p} value={documentName} onChange={(e) => setDocumentName(e.currentTarget.value)} />
          )}
        </Field>
        <Field label="Invoked after">
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={after}
              onChange={(e) => setAfter(e.currentTarget.value)}
            />
          )}
        </Field>
      </form>
      <ErrorNote error={commands.error} context="ListCommands" />
      {!commands.data ? (
        <Loading what="commands" />
      ) : commands.data.length === 0 ? (
        <Empty>No command{filters.length ? ' matches these filters' : ' yet'}.</Empty>
      ) : (
        <Grid
          label="Commands"
          columns={['Command ID', 'Document', 'Status', 'Requested', 'Targets', 'Done', 'Errors']}
        >
          {commands.data.map((c) => (
            <tr key={c.CommandId} data-command-id={c.CommandId}>
              <th scope="row">
                <a href={`#/run-command?command=${encodeURIComponent(c.CommandId!)}`}>
                  <code>{c.CommandId}</code>
                </a>
              </th>
              <td>{c.DocumentName}</td>
              <td>
                <StatusBadge status={c.Status} />
              </td>
              <td>
                <Time seconds={c.RequestedDateTime} />
              </td>
              <td class="targets">{targetsText(c)}</td>
              <td>
                {c.CompletedCount ?? 0}/{c.TargetCount ?? 0}
              </td>
              <td>{c.ErrorCount ?? 0}</td>
            </tr>
          ))}
        </Grid>
      )}
    </Section>
  );
}

export function RunCommandPage({ params }: PageProps) {
  const commandId = params.get('command');
  return (
    <>
      {commandId ? <CommandDetail key={commandId} commandId={commandId} /> : null}
      <Section title="Send a command">
        <SendCommandForm initialDocument={params.get('document')} />
      </Section>
      <History />
    </>
  );
}
