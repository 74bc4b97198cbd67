// The fleet's container list, kept without asking the engine on every request: the list is read
// once and then reused until Docker's event stream reports a change that could alter it (a
// container created, started, stopped, killed, paused, removed, renamed; a network attached or
// detached). Each such event drops the list and the next caller reads it again. While the event
// stream is not connected (not yet, or lost with the engine) every caller reads the list, as if
// there were no watch, and the stream is opened again in the background.
//
// Docker publishes an event before the API call that caused it returns (`docker stop` emits
// `kill` before the container is signalled), so a list read after such a call has returned is
// never one cached from before the change.
//
// Reconnecting waits on the Scheduler (emulated time): it is a retry of ours, not a measure of the
// engine, so a test can move the clock instead of waiting.
//
// onStart() hears each start of one of the fleet's containers (a boot: the fleet uses it to check
// that the instance's agent answers again).
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { Scheduler, Timer } from '../core/scheduler.js';
import { LABEL, listFleetContainers } from './containers.js';

/** Container actions that can change what the list says (not exec_*, attach, top, resize...). */
const CONTAINER_ACTIONS = [
  'create',
  'start',
  'restart',
  'die',
  'kill',
  'oom',
  'stop',
  'pause',
  'unpause',
  'destroy',
  'rename',
  'update',
];
const NETWORK_ACTIONS = ['connect', 'disconnect'];
const RECONNECT_MS = 2000;

export class ContainerWatch {
  private stream: Readable | undefined;
  /** Bumped by every event that may change the list (and by connecting or losing the stream). */
  private generation = 0;
  private cached: { generation: number; list: Docker.ContainerInfo[] } | undefined;
  private reconnectTimer: Timer | undefined;
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private readonly startListeners: Array<(containerId: string) => void> = [];

  constructor(
    private readonly docker: Docker,
    private readonly fleet: string,
    private readonly scheduler: Scheduler,
  ) {}

  /** The fleet's containers as the engine lists them (all states). */
  async list(): Promise<Docker.ContainerInfo[]> {
    if (!this.stream && !this.stopped) void this.connect();
    const cached = this.cached;
    if (this.stream && cached && cached.generation === this.generation) return cached.list;
    const generation = this.generation;
    const watched = this.stream !== undefined;
    const list = await listFleetContainers(this.docker, this.fleet);
    // Kept only if the stream was up the whole time and reported nothing meanwhile.
    if (watched && this.stream && generation === this.generation) this.cached = { generation, list };
    return list;
  }

  /** Calls `listener` with the id of each of the fleet's containers that starts (while connected). */
  onStart(listener: (containerId: string) => void): void {
    this.startListeners.push(listener);
  }

  /** Forgets the cached list (after a change made without an event, or to be safe). */
  invalidate(): void {
    this.generation++;
    this.cached = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.scheduler.cancel(this.reconnectTimer);
    this.stream?.destroy();
    this.stream = undefined;
    this.invalidate();
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    let stream: Readable;
    try {
      stream = (await this.docker.getEvents({
        filters: {
          type: ['container', 'network'],
          event: [...CONTAINER_ACTIONS, ...NETWORK_ACTIONS],
        },
      })) as unknown as Readable;
    } catch {
      this.retryLater();
      return;
    }
    if (this.stopped) {
      stream.destroy();
      return;
    }
    stream.on('data', (chunk: Buffer) => this.onEvents(chunk));
    const lost = () => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.invalidate();
      this.retryLater();
    };
    stream.on('end', lost);
    stream.on('close', lost);
    stream.on('error', lost);
    // Lists read before this point may predate events that were never seen.
    this.invalidate();
    this.stream = stream;
    (stream as Readable & { socket?: { unref?: () => void } }).socket?.unref?.();
  }

  private onEvents(chunk: Buffer): void {
    // Events are JSON objects, one per line. Only this fleet's containers and any network change
    // matter; a line cut in two by the stream is treated as a change, which is always safe.
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      let started: string | undefined;
      try {
        const event = JSON.parse(line) as {
          Type?: string;
          Action?: string;
          Actor?: { ID?: string; Attributes?: Record<string, string> };
        };
        if (event.Type === 'container' && event.Actor?.Attributes?.[LABEL.fleet] !== this.fleet) continue;
        if (event.Type === 'container' && event.Action === 'start') started = event.Actor?.ID;
      } catch {
        // a partial line
      }
      this.invalidate();
      if (started) for (const listener of this.startListeners) listener(started);
    }
  }

  private retryLater(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = this.scheduler.after(RECONNECT_MS, () => {
      this.reconnectTimer = undefined;
      void this.connect();
    });
  }
}
