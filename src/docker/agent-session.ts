// One session with the ssm-local agent (docker/linux/ssm-local-agent.py) in one container: a single
// long-lived `docker exec` whose stdin and stdout are attached (a hijacked stream, demultiplexed
// with docker-modem), carrying JSON lines both ways. Any number of processes run over it at once,
// told apart by id. The session ends when that stream ends: the container stopped or vanished, or
// the agent died. Closing our end closes the agent's stdin, and the agent then kills whatever it
// started and exits.
import type { Socket } from 'node:net';
import { Writable, type Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import { CappedOutput, containerLost, statusCode, stillRunning } from './exec-common.js';
import type { ExecHandle, ExecRequest, ExecResult, ExecSetupError } from './executor.js';

export const AGENT_PATH = '/usr/local/lib/ssm-local/agent.py';
/** -I: ignore PYTHON* variables and the user's site folder; -S: no site import (faster start). */
export const AGENT_COMMAND = ['python3', '-I', '-S', AGENT_PATH];
const READY_TIMEOUT_MS = 15_000;

interface AgentEvent {
  event?: string;
  id?: string | null;
  code?: number | null;
  stdout?: string;
  stderr?: string;
  message?: string;
  version?: number;
  setup?: ExecSetupError;
}

interface Run {
  /** Capped here as the agent caps them too. */
  stdout: CappedOutput;
  stderr: CappedOutput;
  killRequested: boolean;
  settled: boolean;
  result: Promise<ExecResult>;
  resolve(result: ExecResult): void;
}

/**
 * Why a session ended: we closed it; its container stopped, restarted or vanished; or only the
 * agent died (a script killed it) and the container runs on.
 */
export type SessionEnd = 'closed' | 'container-lost' | 'agent-died';

export type OpenOutcome =
  | { kind: 'session'; session: AgentSession }
  | { kind: 'lost' }
  /** lasting: the agent exited (no python3, no agent file); else it did not answer in time. */
  | { kind: 'no-agent'; reason: string; lasting: boolean };

export class AgentSession {
  private readonly runs = new Map<string, Run>();
  /** Run id → kill() calls waiting for the agent's `killed` (which may come after the exit). */
  private readonly killWaits = new Map<string, Array<() => void>>();
  private nextId = 1;
  private readonly decoder = new StringDecoder('utf8');
  private partialLine: string[] = [];
  private agentStderr = '';
  private onReady: ((ready: boolean) => void) | undefined;
  /** The agent's protocol version, from its `ready`. */
  private version = 0;
  private readonly endListeners: Array<() => void> = [];
  private ended = false;
  /** Set when we know the container is going away (a restart we asked for). */
  private containerGoing = false;
  /** Set when we closed the session ourselves: the container runs on. */
  private closedByUs = false;
  /** Why it ended, decided once when first asked after the end. */
  private endCause: Promise<SessionEnd> | undefined;

  private constructor(
    private readonly container: Docker.Container,
    private readonly startedAt: string,
    private readonly stream: Duplex,
    modem: Docker['modem'],
    private readonly log: (line: string) => void,
  ) {
    // Synchronous sinks: every line is handled before the stream's 'end' is.
    const sink = (handle: (chunk: Buffer) => void) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          handle(chunk);
          done();
        },
      });
    modem.demuxStream(
      stream,
      sink((chunk) => this.onStdout(chunk)),
      sink((chunk) => this.onStderr(chunk)),
    );
    stream.on('end', () => this.onEnd());
    stream.on('close', () => this.onEnd());
    stream.on('error', () => this.onEnd());
    this.holdProcess(false);
  }

  /** An idle session must not keep the process alive; one with runs going does. */
  private holdProcess(hold: boolean): void {
    const socket = this.stream as Partial<Socket>;
    if (hold) socket.ref?.();
    else socket.unref?.();
  }

  /**
   * Starts the agent in the container and waits for its `ready`. `lost` when the container is not
   * running (or stops meanwhile); `no-agent` when it runs but the agent cannot start there (an
   * image without python3 or without the agent); rejects when the engine does not answer.
   */
  static async open(docker: Docker, containerId: string, log: (line: string) => void): Promise<OpenOutcome> {
    const container = docker.getContainer(containerId);
    let startedAt: string;
    let stream: Duplex;
    try {
      const state = (await container.inspect()).State;
      if (!state.Running || state.Paused || state.Restarting) return { kind: 'lost' };
      startedAt = state.StartedAt;
      const exec = await container.exec({
        Cmd: AGENT_COMMAND,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    } catch (error) {
      if (statusCode(error) === 404) return { kind: 'lost' };
      if (statusCode(error) === 409 || statusCode(error) === 500) {
        // 409: stopped or paused; 500: not running (or an engine fault: then it still runs).
        const state = await container.inspect().catch(() => undefined);
        if (!state?.State.Running) return { kind: 'lost' };
      }
      throw error;
    }
    const session = new AgentSession(container, startedAt, stream, docker.modem, log);
    if (await session.waitReady()) return { kind: 'session', session };
    const lasting = session.ended;
    session.close();
    if (!(await stillRunning(container, startedAt))) return { kind: 'lost' };
    const said = session.agentStderr.trim().split('\n').slice(-3).join(' ').trim();
    const reason = lasting ? said || `${AGENT_COMMAND.join(' ')} exited` : 'no answer in time';
    return { kind: 'no-agent', reason, lasting };
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Whether the agent writes a request's files (version 2 on): an older one would ignore them. */
  get writesFiles(): boolean {
    return this.version >= 2;
  }

  /** Called once when the session ends. */
  onceEnded(listener: () => void): void {
    if (this.ended) listener();
    else this.endListeners.push(listener);
  }

  /**
   * Why the session ended (call it once it has). The engine updates the container's state a moment
   * after the exec ends, so a container that looks alive is watched for up to a second before the
   * agent alone is taken for dead: a few engine calls, once per session.
   */
  whyEnded(): Promise<SessionEnd> {
    this.endCause ??= (async (): Promise<SessionEnd> => {
      if (this.closedByUs) return 'closed';
      if (this.containerGoing) return 'container-lost';
      const lost = await containerLost(this.container, this.startedAt, {
        stopWatching: () => this.closedByUs,
      });
      if (lost) return 'container-lost';
      return this.closedByUs ? 'closed' : 'agent-died';
    })();
    return this.endCause;
  }

  /** The container is being restarted on purpose: runs that end with the session lost it. */
  markContainerGoing(): void {
    this.containerGoing = true;
  }

  /** Closes our end: the agent kills what it started and exits. */
  close(): void {
    this.closedByUs = true;
    this.stream.end();
    this.stream.destroy();
  }

  /** Starts argv through the agent. No engine call: one line written to the agent's stdin. */
  run(request: ExecRequest): ExecHandle {
    const id = String(this.nextId++);
    let resolve!: (result: ExecResult) => void;
    const result = new Promise<ExecResult>((r) => (resolve = r));
    const run: Run = {
      stdout: new CappedOutput(),
      stderr: new CappedOutput(),
      killRequested: false,
      settled: false,
      result,
      resolve,
    };
    this.runs.set(id, run);
    if (this.runs.size === 1) this.holdProcess(true);
    if (this.ended) this.settleAfterEnd([run]);
    else {
      const { argv, workingDirectory: cwd, env, files } = request;
      this.send({ op: 'run', id, argv, cwd, env, files });
    }
    return { result, kill: () => this.kill(id, run) };
  }

  private async kill(id: string, run: Run): Promise<void> {
    if (run.settled) return;
    run.killRequested = true;
    if (!this.ended) {
      const killed = new Promise<void>((resolve) => {
        const waiting = this.killWaits.get(id);
        if (waiting) waiting.push(resolve);
        else this.killWaits.set(id, [resolve]);
      });
      this.send({ op: 'kill', id });
      await killed;
    }
    await run.result;
  }

  private send(message: object): void {
    if (!this.ended) this.stream.write(`${JSON.stringify(message)}\n`);
  }

  private waitReady(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.onReady = undefined;
        resolve(false);
      }, READY_TIMEOUT_MS);
      this.onReady = (ready) => {
        clearTimeout(timer);
        this.onReady = undefined;
        resolve(ready);
      };
      if (this.ended) this.onReady(false);
    });
  }

  private onStdout(chunk: Buffer): void {
    // Lines can be long (an exit event with megabytes of output): only the new chunk is searched.
    let text = this.decoder.write(chunk);
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      this.partialLine.push(text.slice(0, newline));
      const line = this.partialLine.join('');
      this.partialLine = [];
      this.onLine(line);
      text = text.slice(newline + 1);
      newline = text.indexOf('\n');
    }
    if (text !== '') this.partialLine.push(text);
  }

  private onStderr(chunk: Buffer): void {
    const text = chunk.toString('utf8');
    if (this.onReady) this.agentStderr = (this.agentStderr + text).slice(-4000);
    else for (const line of text.split('\n')) if (line.trim() !== '') this.log(`agent: ${line}`);
  }

  private onLine(line: string): void {
    let event: AgentEvent;
    try {
      event = JSON.parse(line) as AgentEvent;
    } catch {
      // Before `ready` this is what the exec printed instead of starting the agent.
      if (this.onReady) this.agentStderr = (this.agentStderr + line).slice(-4000);
      else this.log(`agent said something that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    if (event.event === 'ready') {
      this.version = typeof event.version === 'number' ? event.version : 0;
      return this.onReady?.(true);
    }
    const run = typeof event.id === 'string' ? this.runs.get(event.id) : undefined;
    switch (event.event) {
      case 'output':
        run?.stdout.addBase64(event.stdout);
        run?.stderr.addBase64(event.stderr);
        return;
      case 'exit':
        if (!run) return;
        run.stdout.addBase64(event.stdout);
        run.stderr.addBase64(event.stderr);
        this.settle(event.id!, run, {
          exitCode: run.killRequested ? null : (event.code ?? null),
          containerLost: false,
          ...(event.setup ? { setupError: event.setup } : {}),
        });
        return;
      case 'killed':
        if (typeof event.id === 'string') this.wakeKillers(event.id);
        return;
      case 'error':
        // The agent could not understand a request (never expected: we write every line).
        this.log(`agent error: ${event.message ?? 'unknown'}`);
        if (run) {
          run.stderr.add(Buffer.from(`ssm-local agent: ${event.message ?? 'error'}\n`));
          this.settle(event.id!, run, { exitCode: null, containerLost: false });
        }
        return;
      default:
        return; // pong
    }
  }

  private settle(
    id: string,
    run: Run,
    end: { exitCode: number | null; containerLost: boolean; setupError?: ExecSetupError },
  ): void {
    if (run.settled) return;
    run.settled = true;
    this.runs.delete(id);
    if (this.runs.size === 0) this.holdProcess(false);
    run.resolve({ ...end, stdout: run.stdout.text(), stderr: run.stderr.text() });
  }

  private wakeKillers(id: string): void {
    for (const wake of this.killWaits.get(id) ?? []) wake();
    this.killWaits.delete(id);
  }

  private onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    this.onReady?.(false);
    this.stream.destroy();
    for (const listener of this.endListeners.splice(0)) listener();
    for (const id of [...this.killWaits.keys()]) this.wakeKillers(id);
    this.settleAfterEnd([...this.runs.values()]);
  }

  /**
   * Runs still going when the stream ended: the container stopped, restarted or vanished (lost), or
   * only the agent died (say a script ran `pkill python3`) and the container runs on (whyEnded).
   */
  private settleAfterEnd(runs: Run[]): void {
    if (runs.length === 0) return;
    void (async () => {
      const lost = (await this.whyEnded()) === 'container-lost';
      for (const [id, run] of this.runs) {
        if (runs.includes(run)) this.settle(id, run, { exitCode: null, containerLost: lost });
      }
    })();
  }
}
