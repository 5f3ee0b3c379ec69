import { describe, expect, it } from 'vitest';
import { alignFrames, type LinkRunner } from '../src/engine/align.js';
import { registerImages } from '../src/engine/analysis-frame.js';
import { gaussianBlur } from '../src/engine/filters.js';
import { matchFocus } from '../src/engine/focus-match.js';
import { stackFrames } from '../src/engine/pipeline.js';
import { Progress } from '../src/engine/progress.js';
import type { ResultSink, StackInfo } from '../src/engine/types.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { MemoryFrameSource } from './helpers/memory-host.js';
import { createSyntheticStack, mulberry32 } from './synthetic/generator.js';
import { alignmentSummary } from './synthetic/metrics.js';
import { sceneOptions, type SceneName } from './synthetic/scenes.js';

/** A sink for transforms-only runs (nothing is fused, so nothing is written). */
const nothing: ResultSink = {
  begin: async () => {}, writeFrameTile: async () => {}, writeCompositeTile: async () => {}, writeSlabTile: async () => {},
  writeDepthTile: async () => {}, finish: async () => {}, abort: async () => {},
};

async function alignmentError(scene: SceneName, scale: number) {
  const stack = createSyntheticStack(sceneOptions(scene, scale));
  const frames = Array.from({ length: stack.frames }, (_, i) => stack.quantizeFrame(i));
  const info: StackInfo = { width: stack.width, height: stack.height, channels: stack.channels, bitDepth: 8, frames: frames.map((_, i) => ({ name: `frame ${i}` })) };
  const result = await stackFrames(new MemoryFrameSource(info, frames), nothing, await loadNodeKernels(), { fuse: false, layers: 'none', depthMap: false });
  return alignmentSummary(result.frames.map((f) => f.transform), stack.transforms, result.crop);
}

// Long stacks with 10 % breathing, shift, rotation, flicker and layered defocus: every frame is measured against
// the generator's exact transform. Chained neighbour links used to drift with the distance from the reference
// (deep: 0.29 px mean, 1.07 px worst at bench size).
describe('alignment does not drift along long stacks', () => {
  it('60 frames (deep scene, reduced): mean and worst-frame error stay small', async () => {
    const { mean, max } = await alignmentError('deep', 0.5);
    console.log(`deep ×0.5: ${mean.toFixed(3)} / ${max.toFixed(3)} px`);
    // Measured 0.037 / 0.121; 0.057 / 0.233 with Cauchy weights and a 7 px matching window; chained links
    // without blur matching: 0.119 / 0.306.
    expect(mean).toBeLessThan(0.1);
    expect(max).toBeLessThan(0.3);
  });
  it('20 frames with occluding layers and sharp marks (medium scene, reduced): mean and worst-frame error stay small', async () => {
    const { mean, max } = await alignmentError('medium', 0.5);
    console.log(`medium ×0.5: ${mean.toFixed(3)} / ${max.toFixed(3)} px`);
    // Measured 0.060 / 0.162; 0.136 / 0.293 with Cauchy weights and a 7 px matching window (focus-match.ts).
    expect(mean).toBeLessThan(0.1);
    expect(max).toBeLessThan(0.3);
  });
  it('20 frames with 10 % breathing (reduced): mean and worst-frame error stay small', async () => {
    const { mean, max } = await alignmentError('breathing', 0.5);
    console.log(`breathing ×0.5: ${mean.toFixed(3)} / ${max.toFixed(3)} px`);
    // Measured 0.038 / 0.154; 0.080 / 0.307 with Cauchy weights and a 7 px matching window; chained links
    // without blur matching: 0.090 / 0.321.
    expect(mean).toBeLessThan(0.1);
    expect(max).toBeLessThan(0.3);
  });
});

describe('focus matching', () => {
  it('blurs whichever frame is sharper, region by region, until the two agree', async () => {
    const k = await loadNodeKernels();
    const w = 96, h = 64, rand = mulberry32(3);
    const sharp = k.arena.plane(w, h), blurred = k.arena.plane(w, h), tmp = k.arena.plane(w, h);
    k.arena.planeData(sharp).forEach((_, i, a) => (a[i] = rand()));
    gaussianBlur(k, sharp, blurred, tmp, 2);
    // Left half: the template is the sharp one; right half: the image is.
    const T = k.arena.plane(w, h), I = k.arena.plane(w, h);
    const [t, im, s, b] = [T, I, sharp, blurred].map((p) => k.arena.planeData(p));
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = y * w + x;
      t![i] = x < w / 2 ? s![i]! : b![i]!;
      im![i] = x < w / 2 ? b![i]! : s![i]!;
    }
    const meanDifference = (a: Float32Array, c: Float32Array) => {
      let sum = 0, count = 0;
      // Away from the seam and the borders, where the box straddles both cases.
      for (let y = 12; y < h - 12; y++) for (let x = 12; x < w - 12; x++) if (Math.abs(x - w / 2) > 12) { sum += Math.abs(a[y * w + x]! - c[y * w + x]!); count++; }
      return sum / count;
    };
    const before = meanDifference(t!, im!);
    const matched = matchFocus(k, T, I, 1, 0);
    const after = meanDifference(k.arena.planeData(matched.T), k.arena.planeData(matched.I));
    expect(after).toBeLessThan(before / 8);
  });
});

// The CLI registers the chain's links on worker threads (a LinkRunner); here a runner on a second wasm instance
// that finishes links out of order stands in for them.
describe('links registered in parallel', () => {
  const stack = createSyntheticStack({ width: 320, height: 240, frames: 6, seed: 31 });
  const frames = Array.from({ length: stack.frames }, (_, i) => stack.quantizeFrame(i));
  const info: StackInfo = { width: stack.width, height: stack.height, channels: stack.channels, bitDepth: 8, frames: frames.map((_, i) => ({ name: `frame ${i}` })) };
  const options = { model: 'similarity' as const, analysisSize: 1024, reference: 2 };
  const align = async (links?: LinkRunner) => alignFrames(new MemoryFrameSource(info, frames), await loadNodeKernels(), options, new Progress(undefined, undefined, stack.frames), links);

  async function runner(fail: number | undefined) {
    const k = await loadNodeKernels();
    const requests: [number, number][] = [];
    const links: LinkRunner = {
      parallelism: 3,
      async register(template, image, model) {
        requests.push([template.frame, image.frame]);
        // Later links finish first.
        await new Promise((resolve) => setTimeout(resolve, 5 * (stack.frames - image.frame)));
        const fit = registerImages(k, template, image, model);
        return image.frame === fail && template.frame === fail - 1 ? { ...fit, converged: false } : fit;
      },
    };
    return { links, requests };
  }

  it('give exactly the transforms and gains of links registered in turn', async () => {
    const inTurn = await align();
    const { links, requests } = await runner(undefined);
    const parallel = await align(links);
    expect(parallel.transforms).toEqual(inTurn.transforms);
    expect(parallel.gains).toEqual(inTurn.gains);
    expect(requests.map(([t, i]) => i - t)).toEqual([1, 1, 1, 1, 1]);
  });

  it('skip a frame that does not register: the next frame is registered again, against the frame before it', async () => {
    const inTurn = await align();
    const { links, requests } = await runner(3);
    const parallel = await align(links);
    expect(requests).toContainEqual([2, 4]);
    expect(parallel.warnings[3]).toMatch(/did not converge/);
    // Frame 4 now hangs on frame 2 directly: a different link, as accurate.
    for (const f of [4, 5]) {
      const a = parallel.transforms[f]!, b = inTurn.transforms[f]!;
      const corner = (m: readonly number[]) => [m[0]! * 319 + m[1]! * 239 + m[2]!, m[3]! * 319 + m[4]! * 239 + m[5]!];
      const [ax, ay] = corner(a), [bx, by] = corner(b);
      expect(Math.hypot(ax - bx, ay - by)).toBeLessThan(0.1);
    }
  });
});
