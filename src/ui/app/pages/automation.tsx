// Automation: the executions (DescribeAutomationExecutions, filtered by status), a new execution of a
// runbook with its parameters as a form (ListDocuments, DescribeDocument, StartAutomationExecution),
// and one execution (GetAutomationExecution, polled every second while it runs) as its step graph
// (step-graph.tsx: the runbook from GetDocument at the execution's DocumentVersion). Choosing a step
// shows its inputs, outputs and failure; a Waiting step offers its signals (SendAutomationSignal:
// Approve and Reject for aws:approve, Resume for aws:pause), and a running execution can be stopped
// (StopAutomationExecution).
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
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
import { DocumentSelect, ParameterFields, parametersOf, useDocumentChoice } from '../parameter-form.js';
import { usePoll } from '../poll.js';
import {
  executionGraph,
  latestByStep,
  runbookGraph,
  StepGraphView,
  type StepExecution,
} from '../step-graph.js';

type Execution = NonNullable<Output<'GetAutomationExecution'>['AutomationExecution']>;

const RUNNING = new Set(['Pending', 'InProgress', 'Waiting', 'Cancelling', 'RunbookInProgress', 'Scheduled']);
const STATUSES = [
  'Pending',
  'InProgress',
  'Waiting',
  'Success',
  'TimedOut',
  'Cancelling',
  'Cancelled',
  'Failed',
];

/** The signals a Waiting step takes, by its action. */
function signalsFor(action: string | undefined): ('Approve' | 'Reject' | 'Resume')[] {
  if (action === 'aws:approve') return ['Approve', 'Reject'];
  if (action === 'aws:pause') return ['Resume'];
  return ['Resume'];
}

function Values({ label, values }: { label: string; values: Record<string, string | string[]> | undefined }) {
  const entries = Object.entries(values ?? {});
  return (
    <>
      <h3>{label}</h3>
      {entries.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <dl class="facts step-values" aria-label={label}>
          {entries.map(([key, value]) => (
            <Fragment key={key}>
              <dt>{key}</dt>
              <dd>
                <pre class="value">{Array.isArray(value) ? value.join('\n') : value}</pre>
              </dd>
            </Fragment>
          ))}
        </dl>
      )}
    </>
  );
}

function StepDetails({
  execution,
  step,
  name,
  onSignalled,
}: {
  execution: Execution;
  step: StepExecution | undefined;
  name: string;
  onSignalled: () => void;
}) {
  const { call } = useConsole();
  const action = useAction();
  const [comment, setComment] = useState('');
  if (!step) {
    return (
      <div class="step-details" aria-label={`Step ${name}`} role="region">
        <h3>{name}</h3>
        <p class="muted">This step has not run.</p>
      </div>
    );
  }
  const waiting = step.StepStatus === 'Waiting';
  const send = (type: 'Approve' | 'Reject' | 'Resume') =>
    void action
      .run(() =>
        call('SendAutomationSignal', {
          AutomationExecutionId: execution.AutomationExecutionId!,
          SignalType: type,
          ...(comment.trim() ? { Payload: { Comment: [comment.trim()] } } : {}),
        }),
      )
      .then(onSignalled);
  return (
    <div class="step-details" aria-label={`Step ${name}`} role="region">
      <h3>
        {name} <Status status={step.StepStatus} />
      </h3>
      <dl class="facts">
        <dt>Action</dt>
        <dd class="mono">{step.Action}</dd>
        <dt>Started</dt>
        <dd>
          <Time seconds={step.ExecutionStartTime} />
        </dd>
        <dt>Ended</dt>
        <dd>
          <Time seconds={step.ExecutionEndTime} />
        </dd>
        {step.Response ? (
          <>
            <dt>Response</dt>
            <dd>{step.Response}</dd>
          </>
        ) : null}
        {step.NextStep ? (
          <>
            <dt>Next step</dt>
            <dd>{step.NextStep}</dd>
          </>
        ) : null}
      </dl>
      {step.FailureMessage ? (
        <div class="error step-failure" role="note">
          <strong>Failure:</strong> {step.FailureMessage}
        </div>
      ) : null}
      {waiting ? (
        <div class="signal-form" role="group" aria-label="Signals">
          <Field label="Comment" hint="optional, sent with the signal">
            {(p) => <input {...p} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
          </Field>
          <div class="row-actions">
            {signalsFor(step.Action).map((type) => (
              <button
                key={type}
                type="button"
                class={type === 'Reject' ? 'danger' : 'primary'}
                disabled={action.busy}
                onClick={() => send(type)}
              >
                {type}
              </button>
            ))}
          </div>
          <ErrorNote error={action.error} context="Signal" />
        </div>
      ) : null}
      <Values label="Inputs" values={step.Inputs} />
      <Values label="Outputs" values={step.Outputs} />
    </div>
  );
}

function ExecutionView({ executionId }: { executionId: string }) {
  const { call } = useConsole();
  const [pollMs, setPollMs] = useState(1000);
  const execution = usePoll(
    (signal) => call('GetAutomationExecution', { AutomationExecutionId: executionId }, signal),
    [executionId],
    pollMs,
  );
  const e = execution.data?.AutomationExecution;
  const running = e ? RUNNING.has(e.AutomationExecutionStatus ?? '') : true;
  useEffect(() => setPollMs(running ? 1000 : 5000), [running]);
  const runbook = usePoll(
    async (signal) => {
      if (!e?.DocumentName) return undefined;
      const doc = await call(
        'GetDocument',
        {
          Name: e.DocumentName,
          DocumentFormat: 'JSON',
          ...(e.DocumentVersion ? { DocumentVersion: e.DocumentVersion } : {}),
        },
        signal,
      );
      return doc.Content ? (JSON.parse(doc.Content) as unknown) : undefined;
    },
    [e?.DocumentName, e?.DocumentVersion],
    false,
  );
  const steps = e?.StepExecutions ?? [];
  const graph = runbookGraph(runbook.data) ?? executionGraph(steps);
  const waiting = steps.find((s) => s.StepStatus === 'Waiting')?.StepName;
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const selected = chosen ?? waiting ?? steps[steps.length - 1]?.StepName ?? graph.nodes[0]?.name;
  const stop = useAction();

  return (
    <Section
      title="Execution"
      actions={
        e && running ? (
          <ConfirmButton
            label="Stop"
            confirmLabel="Stop this execution"
            disabled={stop.busy}
            onConfirm={() =>
              void stop
                .run(() =>
                  call('StopAutomationExecution', { AutomationExecutionId: executionId, Type: 'Cancel' }),
                )
                .then(execution.refresh)
            }
          />
        ) : null
      }
    >
      <ErrorNote error={execution.error} context="GetAutomationExecution" />
      <ErrorNote error={stop.error} context="Stop" />
      {!e ? (
        <Loading what="the execution" />
      ) : (
        <>
          <dl class="facts execution-facts">
            <dt>Execution</dt>
            <dd class="mono">{e.AutomationExecutionId}</dd>
            <dt>Runbook</dt>
            <dd>
              {e.DocumentName} <span class="muted">version {e.DocumentVersion}</span>
            </dd>
            <dt>Status</dt>
            <dd class="execution-status" aria-live="polite">
              <Status status={e.AutomationExecutionStatus} />
            </dd>
            <dt>Mode</dt>
            <dd>{e.Mode}</dd>
            <dt>Started</dt>
            <dd>
              <Time seconds={e.ExecutionStartTime} />
            </dd>
            <dt>Ended</dt>
            <dd>
              <Time seconds={e.ExecutionEndTime} />
            </dd>
            {e.FailureMessage ? (
              <>
                <dt>Failure</dt>
                <dd>{e.FailureMessage}</dd>
              </>
            ) : null}
          </dl>
          {Object.keys(e.Outputs ?? {}).length ? (
            <Values label="Execution outputs" values={e.Outputs} />
          ) : null}
          <ErrorNote error={runbook.error} context="The runbook (the graph shows the steps that ran)" />
          <div class="graph-layout">
            <div class="graph-scroll">
              <StepGraphView
                graph={graph}
                steps={steps}
                running={running}
                selected={selected}
                onSelect={setChosen}
              />
              <p class="legend muted" aria-hidden="true">
                <span class="legend-next">— next</span> <span class="legend-branch">— branch</span>{' '}
                <span class="legend-failure">- - on failure</span>{' '}
                <span class="legend-cancel">··· on cancel</span>
              </p>
            </div>
            {selected ? (
              <StepDetails
                key={selected}
                execution={e}
                step={latestByStep(steps).get(selected)}
                name={selected}
                onSignalled={execution.refresh}
              />
            ) : null}
          </div>
        </>
      )}
    </Section>
  );
}

function StartExecution() {
  const { call, navigate } = useConsole();
  const choice = useDocumentChoice('Automation', undefined, 10_000);
  const { documents, documentName, described, parameters, values, setValues } = choice;
  const start = useAction();
  if (documents.data && documents.data.length === 0)
    return (
      <Empty>No Automation runbook in this account (CreateDocument with DocumentType Automation).</Empty>
    );
  return (
    <form
      aria-label="Start an execution"
      onSubmit={(event) => {
        event.preventDefault();
        if (!documentName) return;
        void start.run(async () => {
          const answer = await call('StartAutomationExecution', {
            DocumentName: documentName,
            Parameters: parametersOf(parameters ?? [], values),
          });
          navigate('automation', { execution: answer.AutomationExecutionId! });
        });
      }}
    >
      <div class="form-grid">
        <DocumentSelect label="Runbook" choice={choice} />
      </div>
      <ErrorNote error={documents.error ?? described.error} context="Runbook" />
      {documentName ? (
        <ParameterFields
          documentName={documentName}
          parameters={parameters}
          values={values}
          onChange={setValues}
        />
      ) : null}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={start.busy || !documentName}>
          {start.busy ? 'Starting…' : 'Start execution'}
        </button>
      </div>
      <ErrorNote error={start.error} context="StartAutomationExecution" />
    </form>
  );
}

export function AutomationPage({ params }: PageProps) {
  const { call, navigate } = useConsole();
  const selected = params.get('execution');
  const [status, setStatus] = useState('');
  const [starting, setStarting] = useState(false);
  const executions = usePoll(
    (signal) =>
      call(
        'DescribeAutomationExecutions',
        { MaxResults: 50, ...(status ? { Filters: [{ Key: 'ExecutionStatus', Values: [status] }] } : {}) },
        signal,
      ),
    [status],
  );
  const list = executions.data?.AutomationExecutionMetadataList ?? [];
  return (
    <>
      {selected ? <ExecutionView key={selected} executionId={selected} /> : null}
      <Section
        title="Executions"
        actions={
          <button type="button" onClick={() => setStarting((s) => !s)} aria-expanded={starting}>
            Start an execution
          </button>
        }
      >
        {starting ? (
          <div class="parameter-form">
            <StartExecution />
          </div>
        ) : null}
        <div class="filters">
          <Field label="Status">
            {(p) => (
              <select {...p} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
                <option value="">(any)</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <ErrorNote error={executions.error} context="DescribeAutomationExecutions" />
        {!executions.data ? (
          <Loading what="executions" />
        ) : list.length === 0 ? (
          <Empty>{status ? 'No execution has this status.' : 'No automation has run yet.'}</Empty>
        ) : (
          <Grid
            label="Automation executions"
            columns={['Execution', 'Runbook', 'Status', 'Current step', 'Started', 'Ended']}
          >
            {list.map((x) => (
              <tr
                key={x.AutomationExecutionId}
                data-execution-id={x.AutomationExecutionId}
                aria-current={x.AutomationExecutionId === selected ? 'true' : undefined}
              >
                <th scope="row">
                  <button
                    type="button"
                    class="link-button mono"
                    onClick={() => navigate('automation', { execution: x.AutomationExecutionId! })}
                  >
                    {x.AutomationExecutionId}
                  </button>
                </th>
                <td>{x.DocumentName}</td>
                <td class="execution-status">
                  <Status status={x.AutomationExecutionStatus} />
                </td>
                <td>{x.CurrentStepName ?? <span class="muted">—</span>}</td>
                <td>
                  <Time seconds={x.ExecutionStartTime} />
                </td>
                <td>
                  <Time seconds={x.ExecutionEndTime} />
                </td>
              </tr>
            ))}
          </Grid>
        )}
      </Section>
    </>
  );
}
