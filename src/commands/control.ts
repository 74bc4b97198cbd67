// What stops a running invocation: CancelCommand, the command expiring, or a step's own execution
// timeout. The process in the container is really killed (the executor kills it with its children).
import type { ExecHandle } from '../docker/executor.js';

export type StopReason = 'cancel' | 'expire';

export class InvocationControl {
  private reason: StopReason | undefined;
  private current: ExecHandle | undefined;

  get stopReason(): StopReason | undefined {
    return this.reason;
  }

  get stopped(): boolean {
    return this.reason !== undefined;
  }

  /** Registers the process now running; kills it at once if the invocation was stopped meanwhile. */
  attach(handle: ExecHandle): void {
    this.current = handle;
    if (this.reason) void handle.kill().catch(() => undefined);
  }

  detach(handle: ExecHandle): void {
    if (this.current === handle) this.current = undefined;
  }

  /** Stops the invocation: no further step starts, and the running process is killed. */
  async stop(reason: StopReason): Promise<void> {
    this.reason ??= reason;
    const handle = this.current;
    if (handle) await handle.kill().catch(() => undefined);
  }
}
