import { describe, expect, it } from 'vitest';
import { stackFrames } from '../src/engine/pipeline.js';
import { concurrentSlabs, planSlabs } from '../src/engine/slabs.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { MemorySink } from './helpers/memory-host.js';
import { syntheticSource } from './helpers/stack-fixtures.js';
import { cropChunky } from './synthetic/metrics.js';

const kernels = () => loadNodeKernels();

describe('sub-stacks (slabs)', () => {
  it('cover the stack with the requested size and overlap', () => {
    expect(planSlabs(10, { size: 4, overlap: 1 })).toEqual([{ first: 0, last: 3 }, { first: 3, last: 6 }, { first: 6, last: 9 }]);
    expect(planSlabs(9, { size: 5, overlap: 2 })).toEqual([{ first: 0, last: 4 }, { first: 3, last: 7 }, { first: 6, last: 8 }]);
    expect(planSlabs(6, { size: 6, overlap: 2 })).toEqual([]);
    expect(planSlabs(6, undefined)).toEqual([]);
    expect(concurrentSlabs(planSlabs(9, { size: 5, overlap: 2 }))).toBe(2);
    expect(concurrentSlabs(planSlabs(12, { size: 3, overlap: 0 }))).toBe(1);
  });

  for (const mode of ['pyramid', 'depthmap'] as const) {
    it(`${mode}: each slab is sharp over its own depth range and the final composite does not change`, async () => {
      const { stack, source } = syntheticSource({ width: 240, height: 180, frames: 8, seed: 13, maxBlur: 2.5 });
      const plain = new MemorySink();
      await stackFrames(source, plain, await kernels(), { mode });
      const sink = new MemorySink();
      const result = await stackFrames(source, sink, await kernels(), { mode, slabSize: 5, slabOverlap: 2, memory: 3 });
      expect(result.tiles).toBeGreaterThan(1);
      expect(sink.plan!.slabs).toEqual([{ first: 0, last: 4 }, { first: 3, last: 7 }]);
      expect(Array.from(sink.composite!)).toEqual(Array.from(plain.composite!));
      for (const slab of sink.slabs) expect(slab.some(Number.isNaN)).toBe(false);

      // Where the scene is near (depth < 3), the near slab is closer to the truth than the far slab, and vice versa.
      const truth = cropChunky(stack.allInFocus, stack.width, 3, result.crop);
      const depth = cropChunky(stack.depth, stack.width, 1, result.crop);
      const error = (img: Float32Array, near: boolean) => {
        let sum = 0, n = 0;
        depth.forEach((d, p) => {
          if (near ? d < 3 : d > 4.5) {
            for (let c = 0; c < 3; c++) sum += (img[p * 3 + c]! - truth[p * 3 + c]!) ** 2;
            n++;
          }
        });
        return sum / n;
      };
      expect(error(sink.slabs[0]!, true)).toBeLessThan(error(sink.slabs[1]!, true));
      expect(error(sink.slabs[1]!, false)).toBeLessThan(error(sink.slabs[0]!, false));
    });
  }

  it('layers "slabs": a 60-frame stack becomes about ten masked slab layers that reproduce the depth-map composite', async () => {
    const { source } = syntheticSource({ width: 256, height: 192, frames: 60, seed: 17, maxBlur: 0.6, breathing: 0.01 });
    const sink = new MemorySink();
    const result = await stackFrames(source, sink, await kernels(), { mode: 'depthmap', layers: 'slabs', memory: 1 });
    expect(result.tiles).toBeGreaterThan(1);
    expect(sink.plan!.layerOrder).toEqual([]);
    expect(sink.plan!.slabMasks).toBe(true);
    const slabs = sink.plan!.slabs;
    expect(slabs.length).toBeGreaterThanOrEqual(4);
    expect(slabs.length).toBeLessThanOrEqual(20);
    // A partition: every frame in exactly one slab.
    expect(slabs.flatMap((s) => Array.from({ length: s.last - s.first + 1 }, (_, i) => s.first + i))).toEqual([...Array(60).keys()]);
    const blended = sink.blendLayers('slabs');
    let worst = 0;
    blended.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - sink.composite![i]!))));
    expect(worst).toBeLessThanOrEqual(1.5 / 255);
    expect(sink.slabMasks[0]!.every((m) => m === 1)).toBe(true);
  });
});
