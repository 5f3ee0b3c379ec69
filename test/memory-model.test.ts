import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../src/engine/options.js';
import { stackFrames } from '../src/engine/pipeline.js';
import { automaticSlabSize, concurrentSlabs, planSlabs } from '../src/engine/slabs.js';
import { workingBytesPerPixel } from '../src/engine/tile-fusion.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { MemorySink } from './helpers/memory-host.js';
import { syntheticSource } from './helpers/stack-fixtures.js';

/**
 * The tile planner trusts workingBytesPerPixel: too low and the budget is exceeded, too high and tiles shrink
 * and margins eat the time. One tile over a frame larger than the alignment images, so the arena's peak is
 * the fusion's, held against the estimate.
 */
describe('the working-memory model', () => {
  const { source } = syntheticSource({ width: 1100, height: 800, frames: 3, seed: 3 });
  const cases = [
    { mode: 'pyramid', layers: 'none', slabSize: 0 },
    { mode: 'pyramid', layers: 'frames', slabSize: 0 },
    { mode: 'depthmap', layers: 'none', slabSize: 0 },
    { mode: 'depthmap', layers: 'frames', slabSize: 2 },
    { mode: 'depthmap', layers: 'slabs', slabSize: 0 },
    { mode: 'hybrid', layers: 'none', slabSize: 0 },
    { mode: 'hybrid', layers: 'slabs', slabSize: 0 },
  ] as const;
  for (const options of cases) {
    it(`${options.mode}, layers ${options.layers}, slab size ${options.slabSize}: the estimate bounds the peak, with little to spare`, async () => {
      const k = await loadNodeKernels();
      const result = await stackFrames(source, new MemorySink(), k, { ...options, memory: 4096 });
      expect(result.tiles).toBe(1);
      const settings = resolveSettings(options);
      const slabs = options.layers === 'slabs' ? planSlabs(3, { size: automaticSlabSize(3), overlap: 0 }) : planSlabs(3, options.slabSize ? { size: options.slabSize, overlap: 1 } : undefined);
      const estimate = workingBytesPerPixel({ frameLayers: options.layers === 'frames', slabs, slabMasks: options.layers === 'slabs', settings }, 3, concurrentSlabs(slabs));
      const measured = k.arena.peak / (result.crop.width * result.crop.height);
      expect(measured).toBeLessThanOrEqual(estimate);
      expect(measured).toBeGreaterThan(estimate / 1.3);
    });
  }
});
