import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemError, isErrnoError, systemErrorLine } from './system-errors.js';

/**
 * What a run leaves on disk while it works (its temporary folder, outputs under temporary names), so that
 * it can be removed however the run ends: normally by the run itself; on a second Ctrl-C by
 * removeLeftoversNow(); after SIGKILL, which nothing can catch, by the next run (removeStaleTempDirs).
 */
const live = new Set<string>();

export function trackLeftover(path: string): void {
  live.add(path);
}

export function untrackLeftover(path: string): void {
  live.delete(path);
}

/** Removes everything tracked, synchronously: for a process about to exit. */
export function removeLeftoversNow(): void {
  for (const path of live) rmSync(path, { recursive: true, force: true });
  live.clear();
}

const PREFIX = 'planewise-';

/** A new temporary folder named for this process (planewise-<pid>-XXXXXX), tracked as a leftover. */
export async function makeTempDir(): Promise<string> {
  const root = tmpdir();
  try {
    const dir = await mkdtemp(join(root, `${PREFIX}${process.pid}-`));
    trackLeftover(dir);
    return dir;
  } catch (error) {
    if (isErrnoError(error)) throw new FileSystemError(systemErrorLine(error, root, 'temporary'));
    throw error;
  }
}

/** Whether process `pid` still runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrnoError(error) && error.code === 'EPERM';
  }
}

/**
 * Removes temporary folders of Planewise processes that no longer run (killed with SIGKILL, or a crash of
 * the machine). Folders of live processes, and anything not named like ours, are left alone.
 * Returns the folders removed.
 */
export async function removeStaleTempDirs(root = tmpdir()): Promise<string[]> {
  const entries = await readdir(root).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of entries) {
    const match = /^planewise-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
    if (!match || processAlive(Number(match[1]))) continue;
    const path = join(root, name);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isDirectory() || (process.getuid && st.uid !== process.getuid())) continue;
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    removed.push(path);
  }
  return removed;
}
