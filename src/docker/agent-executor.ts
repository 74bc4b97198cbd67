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
// - A paused container's runs wait until it is unpaused (the fallback answers containerLost).
// - Files a request carries are written by the agent itself (os.makedirs, open, os.chmod) and the
//   working directory checked before the process starts: no process of its own. Its setup-failure
//   messages name Python's strerror ("mkdir /x: Permission denied"); the exec wrapper's are fixed.
// - Instances have python3 (python3-minimal and its standard library), which the agent needs.
import type Docker from 'dockerode';
import { AgentSession } from './agent-session.js';
import { DockerExecutor } from './docker-executor.js';
import { lostHandle } from './exec-common.js';
import type { ExecHandle, ExecRequest } from './executor.js';

type Route = AgentSession | 'fallback';

interface Entry {
  pending: Promise<Route | 'lost' | 'retry'>;
  /** Set once pending resolves to a route. */
  route?: Route;
}

export class AgentExecutor extends DockerExecutor {
  /** Container id → its session (or the fallback), opened once and shared by concurrent runs. */
  private readonly routes = new Map<string, Entry>();

  constructor(
    docker: Docker,
    private readonly log: (line: string) => void = (line) => console.error(`ssm-local: ${line}`),
  ) {
    super(docker);
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
    if (opened.kind === 'lost') return 'lost';
    if (opened.kind === 'no-agent') {
      const container = containerId.slice(0, 12);
      this.log(
        opened.lasting
          ? `no ssm-local agent starts in container ${container} (${opened.reason}): running its commands with one docker exec each`
          : `the ssm-local agent in container ${container} gave no answer in time: running this command with docker exec`,
      );
      return opened.lasting ? 'fallback' : 'retry';
    }
    const session = opened.session;
    session.onceEnded(() => this.forget(containerId, session));
    return session;
  }

  /** Drops the container's session if it is still the one recorded. */
  private forget(containerId: string, session: AgentSession): void {
    if (this.routes.get(containerId)?.route === session) this.routes.delete(containerId);
  }
}
