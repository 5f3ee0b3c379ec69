import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;
export const sample = join(root, 'samples', 'focusstack-pcb7');
export const bin = join(root, 'bin', 'planewise.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would. */
export function planewise(args: string[], options: SpawnSyncOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', ...options });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** stderr without progress lines: what the user is told. */
export function messages(stderr: string): string[] {
  return stderr.trim().split('\n').filter((l) => l && !/^planewise: \d+% /.test(l));
}
