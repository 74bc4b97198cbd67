// An SSH ProxyCommand through Session Manager, as `aws ssm start-session --document-name
// AWS-StartSSHSession` is used with the official plugin: StartSession, then the data channel (our
// protocol client, test/support/session-client.ts) carries stdin to the instance's port and its
// output to stdout. For tests that run a real `ssh` against an sshd in an instance.
//   node --import tsx test/support/ssh-proxy.ts ENDPOINT INSTANCE_ID PORT
import { SSMClient, StartSessionCommand } from '@aws-sdk/client-ssm';
import { SessionClient } from './session-client.js';

const [endpoint, target, port] = process.argv.slice(2);
const ssm = new SSMClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDSSH', secretAccessKey: 'secret' },
});
const start = await ssm.send(
  new StartSessionCommand({
    Target: target,
    DocumentName: 'AWS-StartSSHSession',
    Parameters: { portNumber: [port ?? '22'] },
  }),
);
const client = await SessionClient.open(start, {
  record: false,
  onOutput: (bytes) => process.stdout.write(bytes),
});
// stdin stays paused (buffered) until the handshake is done, as the plugin starts forwarding after it.
await client.handshaken;
process.stdin.on('data', (bytes: Buffer) => client.send(bytes));
// At the end of its input the plugin's reader stops and the plugin exits (ssh also kills its
// ProxyCommand as it exits); the last input still in our socket's buffer gets a moment to go.
process.stdin.on('end', () => {
  setTimeout(() => process.exit(0), 500).unref();
});
await client.closed;
process.exit(0);
