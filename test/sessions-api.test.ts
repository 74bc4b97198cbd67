// Session Manager's API with the real SDK against a real server and a MemoryFleet: StartSession's
// answers and errors, the session planned from its document (properties substituted, preferences
// applied), DescribeSessions' states, filters and pages, TerminateSession and ResumeSession. The data
// channel itself is tested in its own suites.
import {
  CreateDocumentCommand,
  DescribeSessionsCommand,
  GetDocumentCommand,
  ResumeSessionCommand,
  StartSessionCommand,
  TerminateSessionCommand,
  UpdateDocumentCommand,
  type SSMClient,
  type StartSessionCommandInput,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/core/fake-clock.js';
import { MemoryFleet } from '../src/instances/index.js';
import { SESSION_REGISTRY, type SessionTable } from '../src/sessions/api/index.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const WEB = 'i-0000000000000000a';
const DOWN = 'i-0000000000000000b';
const STOPPED = 'i-0000000000000000c';
const HYBRID = 'mi-0000000000000000d';
const START = Date.parse('2030-01-01T00:00:00Z');

describe('Session Manager API (memory fleet)', () => {
  let clock: FakeClock;
  let fleet: MemoryFleet;
  let server: TestServer;
  let ssm: SSMClient;
  let sessions: SessionTable;

  beforeEach(async () => {
    clock = new FakeClock(START);
    fleet = new MemoryFleet([
      { id: WEB, name: 'web' },
      { id: DOWN, name: 'down', online: false },
      { id: STOPPED, name: 'stopped' },
      { id: HYBRID, name: 'hybrid' },
    ]);
    server = await startTestServer({ clock, fleet });
    fleet.setState(STOPPED, 'stopped');
    ssm = server.client();
    sessions = server.ssm.runtime.services.registry.get(SESSION_REGISTRY);
  });
  afterEach(async () => server?.stop());

  const start = (input: Partial<StartSessionCommandInput> = {}) =>
    ssm.send(new StartSessionCommand({ Target: WEB, ...input }));
  const live = (sessionId: string, token: string) => sessions.authorize(sessionId, token)!;

  it('starts a shell session: SessionId, a long token and a StreamUrl on the server itself', async () => {
    const started = await start({ Reason: 'debugging' });
    expect(started.SessionId).toMatch(/^ssm-local-[0-9a-f]{17}$/);
    expect(started.TokenValue!.length).toBeGreaterThanOrEqual(100);
    const port = new URL(server.endpoint).port;
    expect(started.StreamUrl).toBe(
      `ws://127.0.0.1:${port}/v1/data-channel/${started.SessionId}?role=publish_subscribe`,
    );
    const session = live(started.SessionId!, started.TokenValue!);
    expect(session).toMatchObject({
      target: WEB,
      documentName: 'SSM-SessionManagerRunShell',
      sessionType: 'Standard_Stream',
      status: 'Connecting',
      reason: 'debugging',
      owner: 'arn:aws:iam::000000000000:user/ssm-local',
      idleTimeoutMinutes: 20,
      startDate: START,
    });
    expect(session.maxDurationMinutes).toBeUndefined();
    expect(session.properties).toMatchObject({
      runAsEnabled: false,
      shellProfile: { linux: '', windows: '' },
    });
    expect(sessions.authorize(started.SessionId!, 'wrong')).toBeUndefined();
  });

  it('answers TargetNotConnected for offline, stopped and unknown targets', async () => {
    for (const target of [DOWN, STOPPED, 'i-0123456789abcdef0', 'ecs:cluster_task_container']) {
      const error = await errorOf(() => start({ Target: target }));
      expect(error.name).toBe('TargetNotConnected');
      expect(error.message).toBe(`${target} is not connected.`);
    }
    expect((await start({ Target: HYBRID })).SessionId).toBeDefined();
  });

  it('refuses documents that are missing or not Session documents (InvalidDocument)', async () => {
    const missing = await errorOf(() => start({ DocumentName: 'NoSuchDocument' }));
    expect(missing.name).toBe('InvalidDocument');
    const command = await errorOf(() => start({ DocumentName: 'AWS-RunShellScript' }));
    expect(command.name).toBe('InvalidDocument');
    expect(command.message).toMatch(/type Command/);
  });

  it('substitutes parameters and defaults into a port document properties', async () => {
    const forwarded = await start({
      DocumentName: 'AWS-StartPortForwardingSession',
      Parameters: { portNumber: ['8080'], localPortNumber: ['56789'] },
    });
    expect(live(forwarded.SessionId!, forwarded.TokenValue!)).toMatchObject({
      sessionType: 'Port',
      documentName: 'AWS-StartPortForwardingSession',
      properties: { portNumber: '8080', type: 'LocalPortForwarding', localPortNumber: '56789' },
    });
    const ssh = await start({ DocumentName: 'AWS-StartSSHSession' });
    expect(live(ssh.SessionId!, ssh.TokenValue!).properties).toEqual({ portNumber: '22' });
    const remote = await start({
      DocumentName: 'arn:aws:ssm:us-east-1::document/AWS-StartPortForwardingSessionToRemoteHost',
      Parameters: { host: ['db.internal'], portNumber: ['5432'] },
    });
    expect(live(remote.SessionId!, remote.TokenValue!).properties).toEqual({
      portNumber: '5432',
      type: 'LocalPortForwarding',
      localPortNumber: '0',
      host: 'db.internal',
    });
    const interactive = await start({
      DocumentName: 'AWS-StartInteractiveCommand',
      Parameters: { command: ['top -b'] },
    });
    const properties = live(interactive.SessionId!, interactive.TokenValue!).properties;
    expect(properties['linux']).toEqual({ commands: 'top -b', runAsElevated: false });
    expect(properties['idleSessionTimeout']).toBe('20');
  });

  it('refuses parameters the document does not accept (InvalidParameters)', async () => {
    const cases: Array<Record<string, string[]>> = [
      { portNumber: ['0'] },
      { portNumber: ['80'], unknown: ['x'] },
      { portNumber: ['80', '81'] },
    ];
    for (const Parameters of cases) {
      const error = await errorOf(() =>
        start({ DocumentName: 'AWS-StartPortForwardingSession', Parameters }),
      );
      expect(error.name).toBe('InvalidParameters');
    }
    const missing = await errorOf(() => start({ DocumentName: 'AWS-StartInteractiveCommand' }));
    expect(missing.name).toBe('InvalidParameters');
    const shell = await errorOf(() => start({ Parameters: { anything: ['x'] } }));
    expect(shell.name).toBe('InvalidParameters');
    const notAllowed = await errorOf(() =>
      start({
        DocumentName: 'AWS-StartNonInteractiveCommand',
        Parameters: { command: ['ls'], separateOutputStream: ['maybe'] },
      }),
    );
    expect(notAllowed.name).toBe('InvalidParameters');
  });

  it("uses the account's own SSM-SessionManagerRunShell preferences, created and updated by the user", async () => {
    const missing = await errorOf(() =>
      ssm.send(new GetDocumentCommand({ Name: 'SSM-SessionManagerRunShell' })),
    );
    expect(missing.name).toBe('InvalidDocument');
    const preferences = (inputs: Record<string, unknown>) =>
      JSON.stringify({
        schemaVersion: '1.0',
        description: 'Document to hold regional settings for Session Manager',
        sessionType: 'Standard_Stream',
        inputs,
      });
    await ssm.send(
      new CreateDocumentCommand({
        Name: 'SSM-SessionManagerRunShell',
        DocumentType: 'Session',
        Content: preferences({ idleSessionTimeout: '5', maxSessionDuration: '60', runAsEnabled: true }),
      }),
    );
    const first = await start();
    expect(live(first.SessionId!, first.TokenValue!)).toMatchObject({
      idleTimeoutMinutes: 5,
      maxDurationMinutes: 60,
      properties: { runAsEnabled: true },
    });
    await ssm.send(
      new UpdateDocumentCommand({
        Name: 'SSM-SessionManagerRunShell',
        DocumentVersion: '$LATEST',
        Content: preferences({ idleSessionTimeout: '45', runAsDefaultUser: 'ec2-user' }),
      }),
    );
    // AWS's procedure updates the document alone (no new default version): its latest version counts.
    const second = await start({ DocumentName: 'SSM-SessionManagerRunShell' });
    expect(live(second.SessionId!, second.TokenValue!)).toMatchObject({
      idleTimeoutMinutes: 45,
      properties: { runAsDefaultUser: 'ec2-user' },
    });
    expect(live(second.SessionId!, second.TokenValue!).maxDurationMinutes).toBeUndefined();
    // Port sessions take the idle timeout and maximum duration of the preferences too.
    const port = await start({ DocumentName: 'AWS-StartSSHSession' });
    expect(live(port.SessionId!, port.TokenValue!)).toMatchObject({
      idleTimeoutMinutes: 45,
      properties: { portNumber: '22' },
    });
  });

  it('substitutes parameters into the inputs of a Standard_Stream document of the user', async () => {
    const session = (sessionType: string) =>
      ssm.send(
        new CreateDocumentCommand({
          Name: `Shell-${sessionType}`,
          DocumentType: 'Session',
          Content: JSON.stringify({
            schemaVersion: '1.0',
            sessionType,
            parameters: { dir: { type: 'String', default: '/tmp', allowedPattern: '^/[a-z/]*$' } },
            inputs: { idleSessionTimeout: '7', shellProfile: { linux: 'cd {{ dir }} && exec bash' } },
          }),
        }),
      );
    await session('Standard_Stream');
    const started = await start({ DocumentName: 'Shell-Standard_Stream', Parameters: { dir: ['/srv/app'] } });
    expect(live(started.SessionId!, started.TokenValue!)).toMatchObject({
      sessionType: 'Standard_Stream',
      idleTimeoutMinutes: 7,
      properties: { runAsEnabled: false, shellProfile: { linux: 'cd /srv/app && exec bash' } },
    });
    const refused = await errorOf(() =>
      start({ DocumentName: 'Shell-Standard_Stream', Parameters: { dir: ['relative'] } }),
    );
    expect(refused.name).toBe('InvalidParameters');
    await session('Telnet');
    const unsupported = await errorOf(() => start({ DocumentName: 'Shell-Telnet' }));
    expect(unsupported.name).toBe('InvalidDocument');
  });

  it('lists Active and History sessions with filters and pages, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await start({ Target: i % 2 ? HYBRID : WEB })).SessionId!);
      await clock.advance(60_000);
    }
    const describe = (input: ConstructorParameters<typeof DescribeSessionsCommand>[0]) =>
      ssm.send(new DescribeSessionsCommand(input));
    const active = await describe({ State: 'Active' });
    expect(active.Sessions!.map((s) => s.SessionId)).toEqual([...ids].reverse());
    expect(active.Sessions![0]).toEqual({
      SessionId: ids[4],
      Target: WEB,
      Status: 'Connecting',
      StartDate: new Date(START + 4 * 60_000),
      DocumentName: 'SSM-SessionManagerRunShell',
      Owner: 'arn:aws:iam::000000000000:user/ssm-local',
      AccessType: 'Standard',
    });
    expect((await describe({ State: 'History' })).Sessions).toEqual([]);

    const byTarget = await describe({ State: 'Active', Filters: [{ key: 'Target', value: HYBRID }] });
    expect(byTarget.Sessions!.map((s) => s.SessionId)).toEqual([ids[3], ids[1]]);
    const window = await describe({
      State: 'Active',
      Filters: [
        { key: 'InvokedAfter', value: new Date(START + 60_000).toISOString() },
        { key: 'InvokedBefore', value: new Date(START + 3 * 60_000).toISOString() },
      ],
    });
    expect(window.Sessions!.map((s) => s.SessionId)).toEqual([ids[2], ids[1]]);
    const bySessionId = await describe({ State: 'Active', Filters: [{ key: 'SessionId', value: ids[0]! }] });
    expect(bySessionId.Sessions!.map((s) => s.SessionId)).toEqual([ids[0]]);
    const byOwner = await describe({ State: 'Active', Filters: [{ key: 'Owner', value: 'ssm-local' }] });
    expect(byOwner.Sessions).toHaveLength(5);
    const badDate = await errorOf(() =>
      describe({ State: 'Active', Filters: [{ key: 'InvokedAfter', value: 'yesterday' }] }),
    );
    expect(badDate.name).toBe('ValidationException');

    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await describe({ State: 'Active', MaxResults: 2, ...(NextToken ? { NextToken } : {}) });
      expect(page.Sessions!.length).toBeLessThanOrEqual(2);
      seen.push(...page.Sessions!.map((s) => s.SessionId!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(seen).toEqual([...ids].reverse());
    const forged = await errorOf(() => describe({ State: 'Active', NextToken: 'not-a-token' }));
    expect(forged.name).toBe('InvalidNextToken');

    // Other regions and accounts see none of them.
    expect(
      (await server.client('eu-west-1').send(new DescribeSessionsCommand({ State: 'Active' }))).Sessions,
    ).toEqual([]);
  });

  it('TerminateSession moves a session to History, tells the data channel, and is idempotent', async () => {
    const terminated: string[] = [];
    sessions.onTerminate((sessionId) => terminated.push(sessionId));
    const started = await start();
    sessions.setStatus(started.SessionId!, 'Connected');
    await clock.advance(90_000);
    const answer = await ssm.send(new TerminateSessionCommand({ SessionId: started.SessionId! }));
    expect(answer.SessionId).toBe(started.SessionId);
    expect(terminated).toEqual([started.SessionId]);
    expect(sessions.authorize(started.SessionId!, started.TokenValue!)).toBeUndefined();

    const { Sessions } = await ssm.send(new DescribeSessionsCommand({ State: 'History' }));
    expect(Sessions).toEqual([
      expect.objectContaining({
        SessionId: started.SessionId,
        Status: 'Terminated',
        StartDate: new Date(START),
        EndDate: new Date(START + 90_000),
      }),
    ]);
    expect((await ssm.send(new DescribeSessionsCommand({ State: 'Active' }))).Sessions).toEqual([]);

    // Again, and for a session that never was: the same answer, no second notice.
    await ssm.send(new TerminateSessionCommand({ SessionId: started.SessionId! }));
    const unknown = await ssm.send(new TerminateSessionCommand({ SessionId: 'ssm-local-00000000000000000' }));
    expect(unknown.SessionId).toBe('ssm-local-00000000000000000');
    expect(terminated).toHaveLength(1);
  });

  it('keeps what the data channel reports: Connected, Disconnected, Failed', async () => {
    const started = await start();
    sessions.setStatus(started.SessionId!, 'Connected');
    const status = async (State: 'Active' | 'History') =>
      (await ssm.send(new DescribeSessionsCommand({ State }))).Sessions!.map((s) => s.Status);
    expect(await status('Active')).toEqual(['Connected']);
    sessions.setStatus(started.SessionId!, 'Disconnected');
    expect(await status('Active')).toEqual(['Disconnected']);
    sessions.ended(started.SessionId!, 'Failed');
    sessions.setStatus(started.SessionId!, 'Connected');
    expect(await status('History')).toEqual(['Failed']);
    // History is kept for 30 days.
    await clock.advance(31 * 24 * 60 * 60 * 1000);
    expect(await status('History')).toEqual([]);
  });

  it('ResumeSession gives an active session a new token; an ended one gets none', async () => {
    const started = await start();
    const resumed = await ssm.send(new ResumeSessionCommand({ SessionId: started.SessionId! }));
    expect(resumed.SessionId).toBe(started.SessionId);
    expect(resumed.StreamUrl).toBe(started.StreamUrl);
    expect(resumed.TokenValue).not.toBe(started.TokenValue);
    expect(sessions.authorize(started.SessionId!, started.TokenValue!)).toBeUndefined();
    expect(sessions.authorize(started.SessionId!, resumed.TokenValue!)?.sessionId).toBe(started.SessionId);

    const instance = await sessions.instanceOf(live(started.SessionId!, resumed.TokenValue!));
    expect(instance?.instanceId).toBe(WEB);
    fleet.setOnline(WEB, false);
    expect(await sessions.instanceOf(live(started.SessionId!, resumed.TokenValue!))).toBeUndefined();

    await ssm.send(new TerminateSessionCommand({ SessionId: started.SessionId! }));
    const ended = await ssm.send(new ResumeSessionCommand({ SessionId: started.SessionId! }));
    expect(ended).toMatchObject({ SessionId: started.SessionId });
    expect(ended.TokenValue).toBeUndefined();
    expect(ended.StreamUrl).toBeUndefined();

    const unknown = await errorOf(() =>
      ssm.send(new ResumeSessionCommand({ SessionId: 'ssm-local-00000000000000000' })),
    );
    expect(unknown.name).toBe('DoesNotExistException');
  });
});
