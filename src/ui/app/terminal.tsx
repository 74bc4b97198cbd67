// A shell in the browser: xterm.js (@xterm/xterm, with its fit addon) drawing what a session's data
// channel (session-channel.ts) brings, and sending what is typed. xterm.js is the terminal VS Code
// and most web terminals use: maintained, no dependencies, and it handles what a shell sends
// (escape sequences, colours, the alternate screen of vi or top). Its stylesheet is bundled with
// the console's (no CDN).
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { DataChannel, type ChannelState } from './session-channel.js';

export interface ShellStart {
  SessionId: string;
  StreamUrl: string;
  TokenValue: string;
}

/** The shell of one session; `onEnded` when the server closes it (channel_closed or the socket). */
export function ShellTerminal({
  start,
  label,
  onEnded,
}: {
  start: ShellStart;
  label: string;
  onEnded?: (reason: string) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ChannelState>('connecting');
  const [ended, setEnded] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const endedRef = useRef(onEnded);
  endedRef.current = onEnded;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const terminal = new Terminal({
      cursorBlink: true,
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
      fontSize: 14,
      scrollback: 5000,
      theme: { background: '#0f1720', foreground: '#e8edf2' },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    const channel = new DataChannel({
      streamUrl: start.StreamUrl,
      token: start.TokenValue,
      onOutput: (bytes) => terminal.write(bytes),
      onState: setState,
      onClosed: (reason) => {
        const text = reason || `Exiting session with sessionId: ${start.SessionId}.`;
        terminal.write(`\r\n\r\n${text}\r\n`);
        setEnded(text);
        endedRef.current?.(text);
      },
    });
    const input = terminal.onData((data) => channel.input(data));
    const resized = terminal.onResize(({ cols, rows }) => channel.resize(cols, rows));
    const refit = () => {
      try {
        fit.fit();
      } catch {
        // not laid out yet
      }
      channel.resize(terminal.cols, terminal.rows);
    };
    const observer = new ResizeObserver(refit);
    observer.observe(element);
    refit();
    channel.open().then(
      () => terminal.focus(),
      (e: Error) => setError(e.message),
    );
    return () => {
      observer.disconnect();
      input.dispose();
      resized.dispose();
      channel.close();
      terminal.dispose();
    };
  }, [start.SessionId, start.StreamUrl, start.TokenValue]);

  return (
    <div class="shell">
      <p class="shell-state" role="status" aria-live="polite">
        {error
          ? `Not connected: ${error}`
          : ended
            ? 'Session ended.'
            : state === 'ready'
              ? `Connected to ${label}. Type into the terminal below.`
              : state === 'handshaking'
                ? 'Starting the shell…'
                : 'Connecting…'}
      </p>
      <div class="shell-frame">
        <div class="shell-terminal" ref={host} aria-label={`Shell on ${label}`} data-state={state} />
      </div>
    </div>
  );
}
