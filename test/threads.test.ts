import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planewise } from './helpers/cli.js';
import { createSyntheticStack, writeStackFiles } from './synthetic/generator.js';

describe('the CLI worker pool', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planewise-threads-'));
    const stack = createSyntheticStack({ width: 640, height: 480, frames: 5, seed: 21 });
    await mkdir(join(dir, 'frames'));
    await writeStackFiles(stack, join(dir, 'frames'), 'png');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // A small memory budget splits the frame into many tiles, and each thread count tiles it differently.
  const cases = [['pyramid', ['--slab-size', '3']], ['depthmap', ['--layers', 'slabs']], ['hybrid', ['--layers', 'frames']]] as const;
  for (const [mode, layers] of cases) {
    it(`${mode}, ${layers.join(' ')}: 1, 2 and 3 threads write byte-identical PSD, composite and depth map`, async () => {
      const outputs: Buffer[][] = [];
      const tiles: number[] = [];
      for (const threads of [1, 2, 3]) {
        const out = (name: string) => join(dir, `${mode}-${threads}-${name}`);
        const r = planewise(['stack', join(dir, 'frames'), '--mode', mode, '--memory', '24', '--pyramid-levels', '4', ...layers, '--threads', String(threads),
          '--out', out('r.psd'), '--composite', out('c.png'), '--depth', out('d.png'), '--json']);
        expect(r.code, r.stderr).toBe(0);
        tiles.push(JSON.parse(r.stdout).tiles);
        outputs.push(await Promise.all(['r.psd', 'c.png', 'd.png'].map((f) => readFile(out(f)))));
      }
      // The memory budget is shared by the threads, so each count cuts the frame into different tiles.
      expect(Math.min(...tiles)).toBeGreaterThan(1);
      expect(new Set(tiles).size).toBeGreaterThan(1);
      for (const other of outputs.slice(1)) other.forEach((file, i) => expect(file.equals(outputs[0]![i]!)).toBe(true));
    });
  }
});
