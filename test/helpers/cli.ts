import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;
export const sample = join(root, 'samples', 'focusstack-pcb7');

/** Runs the built CLI as a user would. */
export function planewise(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'planewise.js'), ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
