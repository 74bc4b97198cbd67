// Persistence across restarts and SIGKILL: an acknowledged write is never lost and the data file is
// never left half-written.
import {
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnServer } from './support/process.js';

/**
 * Temporary files left in the data folder. lowdb's writer (steno) writes `.<name>.tmp`, a dot-file,
 * then renames it over the data file; one left behind is a write that never finished.
 */
const temporaryFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

function clientFor(endpoint: string): SSMClient {
  return new SSMClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

describe('durability', () => {
  it('serves the same state after a graceful restart with the same data file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-local-restart-'));
    const data = join(dir, 'state.json');
    let server = await spawnServer({ SSM_LOCAL_DATA: data });
    let ssm = clientFor(server.endpoint);
    await ssm.send(new PutParameterCommand({ Name: '/restart/plain', Value: 'one', Type: 'String' }));
    await ssm.send(
      new PutParameterCommand({ Name: '/restart/plain', Value: 'two', Type: 'String', Overwrite: true }),
    );
    await ssm.send(new PutParameterCommand({ Name: '/restart/secret', Value: 'hush', Type: 'SecureString' }));
    ssm.destroy();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(temporaryFiles(dir)).toEqual([]);

    server = await spawnServer({ SSM_LOCAL_DATA: data });
    ssm = clientFor(server.endpoint);
    try {
      const plain = await ssm.send(new GetParameterCommand({ Name: '/restart/plain' }));
      expect(plain.Parameter?.Value).toBe('two');
      expect(plain.Parameter?.Version).toBe(2);
      const secret = await ssm.send(
        new GetParameterCommand({ Name: '/restart/secret', WithDecryption: true }),
      );
      expect(secret.Parameter?.Value).toBe('hush');
      // The plaintext never reaches the data file, and the master key is owner-only.
      expect(readFileSync(data, 'utf8')).not.toContain('hush');
      expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    } finally {
      ssm.destroy();
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('keeps every acknowledged write when the server is killed with SIGKILL mid-stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-local-kill-'));
    const data = join(dir, 'state.json');
    let server = await spawnServer({ SSM_LOCAL_DATA: data });
    let ssm = clientFor(server.endpoint);
    const acknowledged: string[] = [];
    let stop = false;
    // 8 writers put parameters as fast as they can; the server is killed while they run.
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const name = `/kill/w${w}/p${i}`;
        try {
          await ssm.send(new PutParameterCommand({ Name: name, Value: `v${i}`, Type: 'String' }));
          acknowledged.push(name);
        } catch {
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    server.child.kill('SIGKILL');
    await server.exited;
    stop = true;
    await Promise.all(writers);
    ssm.destroy();
    expect(acknowledged.length).toBeGreaterThan(20);

    // The file is whole JSON (written to a temporary file, then renamed). A kill in the middle of a
    // write may leave that temporary file; the next write replaces it, which is checked below.
    expect(() => JSON.parse(readFileSync(data, 'utf8')) as unknown).not.toThrow();

    server = await spawnServer({ SSM_LOCAL_DATA: data });
    ssm = clientFor(server.endpoint);
    try {
      const found = new Set<string>();
      let NextToken: string | undefined;
      do {
        const page = await ssm.send(
          new GetParametersByPathCommand({ Path: '/kill', Recursive: true, NextToken }),
        );
        for (const p of page.Parameters ?? []) found.add(p.Name!);
        NextToken = page.NextToken;
      } while (NextToken);
      const lost = acknowledged.filter((name) => !found.has(name));
      expect(lost).toEqual([]);
    } finally {
      ssm.destroy();
      server.child.kill('SIGTERM');
      await server.exited;
    }
    // The restarted server folded the journal into the file and rewrote it on its way out.
    expect(temporaryFiles(dir)).toEqual([]);
  });
});
