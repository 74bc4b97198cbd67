#!/usr/bin/env node
// `npm start` / `ssm-local`: runs the emulator with configuration from flags and environment.
// Run as the built code from a checkout whose src/ changed since the last build, it builds first
// (see freshness.ts); the rest of the emulator is imported after that, so the new build is what runs.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildIsStale } from './freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (import.meta.url.includes('/dist/') && buildIsStale(root)) {
  console.error('ssm-local: src/ changed since the last build: building');
  try {
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    process.exit(1);
  }
}
const { configFromEnvironment, startSsmLocal } = await import('./index.js');
const { isAdminCommand, runAdminCommand } = await import('./instances/cli.js');

async function main(): Promise<void> {
  // `ssm-local instances ...` and `ssm-local register ...` talk to a running server.
  if (isAdminCommand(process.argv.slice(2))) {
    process.exitCode = await runAdminCommand(process.argv.slice(2));
    return;
  }
  const config = configFromEnvironment(process.env, process.argv.slice(2));
  const ssm = await startSsmLocal(config);
  console.log(`ssm-local listening on ${ssm.endpoint} (data: ${config.dataPath})`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`ssm-local: ${signal}, stopping`);
    ssm.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
