// Instance images: built from docker/<kind>/Dockerfile on first need, tagged with a hash of the
// docker/ folder (so an edit to any file there gives a new image), and reused after. When the base
// image named by the Dockerfile's FROM is missing, docker/make-base-image.sh makes it (it pulls when a
// registry answers and otherwise builds it locally with debootstrap), then the build goes on.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';

export const DOCKER_DIR = fileURLToPath(new URL('../../docker/', import.meta.url));

/** The image kinds a fleet entry may name (`image` in fleet.json). */
export const IMAGE_KINDS = ['linux'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

export function isImageKind(value: string): value is ImageKind {
  return (IMAGE_KINDS as readonly string[]).includes(value);
}

export type Log = (line: string) => void;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** sha256 over every file of the docker/ folder (relative path and content), first 12 hex digits. */
export function dockerFolderHash(dir = DOCKER_DIR): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(dir)) {
    hash.update(relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

export function imageTag(kind: ImageKind, dir = DOCKER_DIR): string {
  return `ssm-local/instance-${kind}:${dockerFolderHash(dir)}`;
}

function baseImageOf(dockerfile: string): string | undefined {
  const match = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/im.exec(dockerfile);
  return match?.[1];
}

async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

function runScript(script: string, args: string[], log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (data: Buffer) => {
      for (const line of data.toString('utf8').split('\n')) if (line.trim() !== '') log(line);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} exited with code ${String(code)}`)),
    );
  });
}

const building = new Map<string, Promise<string>>();

/** The tag of the image for kind, built now if the engine does not have it yet. */
export function ensureImage(docker: Docker, kind: ImageKind, log: Log): Promise<string> {
  const tag = imageTag(kind);
  let pending = building.get(tag);
  if (!pending) {
    pending = buildIfMissing(docker, kind, tag, log);
    building.set(tag, pending);
    pending.catch(() => building.delete(tag));
  }
  return pending;
}

async function buildIfMissing(docker: Docker, kind: ImageKind, tag: string, log: Log): Promise<string> {
  if (await imageExists(docker, tag)) return tag;
  const context = join(DOCKER_DIR, kind);
  const dockerfile = readFileSync(join(context, 'Dockerfile'), 'utf8');
  const base = baseImageOf(dockerfile);
  if (base && !(await imageExists(docker, base))) {
    log(`base image ${base} is missing: running docker/make-base-image.sh`);
    await runScript(join(DOCKER_DIR, 'make-base-image.sh'), [base], log);
  }
  log(`building ${tag} from docker/${kind}/Dockerfile (first use; reused after)`);
  const stream = await docker.buildImage(
    { context, src: filesUnder(context).map((f) => relative(context, f)) },
    {
      t: tag,
      labels: { 'ssm-local.image-kind': kind },
    },
  );
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: Array<{ error?: string }>) => {
        const failed = error?.message ?? events.find((e) => e.error)?.error;
        if (failed) reject(new Error(`building ${tag} failed: ${failed}`));
        else resolve();
      },
      (event: { stream?: string; status?: string; error?: string }) => {
        const text = event.stream ?? event.status ?? event.error;
        if (text) for (const line of text.split('\n')) if (line.trim() !== '') log(line.trimEnd());
      },
    );
  });
  if (!(await imageExists(docker, tag))) throw new Error(`building ${tag} did not produce the image`);
  log(`built ${tag}`);
  return tag;
}
