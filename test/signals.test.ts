import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { bin, sample } from './helpers/cli.js';

/**
 * Interrupts: SIGINT, SIGTERM and SIGHUP each stop the run with nothing left behind (temporary folder,
 * outputs under temporary names) and the conventional exit status; after SIGKILL, which cannot be caught,
 * the next run removes the dead process's temporary folder.
 */

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts a run and sends `signal` once it is fusing (a small memory budget makes fusing long enough). */
function interruptWhileFusing(frames: string, signal: NodeJS.Signals, temp: string, out: string): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const args = ['stack', frames, '--memory', '16', '--out', join(out, 'r.psd'), '--composite', join(out, 'r.tif'), '--depth', join(out, 'd.png')];
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, TMPDIR: temp },
    });
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (!sent && /% fusing/.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, sig) => resolve({ code, signal: sig, stderr }));
  });
}

describe('interrupted runs leave nothing behind', () => {
  let dir: string;
  let frames: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planewise-signals-'));
    frames = join(dir, 'frames');
    await mkdir(frames);
    for (const i of [1, 2, 3, 4]) await sharp(join(sample, `pcb_00${i}.jpg`)).resize(1024, 768).jpeg().toFile(join(frames, `f${i}.jpg`));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal}: exit ${code}, no temporary folder, no partial outputs`, async () => {
      const temp = join(dir, `tmp-${signal}`);
      const out = join(dir, `out-${signal}`);
      await mkdir(temp);
      await mkdir(out);
      const r = await interruptWhileFusing(frames, signal, temp, out);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(code);
      expect(r.stderr).toContain('planewise: cancelled; no output written.');
      expect(await readdir(temp)).toEqual([]);
      expect(await readdir(out)).toEqual([]);
    }, 60_000);
  }

  it('after SIGKILL the next run removes the dead run\'s temporary folder', async () => {
    const temp = join(dir, 'tmp-kill');
    const out = join(dir, 'out-kill');
    await mkdir(temp);
    await mkdir(out);
    const killed = await interruptWhileFusing(frames, 'SIGKILL', temp, out);
    expect(killed.signal).toBe('SIGKILL');
    const left = await readdir(temp);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^planewise-\d+-/);
    // A live process's folder is not touched.
    const live = join(temp, `planewise-${process.pid}-abcdef`);
    await mkdir(live);
    const next = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [bin, 'stack', frames, '--align', 'translation', '--transforms', join(out, 't.json')], { env: { ...process.env, TMPDIR: temp }, stdio: 'ignore' });
      child.on('close', resolve);
    });
    expect(next).toBe(0);
    expect(await readdir(temp)).toEqual([`planewise-${process.pid}-abcdef`]);
  }, 60_000);
});
