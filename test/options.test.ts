import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, OptionError, resolveSettings, STACK_OPTIONS } from '../src/engine/options.js';
import { stackFrames } from '../src/engine/pipeline.js';
import { planTiles } from '../src/engine/tiles.js';
import { loadNodeKernels } from '../src/host-bridge/files/node-kernels.js';
import { MemoryFrameSource, MemorySink } from './helpers/memory-host.js';

describe('the option table', () => {
  it('gives every option a default inside its own range or choices', () => {
    for (const [name, spec] of Object.entries(STACK_OPTIONS)) {
      const value = DEFAULT_SETTINGS[name as keyof typeof DEFAULT_SETTINGS];
      if (spec.type === 'number') expect(typeof value === 'number' && value >= spec.min && value <= spec.max, name).toBe(true);
      else expect(spec.choices.map((c) => c.value), name).toContain(value);
    }
  });

  it('fills undefined values with defaults and refuses anything out of range, naming the flag', () => {
    expect(resolveSettings({ mode: undefined, smoothing: 3 })).toEqual({ ...DEFAULT_SETTINGS, smoothing: 3 });
    expect(() => resolveSettings({ mode: 'median' })).toThrow(/--mode\) must be pyramid, depthmap or hybrid; got "median"/);
    expect(() => resolveSettings({ smoothing: Number.NaN })).toThrow(/--smoothing\) must be a number from 0 to 20 px; got NaN/);
    expect(() => resolveSettings({ slabSize: 2.5 })).toThrow(/--slab-size\) must be a whole number/);
    expect(() => resolveSettings({ slabSize: 4, slabOverlap: 4 })).toThrow(/--slab-overlap\) must be smaller than the slab size \(4\)/);
    expect(() => resolveSettings({ memory: -1 })).toThrow(OptionError);
  });

  it('is checked at the engine entry: an unknown mode never reaches the tile planner', async () => {
    const info = { width: 8, height: 8, channels: 1 as const, bitDepth: 8 as const, frames: [{ name: 'a' }, { name: 'b' }] };
    const source = new MemoryFrameSource(info, [new Uint8Array(64), new Uint8Array(64)]);
    const sink = new MemorySink();
    await expect(stackFrames(source, sink, await loadNodeKernels(), { mode: 'nonsense' as never })).rejects.toThrow(OptionError);
    expect(sink.plan).toBeUndefined();
    expect(source.reads).toHaveLength(0);
  });
});

describe('tile planning', () => {
  const processed = (plan: ReturnType<typeof planTiles>) => plan.tiles.reduce((s, t) => s + t.outer.width * t.outer.height, 0);

  it('covers the crop exactly once with cores inside their outer rectangles, within the budget', () => {
    const crop = { width: 1000, height: 700 };
    const plan = planTiles(crop, 40, 100, 100 * 160_000);
    const hits = new Uint8Array(crop.width * crop.height);
    for (const { core, outer } of plan.tiles) {
      expect(outer.width * outer.height).toBeLessThanOrEqual(160_000);
      expect(core.left >= outer.left && core.top >= outer.top).toBe(true);
      expect(core.left + core.width <= outer.left + outer.width && core.top + core.height <= outer.top + outer.height).toBe(true);
      for (let y = core.top; y < core.top + core.height; y++) for (let x = core.left; x < core.left + core.width; x++) hits[y * crop.width + x]!++;
    }
    expect(hits.every((h) => h === 1)).toBe(true);
  });

  it('prefers square-ish tiles to thin bands when margins are wide', () => {
    const crop = { width: 5600, height: 4200 };
    const plan = planTiles(crop, 256, 117, 512 * 1024 * 1024);
    const bandRows = Math.floor((512 * 1024 * 1024) / 117 / crop.width) - 2 * 256;
    const bands = Math.ceil(crop.height / bandRows);
    const bandPixels = crop.width * (crop.height + 2 * 256 * (bands - 1));
    expect(processed(plan)).toBeLessThan(0.6 * bandPixels);
  });
});
