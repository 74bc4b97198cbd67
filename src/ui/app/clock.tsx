// The clock panel: the emulator's time (GET /_ssm-local/clock), and, when the clock can be moved
// (config.clockAdjustable), a form that advances it (POST /_ssm-local/clock {advanceSeconds}),
// which runs everything that falls due on the way: schedules, expirations, timeouts.
import { useState } from 'preact/hooks';
import { admin } from './api.js';
import { ErrorNote, useAction } from './components.js';
import { useConsole } from './context.js';
import { usePoll } from './poll.js';

const UNITS = [
  { label: 'seconds', seconds: 1 },
  { label: 'minutes', seconds: 60 },
  { label: 'hours', seconds: 3600 },
  { label: 'days', seconds: 86400 },
] as const;

export function ClockPanel() {
  const { config } = useConsole();
  const clock = usePoll((signal) => admin<{ now: string }>('GET', 'clock', undefined, signal), [], 1000);
  const [amount, setAmount] = useState('30');
  const [unit, setUnit] = useState('60');
  const action = useAction();
  const now = clock.data ? new Date(clock.data.now) : undefined;

  const advance = (seconds: number) =>
    action.run(async () => {
      await admin('POST', 'clock', { advanceSeconds: seconds });
      clock.refresh();
    });

  return (
    <section class="clock" aria-label="Emulator clock">
      <div class="clock-now">
        <span class="clock-label">Emulator time</span>{' '}
        <time id="clock-now" dateTime={now?.toISOString()} title={now?.toISOString()}>
          {now ? now.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '…'}
        </time>
      </div>
      {config.clockAdjustable ? (
        <form
          class="clock-form"
          onSubmit={(event) => {
            event.preventDefault();
            const seconds = Number(amount) * Number(unit);
            if (Number.isFinite(seconds) && seconds > 0) void advance(seconds);
          }}
        >
          <label for="clock-amount">Advance by</label>
          <input
            id="clock-amount"
            type="number"
            min="1"
            step="1"
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
          <label for="clock-unit" class="visually-hidden">
            Unit
          </label>
          <select id="clock-unit" value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
            {UNITS.map((u) => (
              <option key={u.label} value={String(u.seconds)}>
                {u.label}
              </option>
            ))}
          </select>
          <button type="submit" disabled={action.busy}>
            {action.busy ? 'Advancing…' : 'Advance'}
          </button>
        </form>
      ) : (
        <span class="muted">fixed (started with a clock of its own)</span>
      )}
      <ErrorNote error={action.error ?? clock.error} context="Clock" />
    </section>
  );
}
