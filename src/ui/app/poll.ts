// Live data without a refresh button: usePoll loads at once, then again every `intervalMs` after
// the previous load finished (never two at a time), and only while the tab is visible. An answer
// equal to the last one keeps the same object, so nothing re-renders when nothing changed.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export const POLL_MS = 2000;

export interface Polled<T> {
  data: T | undefined;
  error: Error | undefined;
  /** Loads again now (after a change the user made). */
  refresh(): void;
}

export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
  intervalMs: number | false = POLL_MS,
): Polled<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; key: string }>({
    data: undefined,
    error: undefined,
    key: '',
  });
  const trigger = useRef<() => void>(() => undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const key = JSON.stringify(deps);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    let last = '';
    const controller = new AbortController();
    const run = async () => {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      clearTimeout(timer);
      running = true;
      try {
        const data = await loadRef.current(controller.signal);
        if (stopped) return;
        const text = JSON.stringify(data) ?? '';
        if (text !== last) {
          last = text;
          setState({ data, error: undefined, key });
        } else {
          setState((s) => (s.error ? { ...s, error: undefined } : s));
        }
      } catch (error) {
        if (stopped || (error as Error).name === 'AbortError') return;
        setState((s) => ({ data: s.key === key ? s.data : undefined, error: error as Error, key }));
      } finally {
        running = false;
      }
      if (stopped) return;
      if (again) {
        again = false;
        void run();
      } else if (intervalMs !== false) {
        timer = setTimeout(tick, intervalMs);
      }
    };
    const tick = () => {
      if (document.hidden) timer = setTimeout(tick, intervalMs || POLL_MS);
      else void run();
    };
    const onVisible = () => {
      if (!document.hidden && !running) void run();
    };
    trigger.current = () => void run();
    document.addEventListener('visibilitychange', onVisible);
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [key, intervalMs]);

  const refresh = useCallback(() => trigger.current(), []);
  // Data loaded for other deps (the previous selection) is not shown for the new ones.
  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, refresh };
}
