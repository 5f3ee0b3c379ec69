import { tmpdir } from 'node:os';
import { FileSystemError, isErrnoError, systemErrorLine } from './system-errors.js';

/**
 * A system error met during the run as a one-line FileSystemError: a path inside the run's temporary
 * folder is reported as the temporary folder (the run's own folder is gone by the time the user reads
 * it), an output's temporary name as the output. Other errors pass unchanged.
 */
export function explainFailure(error: unknown, tempDir: string): unknown {
  if (!isErrnoError(error)) return error;
  const path = error.path ?? error.dest;
  if (path === undefined) return new FileSystemError(`${systemErrorLine(error, '(file system)', 'output')}`);
  if (path.startsWith(tempDir)) return new FileSystemError(systemErrorLine(error, tmpdir(), 'temporary'));
  return new FileSystemError(systemErrorLine(error, path.replace(/\.(partial|previous)-\d+$/, ''), 'output'));
}
