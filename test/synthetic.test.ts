import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createSyntheticStack, writeStackFiles } from './synthetic/generator.js';
import { psnr } from './synthetic/metrics.js';

/** Mean squared horizontal gradient of the green channel over a region: a sharpness figure. */
function sharpness(img: Float32Array, width: number, region: { x0: number; y0: number; x1: number; y1: number }, mask: (x: number, y: number) => boolean): number {
  let sum = 0, n = 0;
  for (let y = region.y0; y < region.y1; y++) {
    for (let x = region.x0; x < region.x1 - 1; x++) {
      if (!mask(x, y)) continue;
      sum += (img[(y * width + x + 1) * 3 + 1]! - img[(y * width + x) * 3 + 1]!) ** 2;
      n++;
    }
  }
  return sum / Math.max(1, n);
}

describe('synthetic focus-stack generator', () => {
  const stack = createSyntheticStack({ width: 160, height: 120, frames: 6, seed: 3, breathing: 0.04, maxBlur: 2 });

  it('puts the reference at identity and breathes by about the requested amount', () => {
    expect(stack.transforms[stack.reference]).toEqual([1, 0, 0, 0, 1, 0]);
    const scale = (k: number) => Math.hypot(stack.transforms[k]![0], stack.transforms[k]![3]);
    expect(scale(stack.frames - 1) - scale(0)).toBeCloseTo(0.04, 2);
  });

  it('renders each surface sharp in the frame focused on it and blurred elsewhere', () => {
    const all = { x0: 8, y0: 8, x1: 152, y1: 112 };
    const far = stack.depth[0]!;
    // Background pixels: where the far surface is visible.
    const onBackground = (x: number, y: number) => Math.abs(stack.depth[y * 160 + x]! - far) < 1e-6;
    const nearFrame = stack.renderFrame(0);
    const farFrame = stack.renderFrame(stack.frames - 1);
    expect(sharpness(farFrame, 160, all, onBackground)).toBeGreaterThan(2 * sharpness(nearFrame, 160, all, onBackground));
    // The reference frame is close to the all-in-focus image where the scene is at the reference's depth.
    expect(psnr(stack.renderFrame(stack.reference), stack.allInFocus, 3, 160)).toBeGreaterThan(15);
  });

  it('is deterministic for a seed and quantises to the requested depth', () => {
    const again = createSyntheticStack({ width: 160, height: 120, frames: 6, seed: 3, breathing: 0.04, maxBlur: 2 });
    expect(Array.from(again.quantizeFrame(2))).toEqual(Array.from(stack.quantizeFrame(2)));
    const wide = createSyntheticStack({ width: 40, height: 30, frames: 2, bitDepth: 16 });
    const q = wide.quantizeFrame(1);
    expect(q).toBeInstanceOf(Uint16Array);
    expect(Math.max(...q)).toBeGreaterThan(255);
  });

  it('writes readable files with the right size and bit depth', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'planewise-synth-'));
    try {
      const wide = createSyntheticStack({ width: 40, height: 30, frames: 2, bitDepth: 16 });
      const paths = await writeStackFiles(wide, dir, 'tiff');
      const meta = await sharp(paths[1]!).metadata();
      expect([meta.width, meta.height, meta.depth, meta.channels]).toEqual([40, 30, 'ushort', 3]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
