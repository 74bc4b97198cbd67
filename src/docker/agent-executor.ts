// The InstanceExecutor through an agent inside each container, as real SSM works: one long-lived
// `docker exec` per container runs docker/linux/ssm-local-agent.py, and every process after that is
// one JSON line to it (a fork in the container) instead of a `docker exec` of its own, which costs
// tens of milliseconds of dockerd/containerd/runc CPU and serializes on the engine.
//
// Sessions are opened lazily on a container's first run and kept in memory by container id, so the
// hot path makes no engine call at all. A session ends with its stream (the container stopped or
// vanished); the next run opens a new one. A container whose image has no agent (no python3) gets
// the exec-per-process DockerExecutor, which this class extends (the fleet takes a DockerExecutor).
//
// What differs from the exec-per-process executor (and so from what a user could see before):
// - A process's exit is reported once its output pipes close, or 2 s after it exited when a
//   background child keeps them open (that child's later output is dropped); `docker exec` waits
//   about as long.
// - A process killed by a signal it did not get from us has exitCode null (Run Command reports
//   "signal: killed", ResponseCode -1, as the SSM agent does); the exec wrapper reported 128+n.
// - A program that cannot be started answers exit 127 (not found) or 126 with
//   "ssm-local: failed to execute <argv0>: <reason>" on stderr.
// - A script that kills the agent itself (`pkill python3`) ends its own run as if killed, and what
//   else that agent ran keeps running unwatched; the next run starts a new agent.
// - The agent's health (agentStatus) is what this class saw, never an engine call: once a session
//   ends while its container runs on, the agent is `lost` until one answers there again. The next
//   run through this executor starts one, and so does, given a scheduler, the restart due
//   AGENT_RESTART_MS later (the SSM Agent's systemd unit: Restart=always, RestartSec=90). Finding
//   the container stopped or gone also ends `lost`: its next start boots a new agent (the Docker
//   backend runs one process there on each start of a container whose agent was lost).
// - A paused container's runs wait until it is unpaused (the fallback answers containerLost).
// - Files a request carries are written by the agent itself (os.makedirs, open, os.chmod) and the
//   working directory checked before the process starts: no process of its own. Its setup-failure
//   messages name Python's strerror ("mkdir /x: Permission denied"); the exec wrapper's are fixed.
// - Instances have python3 (python3-minimal and its standard library), which the agent needs.
import type Docker from 'dockerode';
import type { Scheduler, Timer } from '../core/scheduler.js';
import { AgentSession } from './agent-session.js';
import { DockerExecutor } from './docker-executor.js';
import { lostHandle } from './exec-common.js';
import type { AgentStatus, ExecHandle, ExecRequest } from './executor.js';

/**
 * How long after an agent died (its container running on) a new one is started: the SSM Agent's
 * systemd unit restarts it after 90 s (packaging/linux/amazon-ssm-agent.service in
 * aws/amazon-ssm-agent: Restart=always, RestartSec=90). Emulated time, on the scheduler.
 */
export const AGENT_RESTART_MS = 90_000;

type Route = AgentSession | 'fallback';

export interface AgentExecutorOptions {
  /** Restarts a dead agent AGENT_RESTART_MS later; without one, only the next run starts one. */
  scheduler?: Scheduler;
}

interface Entry {
  pending: Promise<Route | 'lost' | 'retry'>;
  /** Set once pending resolves to a route. */
  route?: Route;
}

export class AgentExecutor extends DockerExecutor {
  /** Container id → its session (or the fallback), opened once and shared by concurrent runs. */
  private readonly routes = new Map<string, Entry>();
  /** Containers whose agent died while they ran on, with the restart due for it. */
  private readonly lostAgents = new Map<string, { restart?: Timer }>();
  private closed = false;

  constructor(
    docker: Docker,
    private readonly log: (line: string) => void = (line) => console.error(`ssm-local: ${line}`),
    private readonly options: AgentExecutorOptions = {},
  ) {
    super(docker);
  }

  override agentStatus(containerId: string): AgentStatus {
    const status = super.agentStatus(containerId);
    if (status !== 'answers') return status;
    return this.lostAgents.has(containerId) ? 'lost' : 'answers';
  }

  override async exec(containerId: string, request: ExecRequest): Promise<ExecHandle> {
    let route = await this.routeFor(containerId);
    if (route instanceof AgentSession && route.isEnded) {
      // It ended between being looked up and now: the container stopped, or is back with a new start.
      this.forget(containerId, route);
      route = await this.routeFor(containerId);
    }
    if (route === 'lost') return lostHandle();
    if (route === 'fallback') return super.exec(containerId, request);
    // An agent from an older image ignores `files`: the exec wrapper writes them instead.
    if (request.files?.length && !route.writesFiles) return super.exec(containerId, request);
    return route.run(request);
  }

  /** Restarts the container (an instance reboot); the next run opens a new agent session. */
  override async restart(containerId: string): Promise<void> {
    const route = this.routes.get(containerId)?.route;
    if (route instanceof AgentSession) {
      route.markContainerGoing();
      this.forget(containerId, route);
    }
    await super.restart(containerId);
  }

  /** Closes every session: each agent kills what it started and exits. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { restart } of this.lostAgents.values()) this.options.scheduler?.cancel(restart);
    this.lostAgents.clear();
    const entries = [...this.routes.values()];
    this.routes.clear();
    for (const { pending } of entries) {
      const route = await pending.catch(() => undefined);
      if (route instanceof AgentSession) route.close();
    }
  }

  private routeFor(containerId: string): Promise<Route | 'lost'> {
    // 'retry': the agent did not answer in time; this run uses the fallback, the next tries again.
    const forThisRun = (pending: Entry['pending']) =>
      pending.then((route) => (route === 'retry' ? 'fallback' : route));
    const known = this.routes.get(containerId);
    if (known) return forThisRun(known.pending);
    const entry: Entry = { pending: this.open(containerId) };
    this.routes.set(containerId, entry);
    const drop = () => {
      if (this.routes.get(containerId) === entry) this.routes.delete(containerId);
    };
    // A stopped container is looked up again next time, and so is an engine that did not answer or
    // an agent that did not answer in time.
    entry.pending.then(
      (route) => (route === 'lost' || route === 'retry' ? drop() : (entry.route = route)),
      drop,
    );
    return forThisRun(entry.pending);
  }

  private async open(containerId: string): Promise<Route | 'lost' | 'retry'> {
    const opened = await AgentSession.open(this.docker, containerId, (line) =>
      this.log(`${containerId.slice(0, 12)}: ${line}`),
    );
    // Whatever answers now (an agent, the fallback) or a container that no longer runs (which boots
    // a new agent when it starts) ends a lost agent's status; only a slow agent keeps it.
    if (opened.kind === 'lost') {
      this.answered(containerId);
      return 'lost';
    }
    if (opened.kind === 'no-agent') {
      const container = containerId.slice(0, 12);
      this.log(
        opened.lasting
          ? `no ssm-local agent starts in container ${container} (${opened.reason}): running its commands with one docker exec each`
          : `the ssm-local agent in container ${container} gave no answer in time: running this command with docker exec`,
      );
      if (opened.lasting) this.answered(containerId);
      return opened.lasting ? 'fallback' : 'retry';
    }
    const session = opened.session;
    this.answered(containerId);
    session.onceEnded(() => {
      this.forget(containerId, session);
      void session.whyEnded().then((why) => {
        if (why === 'agent-died') this.agentDied(containerId);
      });
    });
    return session;
  }

  /** A session ended with its container running on: the agent is lost until one answers again. */
  private agentDied(containerId: string): void {
    // A run since the end has already started a new agent (or is starting one).
    if (this.closed || this.routes.has(containerId) || this.lostAgents.has(containerId)) return;
    this.lostAgents.set(containerId, {});
    const restart = this.options.scheduler ? `; a new one starts in ${AGENT_RESTART_MS / 1000} s` : '';
    this.log(
      `${containerId.slice(0, 12)}: the agent stopped while its container runs on: ConnectionLost until an agent answers again${restart}`,
    );
    this.restartLater(containerId);
  }

  /** Starts a new agent AGENT_RESTART_MS from now (as systemd would), again if it gives no answer. */
  private restartLater(containerId: string): void {
    const lost = this.lostAgents.get(containerId);
    const scheduler = this.options.scheduler;
    if (!lost || !scheduler || lost.restart || this.closed) return;
    lost.restart = scheduler.after(AGENT_RESTART_MS, async () => {
      lost.restart = undefined;
      if (this.lostAgents.get(containerId) !== lost) return;
      await this.routeFor(containerId).catch(() => undefined);
      this.restartLater(containerId);
    });
  }

  private answered(containerId: string): void {
    const lost = this.lostAgents.get(containerId);
    if (!lost) return;
    this.options.scheduler?.cancel(lost.restart);
    this.lostAgents.delete(containerId);
  }

  /** Drops the container's session if it is still the one recorded. */
  private forget(containerId: string, session: AgentSession): void {
    if (this.routes.get(containerId)?.route === session) this.routes.delete(containerId);
  }
}
