import { StartSessionCommand } from '@aws-sdk/client-ssm';
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { LABEL } from '../src/docker/containers.js';
import { SessionClient } from '../test/support/session-client.js';
import { sleep, startFleetEmulator } from './support.js';
const MIB = 1024 * 1024, TOTAL = 100 * MIB;
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
const cpuOf = (pid: number) => { try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; } catch { return 0; } };
const all = () => { const m = new Map<string, number>(); for (const line of execSync('ps -eo pid=,comm=').toString().trim().split('\n')) { const [pid, comm] = line.trim().split(/\s+/, 2); m.set(comm!, (m.get(comm!) ?? 0) + cpuOf(Number(pid))); } return m; };
const emu = await startFleetEmulator({ prefix: 'relay', size: 1 });
const { ssm, docker, ids } = emu;
const [found] = await docker.listContainers({ filters: { label: [`${LABEL.instanceId}=${ids[0]}`] } });
const ex = async (argv: string[]) => { const e = await docker.getContainer(found!.Id).exec({ Cmd: argv }); const s: any = await e.start({ Detach: true }); s?.destroy?.(); };
await ex(['/bin/sh', '-c', `cat > /tmp/b.py <<'EOF'\n${SERVER}\nEOF`]); await sleep(300);
await ex(['python3', '/tmp/b.py', '9001', '127.0.0.1']); await sleep(1000);
const session = async () => {
  const start = await ssm.send(new StartSessionCommand({ Target: ids[0], DocumentName: 'AWS-StartPortForwardingSession', Parameters: { portNumber: ['9001'], localPortNumber: ['0'] } }));
  const t = performance.now();
  let msgs = 0; const c = await SessionClient.open(start, { record: false, verifyDigest: false, onOutput: () => msgs++ });
  await c.until(() => (c.outputBytes >= TOTAL ? true : undefined), 300000, 'bytes');
  const el = performance.now() - t; console.log('RELAY messages', msgs); c.flag(2); await Promise.race([c.closed, sleep(3000)]); return el;
};
await session();
for (let i = 0; i < 3; i++) {
  const a = all(); const c0 = process.cpuUsage();
  const el = await session();
  const b = all(); const cu = process.cpuUsage(c0);
  const d = [...b].map(([k, v]) => [k, v - (a.get(k) ?? 0)] as const).filter(([, v]) => v > 5).sort((x, y) => y[1] - x[1]);
  console.log(`RELAY wall ${el.toFixed(0)} ms client ${((cu.user + cu.system) / 1000).toFixed(0)} ms`, d.map(([k, v]) => `${k}=${v}`).join(' '));
}
await emu.stop();
