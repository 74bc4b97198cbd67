// The contract between Run Command (and everything built on it) and the container engine.
// The real implementation drives Docker through dockerode; it is injected (the instances capability
// provides it under EXECUTOR, and startSsmLocal accepts another), so tests of the state machines can
// use a fake while the real path is tested end to end as well.

/** A file the executor writes inside the container before it starts the process. */
export interface ExecFile {
  /** Absolute path; missing parent folders are created (as `mkdir -p`). */
  path: string;
  /** Written as UTF-8, replacing any file already there. */
  content: string;
  /** Permission bits set after writing (e.g. 0o755); default: the container's umask applies. */
  mode?: number;
}

/**
 * Why the process was not started: creating a file's folder, writing the file (or setting its
 * mode), or changing to the working directory failed. `path` is the folder, the file or the
 * working directory; `message` the executor's own description.
 */
export interface ExecSetupError {
  kind: 'mkdir' | 'write' | 'chdir';
  path: string;
  message: string;
}

export interface ExecRequest {
  /** argv run inside the container, e.g. ['/bin/sh', '-c', script]. */
  argv: string[];
  workingDirectory?: string;
  env?: Record<string, string>;
  /** Written in this order before the working directory is entered and the process started. */
  files?: ExecFile[];
}

export interface ExecResult {
  /** The process's exit code; null when it was killed by a signal or the container went away. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when the container stopped or vanished while the process ran. */
  containerLost: boolean;
  /**
   * Set when the process never started because writing `files` or entering the working directory
   * failed; exitCode is then 1 and stderr holds "ssm-local: <message>".
   */
  setupError?: ExecSetupError;
}

export interface ExecHandle {
  /** Resolves when the process ends (never rejects). */
  result: Promise<ExecResult>;
  /** Kills the process and all its children inside the container. Resolves once they are gone. */
  kill(): Promise<void>;
}

/**
 * What an executor has seen of the agent in a container, without asking the engine:
 * - `answers`: nothing says otherwise (a running container's agent answers);
 * - `lost`: the agent ended while its container ran on (a script killed it), and none has answered
 *   there since;
 * - `rebooting`: the executor is restarting the container at the instance's request (restart()).
 */
export type AgentStatus = 'answers' | 'lost' | 'rebooting';

export interface InstanceExecutor {
  /** Whether a Docker engine answers. */
  available(): Promise<boolean>;
  exec(containerId: string, request: ExecRequest): Promise<ExecHandle>;
  /**
   * Restarts the container and resolves once it runs again: an instance reboot (Run Command's
   * `exit 194`). Optional: without it, Run Command runs the step again without restarting.
   */
  restart?(containerId: string): Promise<void>;
  /**
   * The agent's status in this container as the executor last saw it; no engine call, so the fleet
   * can ask on every request. Optional: without it, the agent of every running container answers.
   */
  agentStatus?(containerId: string): AgentStatus;
}
