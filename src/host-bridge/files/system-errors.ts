import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * System errors (disk full, permission denied, a folder where a file should be, …) as one line that names
 * the path and says what to do. The files host turns every errno error it meets into a FileSystemError, so
 * the CLI never shows a stack trace for a problem the user can fix.
 */

/** A file-system problem, reported like bad input: one line, exit 1, nothing written. */
export class FileSystemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileSystemError';
  }
}

/** What a path is to the run; the advice depends on it. */
export type PathRole = 'input' | 'output' | 'temporary';

export interface ErrnoError extends Error {
  code: string;
  path?: string;
  dest?: string;
}

export function isErrnoError(error: unknown): error is ErrnoError {
  return error instanceof Error && typeof (error as Partial<ErrnoError>).code === 'string' && /^E[A-Z]+$/.test((error as ErrnoError).code);
}

const WHAT: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'part of the path is a file, not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EFBIG: 'file too large for this file system or the size limit',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error (a disk or network problem)',
  ENAMETOOLONG: 'the name is too long',
  EEXIST: 'already exists',
  EXDEV: 'on another file system',
  EBUSY: 'busy (in use by another program)',
};

function advice(code: string, role: PathRole): string {
  const full = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
  const denied = code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
  switch (role) {
    case 'temporary':
      if (full) return 'free some space or set TMPDIR to a folder on a disk with more room';
      if (code === 'ENOENT' || code === 'ENOTDIR') return 'set TMPDIR to an existing folder';
      if (denied) return 'set TMPDIR to a folder you can write to';
      break;
    case 'output':
      if (full) return 'free some space or write the outputs to another disk';
      if (denied) return 'choose a folder you can write to, or fix its permissions';
      if (code === 'EISDIR') return 'give a file name instead';
      if (code === 'ENOTDIR' || code === 'ENOENT') return 'check the output path';
      break;
    case 'input':
      if (denied) return 'make it readable (check its permissions)';
      if (code === 'ENOENT' || code === 'ENOTDIR') return 'check the path';
      if (code === 'EISDIR') return 'give the folder alone or the image files in it';
      break;
  }
  if (code === 'EMFILE' || code === 'ENFILE') return 'raise the open-file limit (ulimit -n)';
  return 'check the disk and try again';
}

/** The one-line message for an errno error at `path` (the error's own path when it has one). */
export function systemErrorLine(error: ErrnoError, path: string, role: PathRole): string {
  const what = WHAT[error.code] ?? `${error.code} (${error.message.split('\n')[0]})`;
  return `${path}: ${what}; ${advice(error.code, role)}.`;
}

export function toFileSystemError(error: ErrnoError, path: string, role: PathRole): FileSystemError {
  return new FileSystemError(systemErrorLine(error, path, role));
}

/**
 * Why writing into `folder` fails, asked of the file system itself: a probe of 64 KiB is written there
 * and removed. For encoders whose errors say only "write error"; call it before the failed file is
 * removed, so a full disk is still full.
 */
export async function probeWrite(folder: string): Promise<string | undefined> {
  const probe = join(folder, `.planewise-probe-${process.pid}`);
  try {
    await writeFile(probe, new Uint8Array(65536));
    return undefined;
  } catch (error) {
    return isErrnoError(error) ? error.code : undefined;
  } finally {
    await rm(probe, { force: true });
  }
}

/**
 * libvips reports system errors inside its own messages ("unable to open for write ... Permission denied",
 * "... No space left on device"); this finds the errno they stand for, so an encoder failure reads like
 * any other system error.
 */
export function errnoInMessage(message: string): string | undefined {
  const patterns: [RegExp, string][] = [
    [/no space left/i, 'ENOSPC'],
    [/quota exceeded/i, 'EDQUOT'],
    [/permission denied/i, 'EACCES'],
    [/read-only file system/i, 'EROFS'],
    [/is a directory/i, 'EISDIR'],
    [/no such file or directory/i, 'ENOENT'],
    [/file too large/i, 'EFBIG'],
  ];
  return patterns.find(([re]) => re.test(message))?.[1];
}
