// Facts read from inside an instance's container (os-release, host name); the Docker backend reads
// them once per container and caches them, so DescribeInstanceInformation stays fast while PingStatus
// is looked up live.
import { parseOsRelease } from '../core/os-release.js';
import type { InstanceExecutor } from '../docker/executor.js';
import type { MachineFacts } from './backend.js';

const SEPARATOR = '@@ssm-local-facts@@';

export async function readFacts(
  executor: InstanceExecutor,
  containerId: string,
): Promise<MachineFacts | undefined> {
  const handle = await executor.exec(containerId, {
    argv: [
      '/bin/sh',
      '-c',
      `cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null; echo; echo ${SEPARATOR}; hostname 2>/dev/null || cat /etc/hostname`,
    ],
  });
  // A real timer, not the scheduler: it bounds a wait on the engine (a stuck exec), not emulated time.
  const timer = setTimeout(() => void handle.kill(), 5000);
  const result = await handle.result;
  clearTimeout(timer);
  if (result.containerLost || result.exitCode !== 0) return undefined;
  const [osRelease = '', host = ''] = result.stdout.split(SEPARATOR);
  const fields = parseOsRelease(osRelease);
  const facts: MachineFacts = {};
  if (fields.NAME) facts.platformName = fields.NAME;
  if (fields.VERSION_ID) facts.platformVersion = fields.VERSION_ID;
  if (host.trim()) facts.computerName = host.trim();
  return facts;
}
