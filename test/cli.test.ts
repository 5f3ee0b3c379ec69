import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPsd } from './helpers/ag-psd.js';
import sharp from 'sharp';

import { planewise, sample } from './helpers/cli.js';
import { createSyntheticStack, writeStackFiles } from './synthetic/generator.js';

describe('planewise stack, end to end on the bundled real stack (focusstack-pcb7)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'planewise-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the layered PSD, composite, depth map and transforms', async () => {
    const out = join(dir, 'r.psd');
    const r = planewise(['stack', sample, '--out', out, '--composite', join(dir, 'r.tif'), '--depth', join(dir, 'd.png'), '--transforms', join(dir, 't.json'), '--json']);
    expect(r.stderr).not.toMatch(/Error|warning/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.frames).toHaveLength(7);

    const t = JSON.parse(await readFile(join(dir, 't.json'), 'utf8'));
    expect(t.reference).toBe(3);
    expect(t.transforms).toHaveLength(7);
    expect(t.transforms[3]).toEqual([1, 0, 0, 0, 1, 0]);
    for (const m of t.transforms) expect(m).toHaveLength(6);
    // Focus breathing: the frames' scales differ from each other, each within a few percent.
    const scales = t.transforms.map((m: number[]) => Math.hypot(m[0]!, m[3]!));
    expect(Math.max(...scales) - Math.min(...scales)).toBeGreaterThan(0.003);
    scales.forEach((s: number) => expect(Math.abs(s - 1)).toBeLessThan(0.05));
    const { crop } = t;
    expect(crop.width).toBeGreaterThan(1800);
    expect(crop.height).toBeGreaterThan(1300);

    const psd = readPsd(await readFile(out), { skipThumbnail: true, useImageData: true });
    expect(psd.width).toBe(crop.width);
    expect(psd.height).toBe(crop.height);
    expect(psd.children).toHaveLength(8);
    const layers = psd.children!;
    expect(layers.map((l) => l.name)).toEqual(['pcb_001', 'pcb_002', 'pcb_003', 'pcb_004', 'pcb_005', 'pcb_006', 'pcb_007', 'Planewise composite (hybrid)']);
    layers.slice(0, 7).forEach((l) => {
      expect(l.mask?.imageData?.width).toBe(crop.width);
      expect(l.mask?.imageData?.height).toBe(crop.height);
    });
    expect(layers[7]!.mask).toBeUndefined();

    const composite = await sharp(join(dir, 'r.tif')).metadata();
    expect([composite.width, composite.height, composite.depth]).toEqual([crop.width, crop.height, 'uchar']);
    const depthMeta = await sharp(join(dir, 'd.png')).metadata();
    expect([depthMeta.width, depthMeta.height, depthMeta.channels, depthMeta.depth]).toEqual([crop.width, crop.height, 1, 'uchar']);
    const depth = await sharp(join(dir, 'd.png')).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    // The depth map spans the stack: near things and far things both present.
    let lo = 255, hi = 0;
    for (const v of depth.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeLessThan(60);
    expect(hi).toBeGreaterThan(190);
    // No temporary files left next to the outputs.
    expect((await readdir(dir)).sort()).toEqual(['d.png', 'r.psd', 'r.tif', 't.json']);
  }, 120_000);

  it('16-bit TIFF frames give a 16-bit composite and a 16-bit layered PSD', async () => {
    const frames = join(dir, 'wide');
    await mkdir(frames);
    const stack = createSyntheticStack({ width: 192, height: 144, frames: 4, bitDepth: 16, seed: 5 });
    await writeStackFiles(stack, frames, 'tiff');
    const r = planewise(['stack', frames, '--out', join(dir, 'w.psd'), '--composite', join(dir, 'w.tif')]);
    expect(r.code).toBe(0);
    const meta = await sharp(join(dir, 'w.tif')).metadata();
    expect(meta.depth).toBe('ushort');
    const psd = readPsd(await readFile(join(dir, 'w.psd')), { skipThumbnail: true, useImageData: true });
    expect(psd.bitsPerChannel).toBe(16);
    expect(psd.children).toHaveLength(5);
  }, 60_000);

  it('--slab-size adds hidden sub-stack layers between the frames and the composite', async () => {
    const out = join(dir, 'slabs.psd');
    const r = planewise(['stack', sample, '--out', out, '--slab-size', '4', '--slab-overlap', '1']);
    expect(r.code).toBe(0);
    const psd = readPsd(await readFile(out), { skipThumbnail: true, skipLayerImageData: true, skipCompositeImageData: true });
    expect(psd.children!.map((l) => [l.name, Boolean(l.hidden)]).slice(7)).toEqual([['Slab pcb_001–pcb_004', true], ['Slab pcb_004–pcb_007', true], ['Planewise composite (hybrid)', false]]);
    expect(planewise(['stack', sample, '--out', out, '--slab-size', '1']).code).toBe(2);
  }, 120_000);

  it('depthmap mode with --reverse writes a composite', async () => {
    const r = planewise(['stack', sample, '--mode', 'depthmap', '--reverse', '--composite', join(dir, 'rev.jpg'), '--transforms', join(dir, 'rev.json')]);
    expect(r.code).toBe(0);
    const t = JSON.parse(await readFile(join(dir, 'rev.json'), 'utf8'));
    // Reversed order: the first transform belongs to pcb_007, the last stack frame.
    expect(t.transforms).toHaveLength(7);
    expect(existsSync(join(dir, 'rev.jpg'))).toBe(true);
  }, 120_000);
});
