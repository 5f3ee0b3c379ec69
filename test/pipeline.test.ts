import { describe, expect, it } from 'vitest';
import { stackFrames } from '../src/engine/pipeline.js';
import { CancelledError } from '../src/engine/progress.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { cropChunky, psnr } from './synthetic/metrics.js';
import { MemorySink } from './helpers/memory-host.js';
import { syntheticSource, transformError } from './helpers/stack-fixtures.js';

const kernels = () => loadNodeKernels();

const scene = { width: 320, height: 240, frames: 8, seed: 7, maxBlur: 2.5, breathing: 0.03, maxShift: 4, maxRotationDeg: 0.5, flicker: 0.05, whiteBalance: 0.03, noise: 0.004 };

describe('pipeline on a synthetic stack with ground truth', async () => {
  const { stack, source } = syntheticSource(scene);

  for (const mode of ['hybrid', 'depthmap', 'pyramid'] as const) {
    it(`${mode}: aligns within a fraction of a pixel and beats every single frame`, async () => {
      const k = await kernels();
      const sink = new MemorySink();
      const result = await stackFrames(source, sink, k, { mode });
      const errors = result.frames.map((f, i) => transformError(f.transform, stack.transforms[i]!, stack.width, stack.height));
      expect(Math.max(...errors)).toBeLessThan(0.35);
      const truth = cropChunky(stack.allInFocus, stack.width, stack.channels, result.crop);
      const fused = psnr(sink.composite!, truth, stack.channels, result.crop.width);
      const reference = cropChunky(stack.renderFrame(stack.reference), stack.width, stack.channels, result.crop);
      const single = psnr(reference, truth, stack.channels, result.crop.width);
      console.log(`${mode}: alignment error max ${Math.max(...errors).toFixed(3)} px, PSNR fused ${fused.toFixed(2)} dB, reference frame ${single.toFixed(2)} dB`);
      expect(fused).toBeGreaterThan(single + 3);
      expect(fused).toBeGreaterThan(30);
      // Gains undo the flicker: the frame's gain times its applied gain is ~1 relative to the reference.
      result.frames.forEach((f, i) => f.gain.forEach((g, c) => expect(g * stack.gains[i]![c]!).toBeCloseTo(1, 1)));
    });
  }

  it('depthmap: the masked layers stacked with normal blending reproduce the composite within 1/255', async () => {
    const sink = new MemorySink();
    await stackFrames(source, sink, await kernels(), { mode: 'depthmap' });
    const blended = sink.blendLayers();
    let worst = 0;
    blended.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - sink.composite![i]!))));
    expect(worst).toBeLessThanOrEqual(1 / 255 + 1e-6);
    // The bottom layer is fully shown, so nothing shows through the stack.
    expect(sink.masks[0]!.every((m) => m === 1)).toBe(true);
  });

  for (const mode of ['hybrid', 'depthmap', 'pyramid'] as const) {
    it(`${mode}: tiles leave no seams (tiled is bit-identical to untiled)`, async () => {
      const whole = new MemorySink();
      const r1 = await stackFrames(source, whole, await kernels(), { mode });
      const tiled = new MemorySink();
      const r2 = await stackFrames(source, tiled, await kernels(), { mode, memory: 2 });
      expect(r1.tiles).toBe(1);
      expect(r2.tiles).toBeGreaterThan(2);
      // Margins cover every filter's reach and pyramid tiles sit on the pyramid's grid, so nothing differs.
      expect(tiled.composite).toEqual(whole.composite);
      expect(tiled.depth).toEqual(whole.depth);
      expect(tiled.masks).toEqual(whole.masks);
    });
  }

  for (const mode of ['hybrid', 'depthmap'] as const) {
    it(`${mode}: the composite is the same whether frame layers are written or not`, async () => {
      const withLayers = new MemorySink(), without = new MemorySink();
      await stackFrames(source, withLayers, await kernels(), { mode, layers: 'frames' });
      await stackFrames(source, without, await kernels(), { mode, layers: 'none' });
      expect(without.masks.length).toBe(0);
      expect(without.composite).toEqual(withLayers.composite);
    });
  }

  it('working memory does not grow with the number of frames', async () => {
    const peaks: number[] = [];
    for (const frames of [4, 12]) {
      const { source: s } = syntheticSource({ ...scene, frames, width: 200, height: 150 });
      const k = await kernels();
      const result = await stackFrames(s, new MemorySink(), k, { mode: 'pyramid' });
      peaks.push(result.arenaPeakBytes);
    }
    // Three times the frames; held frames would triple it. A few percent come and go with each pair's
    // registration cut, which depends on how far the warp moves the frame.
    expect(peaks[1]!).toBeLessThanOrEqual(peaks[0]! * 1.1);
  });

  it('cancels between frames and tells the sink to clean up', async () => {
    const controller = new AbortController();
    const sink = new MemorySink();
    let events = 0;
    const run = stackFrames(source, sink, await kernels(), {
      mode: 'depthmap',
      cancel: { get cancelled() { return controller.signal.aborted; } },
      onProgress: (e) => {
        events++;
        if (e.stage === 'fusing') controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(sink.aborted).toBe(true);
    expect(sink.result).toBeUndefined();
    expect(events).toBeGreaterThan(0);
  });

  it('flags a stray frame before fusion, and the frames after it still align', async () => {
    const { stack: other } = syntheticSource({ ...scene, seed: 99 });
    const { stack: truth, source: stray } = syntheticSource(scene);
    stray.frames[5] = other.quantizeFrame(5);
    const result = await stackFrames(stray, new MemorySink(), await kernels(), { mode: 'depthmap' });
    expect(result.frames[5]!.warning).toMatch(/matches its neighbour poorly|did not converge/);
    for (const i of [0, 1, 2, 3, 6, 7]) {
      expect(result.frames[i]!.warning).toBeUndefined();
      expect(transformError(result.frames[i]!.transform, truth.transforms[i]!, truth.width, truth.height)).toBeLessThan(0.5);
    }
  });

  it('refuses a single frame', async () => {
    const { source: one } = syntheticSource({ ...scene, frames: 1 });
    await expect(stackFrames(one, new MemorySink(), await kernels())).rejects.toThrow(/at least two frames/);
  });
});
