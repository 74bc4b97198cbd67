// Session Manager: the sessions (DescribeSessions, Active and History), terminate one
// (TerminateSession), and a shell in the browser: StartSession on an instance, then the data channel
// spoken from this page (session-channel.ts) into an xterm.js terminal (terminal.tsx). Closing the
// terminal ends the session (TerminateSession), as the plugin does on exit.
import { useState } from 'preact/hooks';
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
import { usePoll } from '../poll.js';
import { ShellTerminal, type ShellStart } from '../terminal.js';

interface OpenShell extends ShellStart {
  target: string;
}

function Sessions({ state }: { state: 'Active' | 'History' }) {
  const { all, call } = useConsole();
  const sessions = usePoll(
    (signal) => all('DescribeSessions', { State: state, MaxResults: 200 }, (page) => page.Sessions, signal),
    [state],
  );
  const terminate = useAction();
  const list = sessions.data ?? [];
  return (
    <>
      <ErrorNote error={sessions.error ?? terminate.error} context="Sessions" />
      {!sessions.data ? (
        <Loading what="sessions" />
      ) : list.length === 0 ? (
        <Empty>{state === 'Active' ? 'No active session.' : 'No session has ended yet.'}</Empty>
      ) : (
        <Grid
          label={`${state} sessions`}
          columns={[
            'Session',
            'Target',
            'Status',
            'Document',
            'Owner',
            'Started',
            'Ended',
            ...(state === 'Active' ? [<span class="visually-hidden">Actions</span>] : []),
          ]}
        >
          {list.map((s) => (
            <tr key={s.SessionId} data-session-id={s.SessionId}>
              <th scope="row" class="mono">
                {s.SessionId}
              </th>
              <td>
                <code>{s.Target}</code>
              </td>
              <td class="session-status">
                <Status status={s.Status} />
              </td>
              <td>{s.DocumentName ?? <span class="muted">(shell)</span>}</td>
              <td class="clip owner" title={s.Owner}>
                {s.Owner}
              </td>
              <td>
                <Time seconds={s.StartDate} />
              </td>
              <td>
                <Time seconds={s.EndDate} />
              </td>
              {state === 'Active' ? (
                <td>
                  <ConfirmButton
                    label="Terminate"
                    confirmLabel={`Terminate ${s.SessionId}`}
                    disabled={terminate.busy}
                    onConfirm={() =>
                      void terminate
                        .run(() => call('TerminateSession', { SessionId: s.SessionId! }))
                        .then(sessions.refresh)
                    }
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </Grid>
      )}
    </>
  );
}

function StartShell({ onStarted }: { onStarted: (shell: OpenShell) => void }) {
  const { all, call } = useConsole();
  const instances = usePoll(
    (signal) =>
      all(
        'DescribeInstanceInformation',
        { Filters: [{ Key: 'PingStatus', Values: ['Online'] }], MaxResults: 50 },
        (page) => page.InstanceInformationList,
        signal,
      ),
    [],
    10_000,
  );
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const target = picked ?? instances.data?.[0]?.InstanceId;
  const start = useAction();
  return (
    <form
      class="inline-form"
      aria-label="Start a shell"
      onSubmit={(event) => {
        event.preventDefault();
        if (!target) return;
        void start.run(async () => {
          const answer = await call('StartSession', { Target: target });
          onStarted({
            target,
            SessionId: answer.SessionId!,
            StreamUrl: answer.StreamUrl!,
            TokenValue: answer.TokenValue!,
          });
        });
      }}
    >
      <Field label="Instance">
        {(p) => (
          <select {...p} value={target ?? ''} onChange={(e) => setPicked(e.currentTarget.value)}>
            {(instances.data ?? []).map((i) => (
              <option key={i.InstanceId} value={i.InstanceId}>
                {i.InstanceId} {i.Name || i.ComputerName ? `(${i.Name ?? i.ComputerName})` : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" class="primary" disabled={start.busy || !target}>
        {start.busy ? 'Starting…' : 'Start shell'}
      </button>
      {instances.data && instances.data.length === 0 ? (
        <span class="muted">No instance is online.</span>
      ) : null}
      <ErrorNote error={instances.error ?? start.error} context="StartSession" />
    </form>
  );
}

export function SessionsPage(_props: PageProps) {
  const { call } = useConsole();
  const [shell, setShell] = useState<OpenShell | undefined>(undefined);
  const [ended, setEnded] = useState(false);
  const [view, setView] = useState<'Active' | 'History'>('Active');
  const close = useAction();
  return (
    <>
      <Section
        title="Shell"
        actions={
          shell ? (
            <button
              type="button"
              disabled={close.busy}
              onClick={() =>
                void close
                  .run(async () => {
                    if (!ended) await call('TerminateSession', { SessionId: shell.SessionId });
                  })
                  .then(() => {
                    setShell(undefined);
                    setEnded(false);
                  })
              }
            >
              {ended ? 'Close' : 'End session'}
            </button>
          ) : null
        }
      >
        <ErrorNote error={close.error} context="TerminateSession" />
        {shell ? (
          <>
            <p class="muted">
              Session <code class="shell-session-id">{shell.SessionId}</code> on <code>{shell.target}</code>
            </p>
            <ShellTerminal
              key={shell.SessionId}
              start={shell}
              label={shell.target}
              onEnded={() => setEnded(true)}
            />
          </>
        ) : (
          <StartShell
            onStarted={(started) => {
              setEnded(false);
              setShell(started);
            }}
          />
        )}
      </Section>
      <Section
        title="Sessions"
        actions={
          <div class="radios" role="radiogroup" aria-label="Which sessions">
            {(['Active', 'History'] as const).map((state) => (
              <label key={state}>
                <input
                  type="radio"
                  name="session-state"
                  checked={view === state}
                  onChange={() => setView(state)}
                />{' '}
                {state}
              </label>
            ))}
          </div>
        }
      >
        <Sessions key={view} state={view} />
      </Section>
    </>
  );
}
