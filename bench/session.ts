// Session Manager speed, against real containers, with the test client playing the plugin:
// - a keystroke's echo round trip through a shell session (one byte sent, until its echo arrives);
// - port forwarding throughput over 100 MiB read from a server in the container, beside a direct
//   TCP connection from the host to the same port, and through the in-container relay (a server
//   bound to the container's loopback, which the emulator cannot dial directly);
// - 20 concurrent shell sessions (one per instance), each typing, and their echo latency.
//   npx tsx bench/session.ts [--keys 300] [--mib 100] [--only throughput|keys] [--rounds 5]
import { StartSessionCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { LABEL } from '../src/docker/containers.js';
import { SessionClient } from '../test/support/session-client.js';
import { median, percentile, printMarkdownTable, sleep, startFleetEmulator } from './support.js';

const keysArg = process.argv.indexOf('--keys');
const keys = keysArg > 0 ? Number(process.argv[keysArg + 1]) : 300;
const mibArg = process.argv.indexOf('--mib');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const fleetSize = only === 'throughput' ? 1 : 20;
const MIB = 1024 * 1024;
const TOTAL = (mibArg > 0 ? Number(process.argv[mibArg + 1]) : 100) * MIB;

const SERVER = `
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[2], int(sys.argv[1]))); s.listen(50)
block = b'x' * 65536
def serve(c):
    try:
        for _ in range(${TOTAL / 65536}): c.sendall(block)
    except OSError: pass
    c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
`;

const ms = (value: number) => value.toFixed(2);

/** A process's resident memory in MiB (Linux), or undefined. */
function residentMiB(pid: number | undefined): number | undefined {
  try {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Math.round(Number(kib) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function containerOf(docker: Docker, instanceId: string): Promise<{ id: string; ip: string }> {
  const [found] = await docker.listContainers({ filters: { label: [`${LABEL.instanceId}=${instanceId}`] } });
  const info = await docker.getContainer(found!.Id).inspect();
  const ip = Object.values(info.NetworkSettings.Networks).find((n) => n.IPAddress)?.IPAddress ?? '';
  return { id: found!.Id, ip };
}

async function execDetached(docker: Docker, containerId: string, argv: string[]): Promise<void> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: argv });
  // The engine leaves the start request's connection open: closed here, or it keeps the bench alive.
  const stream = (await exec.start({ Detach: true })) as { destroy?: () => void } | undefined;
  stream?.destroy?.();
}

/** Opens a shell session and waits for its prompt. */
async function shell(ssm: SSMClient, target: string): Promise<SessionClient> {
  const start = await ssm.send(new StartSessionCommand({ Target: target }));
  const client = await SessionClient.open(start);
  await client.handshaken;
  await client.waitFor(/[$#] $/, 30_000);
  return client;
}

/** Types `count` keystrokes (alternately a letter and a backspace); answers each echo's round trip. */
async function typeKeys(client: SessionClient, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const before = client.output().length;
    const started = performance.now();
    client.send(i % 2 === 0 ? 'a' : '\x7f');
    await client.until(() => (client.output().length > before ? true : undefined), 10_000, 'an echo');
    times.push(performance.now() - started);
  }
  return times;
}

/** Reads TOTAL bytes from host:port directly; answers MiB/s. */
function direct(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = 0;
    const started = performance.now();
    socket.on('data', (data) => (received += data.length));
    socket.on('error', reject);
    socket.on('close', () => {
      if (received < TOTAL) reject(new Error(`only ${received} bytes`));
      else resolve(TOTAL / MIB / ((performance.now() - started) / 1000));
    });
    socket.connect(port, host);
  });
}

/** Reads TOTAL bytes through a port forwarding session; answers MiB/s. */
async function throughSession(ssm: SSMClient, target: string, port: number): Promise<number> {
  const start = await ssm.send(
    new StartSessionCommand({
      Target: target,
      DocumentName: 'AWS-StartPortForwardingSession',
      Parameters: { portNumber: [String(port)], localPortNumber: ['0'] },
    }),
  );
  const started = performance.now();
  // The client keeps nothing and checks no digest: it counts bytes and acks, at little cost of its
  // own (it shares the machine with the emulator).
  const client = await SessionClient.open(start, { record: false, verifyDigest: false });
  await client.until(() => (client.outputBytes >= TOTAL ? true : undefined), 300_000, `${TOTAL} bytes`);
  const rate = TOTAL / MIB / ((performance.now() - started) / 1000);
  client.flag(2);
  await Promise.race([client.closed, sleep(5000)]);
  return rate;
}

async function main(): Promise<void> {
  console.log(`starting an emulator with ${fleetSize} Docker instances...`);
  const emulator = await startFleetEmulator({ prefix: 'session', size: fleetSize });
  try {
    const { ssm, docker, ids } = emulator;
    const first = ids[0]!;
    const box = await containerOf(docker, first);
    await execDetached(docker, box.id, [
      '/bin/sh',
      '-c',
      `cat > /tmp/bench-server.py <<'EOF'\n${SERVER}\nEOF`,
    ]);
    await sleep(300);
    await execDetached(docker, box.id, ['python3', '/tmp/bench-server.py', '9000', '0.0.0.0']);
    await execDetached(docker, box.id, ['python3', '/tmp/bench-server.py', '9001', '127.0.0.1']);
    await sleep(1000);

    // Keystrokes through one shell session.
    if (only === undefined || only === 'keys') {
      const client = await shell(ssm, first);
      await typeKeys(client, 20); // warm-up
      const one = await typeKeys(client, keys);
      client.send('exit\r');
      await Promise.race([client.closed, sleep(5000)]);
      console.log('\n### Keystroke echo round trip (one shell session)\n');
      printMarkdownTable(
        ['keystrokes', 'p50 ms', 'p99 ms', 'max ms'],
        [[String(keys), ms(percentile(one, 50)), ms(percentile(one, 99)), ms(Math.max(...one))]],
      );
    }

    // Throughput (each path `rounds` times, in turn).
    if (only === undefined || only === 'throughput') {
      const rates = { direct: [] as number[], session: [] as number[], relay: [] as number[] };
      // One unmeasured run of each path first: the first transfers after start are slower (JIT, TCP
      // windows), the direct one most of all.
      await direct(box.ip, 9000);
      await throughSession(ssm, first, 9000);
      await throughSession(ssm, first, 9001);
      for (let round = 0; round < rounds; round++) {
        rates.direct.push(await direct(box.ip, 9000));
        rates.session.push(await throughSession(ssm, first, 9000));
        rates.relay.push(await throughSession(ssm, first, 9001));
      }
      const range = (values: number[], digits = 0) =>
        values.length > 1
          ? `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`
          : values[0]!.toFixed(digits);
      // Each round's paths run back to back, so a round's ratio compares them under the same load
      // (the machine's speed drifts between rounds); the ratio shown is the median of the rounds'.
      const row = (label: string, values: number[]) => {
        const ratios = values.map((value, round) => value / rates.direct[round]!);
        return [label, median(values).toFixed(0), range(values), median(ratios).toFixed(2), range(ratios, 2)];
      };
      console.log(
        `\n### Port forwarding throughput (${TOTAL / MIB} MiB read from the container, ${rounds} round(s))\n`,
      );
      printMarkdownTable(
        ['path', 'MiB/s (median)', 'min–max', '× direct (median of rounds)', 'min–max'],
        [
          row('direct TCP, host → container IP:9000', rates.direct),
          row('port session (emulator dials the container IP)', rates.session),
          row('port session, loopback-only server (in-container relay)', rates.relay),
        ],
      );
      // A leak shows here first: each round moves 300 MiB through the emulator.
      const rss = residentMiB(emulator.server.child.pid);
      if (rss !== undefined)
        console.log(`\nThe emulator's resident memory after ${3 * (rounds + 1)} downloads: ${rss} MiB`);
    }

    // 20 sessions at once, one per instance, all typing.
    if (only === undefined || only === 'keys') {
      const clients = await Promise.all(ids.map((id) => shell(ssm, id)));
      const perSession = Math.max(50, Math.floor(keys / 3));
      const all = (await Promise.all(clients.map((c) => typeKeys(c, perSession)))).flat();
      for (const c of clients) c.send('exit\r');
      await Promise.all(clients.map((c) => Promise.race([c.closed, sleep(5000)])));
      console.log(`\n### ${clients.length} concurrent shell sessions, ${perSession} keystrokes each\n`);
      printMarkdownTable(
        ['sessions', 'keystrokes', 'p50 ms', 'p99 ms', 'max ms'],
        [
          [
            String(clients.length),
            String(all.length),
            ms(percentile(all, 50)),
            ms(percentile(all, 99)),
            ms(Math.max(...all)),
          ],
        ],
      );
    }
  } finally {
    await emulator.stop();
  }
}

await main();
