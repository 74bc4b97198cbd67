// The seams inside Session Manager (../shared notes: SESSION-MANAGER-PROTOCOL.md), between:
// - api/: StartSession, ResumeSession, TerminateSession, DescribeSessions, the session documents and
//   preferences; it keeps the sessions (SessionRegistry);
// - channel/: the WebSocket data channel at /v1/data-channel/<session-id> (the binary ClientMessage
//   codec, acks, the reorder buffer, retransmission, the handshake, resume) and the shell backend
//   (Standard_Stream, InteractiveCommands, NonInteractiveCommands: `docker exec` with a TTY);
// - port/: the Port backend (AWS-StartPortForwardingSession, ...ToRemoteHost, AWS-StartSSHSession).
import type { Services } from '../core/capability.js';
import type { ManagedInstance } from '../instances/api.js';

export type SessionType = 'Standard_Stream' | 'InteractiveCommands' | 'NonInteractiveCommands' | 'Port';

/** One session, as the API keeps it (in memory: sessions survive nothing across a restart). */
export interface LiveSession {
  sessionId: string;
  accountId: string;
  region: string;
  /** The instance id (Target). */
  target: string;
  documentName: string;
  /** The session document's sessionType. */
  sessionType: SessionType;
  /**
   * The document's `properties` (its inputs for Standard_Stream: runAsEnabled, runAsDefaultUser,
   * idleSessionTimeout, maxSessionDuration, shellProfile, ...; for Port: portNumber, type,
   * localPortNumber, host; for commands: commands), with `{{ parameters }}` substituted, merged over
   * the account's SSM-SessionManagerRunShell preferences for shell sessions.
   */
  properties: Record<string, unknown>;
  reason?: string;
  owner: string;
  /** Epoch ms. */
  startDate: number;
  endDate?: number;
  /** Connected, Connecting, Disconnected, Terminated, Terminating, Failed. */
  status: string;
  /** The current TokenValue (StartSession's, or the latest ResumeSession's). */
  token: string;
  /** Idle timeout and maximum duration in minutes, from the preferences/document (defaults 20 / none). */
  idleTimeoutMinutes: number;
  maxDurationMinutes?: number;
}

export interface SessionRegistry {
  /** The active session with this id whose current token is `token`, else undefined. */
  authorize(sessionId: string, token: string): LiveSession | undefined;
  /** The data channel reports its state: Connected when a client is attached, Disconnected when not. */
  setStatus(sessionId: string, status: 'Connected' | 'Disconnected'): void;
  /** The session ended (shell exit, idle timeout, maximum duration, client's TerminateSession flag). */
  ended(sessionId: string, status: 'Terminated' | 'Failed'): void;
  /**
   * TerminateSession was called: the channel must send channel_closed to the client, stop the backend
   * and report ended(). Registered by the channel part.
   */
  onTerminate(listener: (sessionId: string) => void): void;
  /** The instance behind a session (undefined when it is gone or offline). */
  instanceOf(session: LiveSession): Promise<ManagedInstance | undefined>;
}

/** What a backend sees of the data channel (after the handshake). */
export interface DataChannel {
  readonly session: LiveSession;
  /**
   * Sends bytes to the client as output_stream_data PT1 (cut into chunks of 1024 bytes; of 2 MiB in a
   * port session), reliably. A buffer from codec's allocPayload is framed in place, uncopied.
   */
  send(bytes: Buffer): void;
  /**
   * Flow control: resolves once the output not yet acknowledged is back under the channel's window
   * (at once when it is, or when the session is over). A backend that can read faster than the client
   * acknowledges (a download through a port session, a shell printing without end) waits for it
   * before reading more, as the agent's reader blocks on its full send buffer.
   */
  writable(): Promise<void>;
  /** Output bytes sent (or being sent) and not acknowledged by the client yet. */
  readonly unacknowledgedBytes: number;
  /** Resolves at the client's next acknowledgement (at once when nothing awaits one, or it is over). */
  acknowledgement(): Promise<void>;
  /** Client input (PT1), in sequence order, each message once. */
  onInput(listener: (bytes: Buffer) => void): void;
  /** PT3 Size messages: the client's terminal size. */
  onSize(listener: (size: { cols: number; rows: number }) => void): void;
  /** PT10 Flag messages: 1 DisconnectToPort, 2 TerminateSession. */
  onFlag(listener: (flag: number) => void): void;
  /**
   * Ends the session: waits (up to 2 s) until the output sent is acknowledged, sends channel_closed
   * (with `output` as its Output), closes the socket and reports the session ended with `status`
   * (Terminated by default; Failed when the session could not do its work).
   */
  close(output?: string, status?: 'Terminated' | 'Failed'): Promise<void>;
}

/** The work behind a session once its handshake is complete (a shell, a port connection). */
export interface RunningBackend {
  /** Stops it (the process in the container is killed, the connection closed). */
  stop(): Promise<void>;
}

export interface SessionBackend {
  start(services: Services, channel: DataChannel, instance: ManagedInstance): Promise<RunningBackend>;
}

/** The AgentVersion the handshake advertises: basic (not multiplexed) port forwarding (notes §9). */
export const AGENT_VERSION_FOR_SESSIONS = '3.0.196.0';
