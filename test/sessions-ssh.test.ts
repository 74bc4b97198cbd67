// AWS-StartSSHSession carrying a real SSH connection: the instance image's sshd, started with Run
// Command, and the system's `ssh` client whose ProxyCommand opens the session (test/support/
// ssh-proxy.ts, our protocol client playing the plugin), as users do with the official plugin:
//   ssh -o ProxyCommand='aws ssm start-session --target %h --document-name AWS-StartSSHSession
//       --parameters portNumber=%p' root@i-...
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DescribeSessionsCommand, TerminateSessionCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runShell, settled } from './commands-helpers.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

const run = promisify(execFile);
const hasDocker = await requireDocker('SSH through Session Manager');
const sshClient = ['/usr/bin/ssh', '/usr/local/bin/ssh'].find((p) => existsSync(p));
if (!sshClient) {
  if (process.env.CI === 'true')
    throw new Error('no ssh client is installed, and CI must run the SSH session test');
  console.warn('\n!!! no ssh client is installed: skipping the SSH session test (CI runs it) !!!\n');
}
const proxy = fileURLToPath(new URL('./support/ssh-proxy.ts', import.meta.url));

describe.skipIf(!hasDocker || !sshClient)('AWS-StartSSHSession with a real sshd', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let target: string;
  let dir: string;

  beforeAll(async () => {
    server = await startDockerTestServer({ instances: 1 });
    ssm = server.client();
    target = server.instanceIds[0]!;
    dir = mkdtempSync(join(tmpdir(), 'ssm-local-ssh-'));
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
    const publicKey = readFileSync(join(dir, 'key.pub'), 'utf8').trim();
    const command = await runShell(
      ssm,
      [
        'install -d -m 700 /root/.ssh',
        `echo '${publicKey}' > /root/.ssh/authorized_keys`,
        'chmod 600 /root/.ssh/authorized_keys',
        'mkdir -p /run/sshd && /usr/sbin/sshd',
      ],
      { InstanceIds: [target] },
    );
    const invocation = await settled(ssm, command.CommandId!, target);
    expect(invocation.Status, invocation.StandardErrorContent).toBe('Success');
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a command over SSH through the session; TerminateSession ends the session it leaves', async () => {
    const { stdout } = await run(
      sshClient!,
      [
        '-F',
        'none',
        '-i',
        join(dir, 'key'),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'LogLevel=ERROR',
        '-o',
        'BatchMode=yes',
        '-o',
        `ProxyCommand=${process.execPath} --import tsx ${proxy} ${server.endpoint} %h %p`,
        `root@${target}`,
        'echo over-ssh; hostname; head -c 300000 /dev/zero | sha256sum',
      ],
      { timeout: 60_000 },
    );
    const [greeting, host, digest] = stdout.trim().split('\n');
    expect(greeting).toBe('over-ssh');
    // The instance's own host name, as Run Command sees it.
    const named = await runShell(ssm, ['hostname'], { InstanceIds: [target] });
    expect(host).toBe((await settled(ssm, named.CommandId!, target)).StandardOutputContent!.trim());
    // 300,000 zero bytes crossed the session as SSH packets, intact.
    const { stdout: local } = await run('sh', ['-c', 'head -c 300000 /dev/zero | sha256sum']);
    expect(digest!.split(' ')[0]).toBe(local.split(' ')[0]);
    // ssh kills its ProxyCommand as it exits, as it does the plugin: the session is left for
    // ResumeSession (Disconnected) until its idle timeout or a TerminateSession, then in History.
    const active = await ssm.send(new DescribeSessionsCommand({ State: 'Active' }));
    const session = active.Sessions!.find(
      (x) => x.Target === target && x.DocumentName === 'AWS-StartSSHSession',
    );
    expect(session).toBeDefined();
    await ssm.send(new TerminateSessionCommand({ SessionId: session!.SessionId }));
    const ended = await eventually(
      () => ssm.send(new DescribeSessionsCommand({ State: 'History' })),
      (out) => (out.Sessions ?? []).some((x) => x.SessionId === session!.SessionId),
      15_000,
    );
    expect(ended.Sessions!.find((x) => x.SessionId === session!.SessionId)?.Status).toBe('Terminated');
  }, 90_000);
});
