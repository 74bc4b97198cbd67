// State Manager: the associations (ListAssociations) with their status, schedule, targets and last
// run; one association's executions (DescribeAssociationExecutions) and an execution's targets
// (DescribeAssociationExecutionTargets, each linking to the Run Command command that holds its
// output); a new association from a Command document and its parameters (CreateAssociation), apply
// now (StartAssociationsOnce) and delete (DeleteAssociation). Polled, so a run shows as it happens.
import { useState } from 'preact/hooks';
import type { Output } from '../api.js';
import { Status } from '../badges.js';
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
import {
  DocumentSelect,
  ParameterFields,
  parametersOf,
  parseTargets,
  targetsText,
  useDocumentChoice,
} from '../parameter-form.js';
import { usePoll } from '../poll.js';

type Association = NonNullable<Output<'ListAssociations'>['Associations']>[number];

function counts(counted: Record<string, number> | undefined): string {
  const entries = Object.entries(counted ?? {});
  return entries.length ? entries.map(([status, n]) => `${n} ${status}`).join(', ') : '';
}

function AssociationRow({
  association,
  selected,
  onChanged,
}: {
  association: Association;
  selected: boolean;
  onChanged: () => void;
}) {
  const { call, navigate } = useConsole();
  const action = useAction();
  const id = association.AssociationId!;
  const overview = association.Overview;
  return (
    <tr data-association-id={id} aria-current={selected ? 'true' : undefined}>
      <th scope="row">
        <button
          type="button"
          class="link-button"
          onClick={() => navigate('state-manager', { association: id })}
          aria-label={`Executions of ${association.AssociationName ?? association.Name}`}
        >
          {association.AssociationName ?? association.Name}
        </button>
        <div class="muted mono">{id}</div>
      </th>
      <td>{association.Name}</td>
      <td class="association-status">
        <Status status={overview?.Status} />
        {overview?.DetailedStatus && overview.DetailedStatus !== overview.Status ? (
          <div class="muted">{overview.DetailedStatus}</div>
        ) : null}
        {counts(overview?.AssociationStatusAggregatedCount) ? (
          <div class="muted">{counts(overview?.AssociationStatusAggregatedCount)}</div>
        ) : null}
      </td>
      <td>
        <code>{association.ScheduleExpression ?? '—'}</code>
      </td>
      <td class="clip" title={targetsText(association.Targets)}>
        {targetsText(association.Targets) || association.InstanceId || '—'}
      </td>
      <td>
        <Time seconds={association.LastExecutionDate} />
      </td>
      <td>{association.AssociationVersion}</td>
      <td>
        <span class="row-actions">
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(() => call('StartAssociationsOnce', { AssociationIds: [id] })).then(onChanged)
            }
          >
            Apply now
          </button>
          <ConfirmButton
            label="Delete"
            confirmLabel={`Delete ${association.AssociationName ?? id}`}
            disabled={action.busy}
            onConfirm={() =>
              void action.run(() => call('DeleteAssociation', { AssociationId: id })).then(onChanged)
            }
          />
        </span>
        <ErrorNote error={action.error} />
      </td>
    </tr>
  );
}

function Executions({ associationId }: { associationId: string }) {
  const { call, navigate } = useConsole();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const executions = usePoll(
    (signal) =>
      call('DescribeAssociationExecutions', { AssociationId: associationId, MaxResults: 50 }, signal),
    [associationId],
  );
  const list = executions.data?.AssociationExecutions ?? [];
  const executionId = chosen ?? list[0]?.ExecutionId;
  const targets = usePoll(
    async (signal) =>
      executionId
        ? call(
            'DescribeAssociationExecutionTargets',
            { AssociationId: associationId, ExecutionId: executionId, MaxResults: 50 },
            signal,
          )
        : undefined,
    [associationId, executionId],
  );
  return (
    <Section title="Executions" actions={<code class="muted">{associationId}</code>}>
      <ErrorNote error={executions.error} context="Executions" />
      {!executions.data ? (
        <Loading what="executions" />
      ) : list.length === 0 ? (
        <Empty>This association has not run yet.</Empty>
      ) : (
        <Grid
          label="Association executions"
          columns={['Execution', 'Version', 'Status', 'Detail', 'Targets', 'Created']}
        >
          {list.map((e) => (
            <tr
              key={e.ExecutionId}
              data-execution-id={e.ExecutionId}
              aria-current={e.ExecutionId === executionId ? 'true' : undefined}
            >
              <th scope="row">
                <button type="button" class="link-button mono" onClick={() => setChosen(e.ExecutionId)}>
                  {e.ExecutionId}
                </button>
              </th>
              <td>{e.AssociationVersion}</td>
              <td class="execution-status">
                <Status status={e.Status} />
              </td>
              <td>{e.DetailedStatus}</td>
              <td>{e.ResourceCountByStatus}</td>
              <td>
                <Time seconds={e.CreatedTime} />
              </td>
            </tr>
          ))}
        </Grid>
      )}
      {executionId ? (
        <>
          <h3>
            Targets of <code>{executionId}</code>
          </h3>
          <ErrorNote error={targets.error} context="Targets" />
          {!targets.data ? (
            <Loading what="targets" />
          ) : (targets.data.AssociationExecutionTargets ?? []).length === 0 ? (
            <Empty>No target in this execution.</Empty>
          ) : (
            <table class="grid" aria-label="Execution targets">
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">Status</th>
                  <th scope="col">Detail</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Output</th>
                </tr>
              </thead>
              <tbody>
                {(targets.data.AssociationExecutionTargets ?? []).map((t) => (
                  <tr key={t.ResourceId} data-resource-id={t.ResourceId}>
                    <th scope="row">
                      <code>{t.ResourceId}</code>
                    </th>
                    <td class="target-status">
                      <Status status={t.Status} />
                    </td>
                    <td>{t.DetailedStatus}</td>
                    <td>
                      <Time seconds={t.LastExecutionDate} />
                    </td>
                    <td>
                      {t.OutputSource?.OutputSourceId ? (
                        <button
                          type="button"
                          class="link-button"
                          onClick={() =>
                            navigate('run-command', { command: t.OutputSource!.OutputSourceId! })
                          }
                        >
                          Command output
                        </button>
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </Section>
  );
}

function CreateAssociation({ onCreated }: { onCreated: (id: string) => void }) {
  const { call } = useConsole();
  const choice = useDocumentChoice('Command', 'AWS-RunShellScript');
  const { documents, documentName, described, parameters, values, setValues } = choice;
  const [name, setName] = useState('');
  const [targets, setTargets] = useState('InstanceIds=*');
  const [schedule, setSchedule] = useState('rate(30 minutes)');
  const create = useAction();
  return (
    <form
      aria-label="New association"
      onSubmit={(event) => {
        event.preventDefault();
        void create.run(async () => {
          const answer = await call('CreateAssociation', {
            Name: documentName,
            Targets: parseTargets(targets),
            Parameters: parametersOf(parameters ?? [], values),
            ...(name.trim() ? { AssociationName: name.trim() } : {}),
            ...(schedule.trim() ? { ScheduleExpression: schedule.trim() } : {}),
          });
          onCreated(answer.AssociationDescription!.AssociationId!);
        });
      }}
    >
      <div class="form-grid">
        <DocumentSelect label="Document" choice={choice} />
        <Field label="Association name" hint="optional">
          {(p) => <input {...p} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field label="Targets" hint="one a line: InstanceIds=* · InstanceIds=i-1,i-2 · tag:Role=web,db">
          {(p) => (
            <textarea
              {...p}
              rows={2}
              class="mono"
              value={targets}
              onInput={(e) => setTargets(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Schedule" hint="cron(…) or rate(…); empty: runs once at creation">
          {(p) => (
            <input {...p} class="mono" value={schedule} onInput={(e) => setSchedule(e.currentTarget.value)} />
          )}
        </Field>
      </div>
      <ErrorNote error={documents.error ?? described.error} context="Document" />
      <ParameterFields
        documentName={documentName}
        parameters={parameters}
        values={values}
        onChange={setValues}
      />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={create.busy}>
          {create.busy ? 'Creating…' : 'Create association'}
        </button>
      </div>
      <ErrorNote error={create.error} context="Create association" />
    </form>
  );
}

export function StateManagerPage({ params }: PageProps) {
  const { all, navigate } = useConsole();
  const selected = params.get('association');
  const associations = usePoll(
    (signal) => all('ListAssociations', { MaxResults: 50 }, (page) => page.Associations, signal),
    [],
  );
  const [creating, setCreating] = useState(false);
  const list = associations.data ?? [];
  return (
    <>
      <Section
        title="Associations"
        actions={
          <button type="button" onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
            New association
          </button>
        }
      >
        {creating ? (
          <div class="parameter-form">
            <CreateAssociation
              onCreated={(id) => {
                setCreating(false);
                associations.refresh();
                navigate('state-manager', { association: id });
              }}
            />
          </div>
        ) : null}
        <ErrorNote error={associations.error} context="Associations" />
        {!associations.data ? (
          <Loading what="associations" />
        ) : list.length === 0 ? (
          <Empty>No association yet. Create one to apply a Command document on a schedule.</Empty>
        ) : (
          <Grid
            label="Associations"
            columns={[
              'Association',
              'Document',
              'Status',
              'Schedule',
              'Targets',
              'Last execution',
              'Version',
              <span class="visually-hidden">Actions</span>,
            ]}
          >
            {list.map((a) => (
              <AssociationRow
                key={a.AssociationId}
                association={a}
                selected={a.AssociationId === selected}
                onChanged={associations.refresh}
              />
            ))}
          </Grid>
        )}
      </Section>
      {selected ? <Executions key={selected} associationId={selected} /> : null}
    </>
  );
}
