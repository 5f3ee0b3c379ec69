import { linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processAlive, trackLeftover, untrackLeftover } from './leftovers.js';
import { FileSystemError, isErrnoError, systemErrorLine } from './system-errors.js';

/**
 * All outputs or none. Each output is written under a temporary name beside its target
 * (`<target>.partial-<pid>`, same folder so the final rename cannot cross file systems); commit() then
 * moves them all into place. Files already at the targets (a previous run's results) are kept as
 * `<target>.previous-<pid>` until every new file is in place, and put back if any move fails.
 *
 * commit() and discard() are synchronous on purpose: a signal handler runs on the event loop, so it can
 * never see a half-made commit.
 */
export class OutputCommit {
  private readonly staged = new Map<string, string>();

  /** The temporary name to write `target` under. */
  stage(target: string): string {
    const partial = `${target}.partial-${process.pid}`;
    this.staged.set(target, partial);
    trackLeftover(partial);
    return partial;
  }

  commit(): void {
    const backups = new Map<string, { path: string; linked: boolean }>();
    const placed: string[] = [];
    let failedAt = '';
    try {
      for (const target of this.staged.keys()) {
        failedAt = target;
        if (!statSync(target, { throwIfNoEntry: false })?.isFile()) continue; // nothing to keep (checkOutputPaths refused folders)
        const backup = `${target}.previous-${process.pid}`;
        rmSync(backup, { force: true });
        // A hard link keeps the old file at the target until the new one replaces it in one rename;
        // where links are not supported the old file moves aside instead.
        let linked = true;
        try {
          linkSync(target, backup);
        } catch {
          renameSync(target, backup);
          linked = false;
        }
        backups.set(target, { path: backup, linked });
      }
      for (const [target, partial] of this.staged) {
        failedAt = target;
        renameSync(partial, target);
        placed.push(target);
      }
    } catch (error) {
      this.rollBack(backups, placed);
      this.discard();
      if (isErrnoError(error)) throw new FileSystemError(`${systemErrorLine(error, failedAt, 'output')} No output was changed.`);
      throw error;
    }
    for (const { path } of backups.values()) rmSync(path, { force: true });
    for (const partial of this.staged.values()) untrackLeftover(partial);
    this.staged.clear();
  }

  /** Puts every previous file back where it was and removes new files that had no predecessor. */
  private rollBack(backups: Map<string, { path: string; linked: boolean }>, placed: string[]): void {
    for (const target of placed) if (!backups.has(target)) rmSync(target, { force: true });
    const stuck: string[] = [];
    for (const [target, backup] of backups) {
      try {
        if (placed.includes(target) || !backup.linked) renameSync(backup.path, target);
        else rmSync(backup.path, { force: true }); // the target still is the old file
      } catch {
        stuck.push(backup.path);
      }
    }
    if (stuck.length) throw new FileSystemError(`${stuck.join(', ')}: could not put the previous results back; they are under these names.`);
  }

  /** Removes every staged file not yet moved into place. */
  discard(): void {
    for (const partial of this.staged.values()) {
      rmSync(partial, { force: true });
      untrackLeftover(partial);
    }
    this.staged.clear();
  }
}

/** Removes `<target>.partial-<pid>` files that processes no longer running left beside the targets. */
export async function removeStalePartials(targets: string[]): Promise<void> {
  for (const target of targets) {
    const folder = dirname(target);
    const prefix = `${basename(target)}.partial-`;
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length));
      if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) await rm(join(folder, name), { force: true });
    }
  }
}
