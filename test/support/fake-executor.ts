// An InstanceExecutor with no engine, for testing Run Command's state machine in milliseconds: each
// process is a FakeRun the test finishes (or that a rule finishes at once), and kill() settles it as
// a killed process. Its handles are a MemoryFleet's instance ids.
import type { ExecHandle, ExecRequest, ExecResult, InstanceExecutor } from '../../src/docker/executor.js';

export interface FakeRun {
  containerId: string;
  request: ExecRequest;
  /** The script file's content (Run Command writes the commands to one), or the argv joined. */
  script: string;
  killed: boolean;
  finished: boolean;
  finish(result: Partial<ExecResult>): void;
}

/** What a new run does: answer at once, or 'wait' for the test (or a kill) to finish it. */
export type Rule = (run: FakeRun) => Partial<ExecResult> | 'wait';

export class FakeExecutor implements InstanceExecutor {
  readonly runs: FakeRun[] = [];
  private waiting: Array<() => void> = [];

  constructor(public rule: Rule = () => ({ exitCode: 0 })) {}

  async available(): Promise<boolean> {
    return true;
  }

  async exec(containerId: string, request: ExecRequest): Promise<ExecHandle> {
    let resolve!: (result: ExecResult) => void;
    const result = new Promise<ExecResult>((r) => (resolve = r));
    const run: FakeRun = {
      containerId,
      request,
      script: request.files?.[0]?.content ?? request.argv.join(' '),
      killed: false,
      finished: false,
      finish(partial) {
        if (run.finished) return;
        run.finished = true;
        resolve({ exitCode: 0, stdout: '', stderr: '', containerLost: false, ...partial });
      },
    };
    this.runs.push(run);
    const answer = this.rule(run);
    if (answer !== 'wait') run.finish(answer);
    for (const wake of this.waiting.splice(0)) wake();
    return {
      result,
      kill: async () => {
        run.killed = true;
        run.finish({ exitCode: null });
        await result;
      },
    };
  }

  /** Resolves once at least `count` runs have started. */
  async started(count: number): Promise<FakeRun[]> {
    while (this.runs.length < count) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.runs;
  }
}
