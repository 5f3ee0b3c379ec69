import { run } from '../../src/cli/main.js';
import type { CliResult } from './cli.js';

/** Calls the CLI's run() in this process (no process start-up: for tests that run it many times). */
export async function planewiseInProcess(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stream = (append: (s: string) => void) => ({ isTTY: false, write: (s: string) => (append(s), true) }) as unknown as NodeJS.WriteStream;
  const code = await run(args, { stdout: stream((s) => (stdout += s)), stderr: stream((s) => (stderr += s)) });
  return { code, stdout, stderr };
}

