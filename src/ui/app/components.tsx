// Small pieces the pages share: error notes, status badges, tag chips, labelled fields, a button
// that asks for confirmation in place, a hook for actions (busy, error, then refresh), and the
// grid table.
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useId, useState } from 'preact/hooks';
import { ApiError } from './api.js';

/** An error as the emulator answered it: its code and message. */
export function ErrorNote({ error, context }: { error: Error | undefined; context?: string }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : error.name;
  return (
    <div class="error" role="alert">
      {context ? <span>{context}: </span> : null}
      <strong class="error-code">{code}</strong> <span class="error-message">{error.message}</span>
    </div>
  );
}

const STATUS_TONE: Record<string, string> = {
  Online: 'good',
  Success: 'good',
  Active: 'good',
  Pending: 'info',
  InProgress: 'info',
  Delayed: 'info',
  Cancelling: 'warn',
  ConnectionLost: 'warn',
  Inactive: 'warn',
  Stopped: 'muted',
  Cancelled: 'muted',
  Failed: 'bad',
  TimedOut: 'bad',
  Undeliverable: 'bad',
  Terminated: 'bad',
};

/** A status in words, with a colour as a hint only (the text always says it). */
export function StatusBadge({ status }: { status: string | undefined }) {
  if (!status) return <span class="muted">—</span>;
  return <span class={`badge tone-${STATUS_TONE[status] ?? 'muted'}`}>{status}</span>;
}

export function TagList({ tags }: { tags: { Key?: string; Value?: string }[] | undefined }) {
  if (!tags?.length) return <span class="muted">—</span>;
  return (
    <ul class="tags" aria-label="Tags">
      {tags.map((t) => (
        <li key={t.Key}>
          <span class="tag-key">{t.Key}</span>=<span class="tag-value">{t.Value}</span>
        </li>
      ))}
    </ul>
  );
}

/** A labelled control: the label is tied to the control by id. */
export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: (props: { id: string; 'aria-describedby'?: string }) => JSX.Element;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({ id, ...(hint ? { 'aria-describedby': hintId } : {}) })}
      {hint ? (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A button that, once pressed, asks "Really?" in place before doing anything. */
export function ConfirmButton({
  label,
  confirmLabel,
  onConfirm,
  disabled,
  class: className,
}: {
  label: string;
  confirmLabel: string;
  onConfirm: () => void;
  disabled?: boolean;
  class?: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class={className ?? 'danger'} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={confirmLabel}>
      <button
        type="button"
        class="danger"
        ref={(el) => el?.focus()}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

export interface Action {
  busy: boolean;
  error: Error | undefined;
  run(work: () => Promise<unknown>): Promise<boolean>;
  clear(): void;
}

/** Runs a user's action: busy while it runs, its error kept to show; answers whether it worked. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      return true;
    } catch (caught) {
      setError(caught as Error);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(undefined) };
}

/** Epoch seconds (as the wire carries them) in the reader's locale, with the ISO time as a tooltip. */
export function Time({ seconds }: { seconds: number | undefined }) {
  if (seconds === undefined) return <span class="muted">—</span>;
  const date = new Date(seconds * 1000);
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {date.toLocaleString()}
    </time>
  );
}

export function Section({
  title,
  children,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  const id = useId();
  return (
    <section class="panel" aria-labelledby={id}>
      <div class="panel-head">
        <h2 id={id}>{title}</h2>
        {actions ? <div class="panel-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

/**
 * A grid table in its scrolling wrapper: one header row of `columns` (text or markup), then the rows
 * given as children. `class` adds to the table's `grid` class.
 */
export function Grid({
  label,
  columns,
  class: extra,
  children,
}: {
  label: string;
  columns: ComponentChildren[];
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table class={extra ? `grid ${extra}` : 'grid'} aria-label={label}>
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
