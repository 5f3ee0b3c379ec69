// Quality and cost on a large synthetic stack with ground truth: alignment error, PSNR per mode, wall time
// and peak memory of the CLI engine (run in a child process, like a user would).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createSyntheticStack, writeStackFiles } from '../test/synthetic/generator.js';
import { cropChunky, psnr } from '../test/synthetic/metrics.js';
import { apply } from '../src/engine/geometry.js';
import type { Affine } from '../src/engine/types.js';

export async function syntheticRows(width: number, height: number, frames: number): Promise<Record<string, string>[]> {
  const stack = createSyntheticStack({ width, height, frames, seed: 11, maxBlur: 2, breathing: 0.03, maxShift: 6, maxRotationDeg: 0.4, flicker: 0.04, whiteBalance: 0.03, noise: 0.004 });
  const dir = mkdtempSync(join(tmpdir(), 'planewise-synth-'));
  try {
    await writeStackFiles(stack, dir, 'png');
    const runner = fileURLToPath(new URL('./run-one.js', import.meta.url));
    const rows: Record<string, string>[] = [];
    for (const mode of ['pyramid', 'depthmap'] as const) {
      const out = join(dir, `out-${mode}`);
      const t0 = process.hrtime.bigint();
      const child = spawnSync(process.execPath, [runner, dir, out, mode, 'wasm-simd', join(out, 't.json')], { encoding: 'utf8' });
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (child.status !== 0) throw new Error(child.stderr);
      const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
      const t = JSON.parse(readFileSync(join(out, 't.json'), 'utf8')) as { crop: { left: number; top: number; width: number; height: number }; transforms: Affine[] };
      let worst = 0;
      t.transforms.forEach((m, i) => {
        for (const [x, y] of [[0, 0], [width - 1, 0], [0, height - 1], [width - 1, height - 1], [width / 2, height / 2]] as const) {
          const [a, b] = apply(m, x, y);
          const [c, d] = apply(stack.transforms[i]!, x, y);
          worst = Math.max(worst, Math.hypot(a - c, b - d));
        }
      });
      const composite = await sharp(join(out, 'bench.png')).raw().toBuffer();
      const fused = Float32Array.from(composite, (v) => v / 255);
      const { crop } = t;
      const truth = cropChunky(stack.allInFocus, width, 3, crop);
      const refCrop = cropChunky(stack.renderFrame(stack.reference), width, 3, crop);
      rows.push({
        set: `synthetic ${width}x${height}x${frames}`,
        mode,
        'wall s': wall.toFixed(2),
        'peak RSS MiB': r.maxRssMiB.toFixed(0),
        'align err max px': worst.toFixed(3),
        'PSNR dB': psnr(fused, truth, 3, crop.width).toFixed(2),
        'ref frame PSNR dB': psnr(refCrop, truth, 3, crop.width).toFixed(2),
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
