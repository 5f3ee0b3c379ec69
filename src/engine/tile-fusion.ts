import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { AlignedReader, ReadBuffers } from './aligned-frame.js';
import { focusMeasure, luminanceOf } from './focus-measure.js';
import { FocusSelection } from './focus-selection.js';
import { FUSION_METHODS } from './fusion/index.js';
import { MaskStack } from './masks.js';
import type { StackSettings } from './options.js';
import { dequantizeInto, extractBlock, quantizePlanes, roundToDepth } from './pixels.js';
import type { StageClock } from './profile.js';
import { SlabComposer } from './slabs.js';
import type { Tile } from './tiles.js';
import type { Affine, FrameSource, PixelBlock, Rect, ResultSink, SlabRange } from './types.js';

/** Confidence floor added to the focus score (squared Laplacian units); far below any real texture. */
const SCORE_FLOOR = 1e-9;

/** Everything one tile's fusion needs besides the frames: plain data, so a worker thread can receive it. */
export interface TileJob {
  tile: Tile;
  crop: Rect;
  levels: number;
  slabs: SlabRange[];
  /** Slab layers get masks reproducing the depth-map blend (OutputPlan.slabMasks). */
  slabMasks: boolean;
  transforms: Affine[];
  gains: number[][];
  settings: StackSettings;
  /** Emit each frame's aligned pixels and mask (layered output); pass 2 runs for them. */
  frameLayers: boolean;
  /** Emit the depth map. */
  depth: boolean;
}

/** The part of a sink a tile writes to. */
export type TileOutput = Pick<ResultSink, 'writeFrameTile' | 'writeCompositeTile' | 'writeSlabTile' | 'writeDepthTile'>;

/** Called after each frame of each pass: progress and cancel (may throw CancelledError). */
export type FrameStep = (frame: number, what: string) => Promise<void>;

/** What a tile reports besides its pixels: summed over tiles into the run's result. */
export interface TileReport {
  /** Pixels of the tile's core where the composite took pyramid detail (differs from the depth-map blend). */
  pyramidPixels: number;
}

/** Planned memory exceeds the planes counted below by this much: footprints wider than their region, level rounding. */
const PLANE_SLACK = 1.1;

/**
 * Working bytes per outer-tile pixel at a tile's peak, counted from the float planes each pass keeps live (the
 * memory test holds these against the arena's measured peak). Both passes keep the focus selection (2, or 5 with balanced
 * weights) and the method's accumulators. Pass 1 adds one frame: its colour planes and, while it is warped, the source footprint's
 * (about as large), or the method's planes for taking it in, or the focus measure's four (luminance, score, two
 * scratch). Pass 2 adds the mask stack (channels + 2) and one frame as pass 1 reads it; balanced weights and
 * slabs the frame's focus measure again (4); slabs each open slab's sums (2 x (channels + 1)) and their scratch
 * (3), and masked slabs a second mask stack.
 */
export function workingBytesPerPixel(
  job: Pick<TileJob, 'frameLayers' | 'slabs' | 'slabMasks' | 'settings'>, channels: number, openSlabs: number,
): number {
  const method = FUSION_METHODS[job.settings.mode];
  const common = FocusSelection.planes(method.weighting) + method.accumulatorPlanes(channels);
  const frame = Math.max(2 * channels, channels + method.framePlanes(channels), channels + 4);
  const pass1 = common + frame;
  const frameFocus = openSlabs > 0 || method.weighting === 'balanced' ? 4 : 0;
  const slabPlanes = openSlabs > 0 ? openSlabs * 2 * (channels + 1) + 3 + (job.slabMasks ? channels + 2 : 0) : 0;
  const pass2 = common + channels + 2 + 2 * channels + 1 + frameFocus + slabPlanes;
  return 4 * PLANE_SLACK * Math.max(pass1, pass2);
}

/**
 * One tile, start to finish. Pass 1 streams every frame through the focus selection (and the fusion method's
 * accumulators); pass 2 streams every frame again to apply the depth-map weights: layer pixels and masks,
 * slab composites, and the blend every mode's composite starts from. Working memory is the tile's
 * accumulators, never the stack. `buffers` may be shared by the tiles one thread fuses one after another.
 */
export async function fuseTile(
  source: FrameSource, output: TileOutput, k: Kernels, job: TileJob, step: FrameStep, clock: StageClock, buffers = new ReadBuffers(),
): Promise<TileReport> {
  const { info } = source;
  const n = info.frames.length;
  const { settings } = job;
  const method = FUSION_METHODS[settings.mode];
  const { outer, core } = job.tile;
  const w = outer.width;
  const h = outer.height;
  const region: Rect = { left: job.crop.left + outer.left, top: job.crop.top + outer.top, width: w, height: h };
  const coreX = core.left - outer.left;
  const coreY = core.top - outer.top;
  const arena = k.arena;
  const focus = { noiseSigma: settings.noise, windowSigma: settings.focusWindow };
  const crop = (buffer: number, channels: 1 | 3, bitDepth: 8 | 16) => extractBlock(k, buffer, w, channels, bitDepth, coreX, coreY, core.width, core.height);
  /** The tile's core of some planes, quantised, copied out of the arena (synchronously: the arena is a stack). */
  const extract = (planes: Plane[]): PixelBlock => clock.measure('extract', () => arena.scoped(() => crop(quantizePlanes(k, planes, info.bitDepth), info.channels, info.bitDepth)));
  const measureFocus = (lum: Plane, score: Plane) => clock.measure('focus', () => arena.scoped(() => {
    focusMeasure(k, lum, score, arena.plane(w, h), focus);
  }));

  const report: TileReport = { pyramidPixels: 0 };
  await arena.scopedAsync(async () => {
    const selection = new FocusSelection(k, w, h, method.weighting, n);
    const tileCore: Rect = { left: coreX, top: coreY, width: core.width, height: core.height };
    const fusion = method.createTile({ k, width: w, height: h, channels: info.channels, bitDepth: info.bitDepth, settings, levels: job.levels, selection, core: tileCore });

    // Pass 1: sharpness (and the method's own accumulators) from every frame.
    const pass1 = new AlignedReader(source, k, job.transforms, job.gains, region, buffers, clock);
    for (let i = 0; i < n; i++) {
      await arena.scopedAsync(async () => {
        const score = arena.plane(w, h);
        if (method.readsColour) {
          const planes = await pass1.colour(i);
          clock.measure('fuse', () => fusion.addFrame(i, planes));
          const lum = arena.plane(w, h);
          luminanceOf(k, planes, lum);
          measureFocus(lum, score);
        } else {
          measureFocus(await pass1.luminance(i), score);
        }
        selection.update(score, i, SCORE_FLOOR);
      });
      await step(i, 'Measuring focus in');
    }
    selection.finish(SCORE_FLOOR);

    // Pass 2: each frame with its depth-map weight: layer pixels and masks, slabs, and the blend they reproduce.
    const masks = new MaskStack(k, w, h, info.channels, info.bitDepth);
    const slabs = new SlabComposer(k, job.slabs, w, h, info.channels);
    const slabMasks = job.slabMasks ? new MaskStack(k, w, h, info.channels, info.bitDepth) : undefined;
    const written: Promise<void>[] = [];
    /** A completed slab: its pixels as written, and its mask when slab layers carry masks. */
    const emitSlab = (slab: number, composite: Plane[], weight: Plane) => {
      if (!slabMasks) {
        written.push(output.writeSlabTile(slab, core, extract(composite)));
        return;
      }
      arena.scoped(() => {
        const pixels = quantizePlanes(k, composite, info.bitDepth);
        dequantizeInto(k, pixels, composite, info.bitDepth);
        const mask = slabMasks.add(composite, weight);
        written.push(output.writeSlabTile(slab, core, crop(pixels, info.channels, info.bitDepth), crop(mask, 1, info.bitDepth)));
      });
    };
    const total = slabs.active ? arena.plane(w, h) : undefined;
    if (total) clock.measure('blend', () => arena.scoped(() => selection.totalWeight(settings.smoothing, total, arena.plane(w, h))));
    const pass2 = new AlignedReader(source, k, job.transforms, job.gains, region, buffers, clock);
    for (let i = 0; i < n; i++) {
      await arena.scopedAsync(async () => {
        const planes = await pass2.colour(i);
        // The blend and the masks see exactly the pixels a frame layer holds, whether or not one is written.
        const pixels = job.frameLayers ? clock.measure('extract', () => quantizePlanes(k, planes, info.bitDepth)) : undefined;
        if (pixels !== undefined) dequantizeInto(k, pixels, planes, info.bitDepth);
        else clock.measure('extract', () => roundToDepth(k, planes, info.bitDepth));
        const mask = clock.measure('blend', () => {
          let score: Plane | undefined;
          if (total || selection.needsFrameScore) {
            score = arena.plane(w, h);
            const lum = arena.plane(w, h);
            luminanceOf(k, planes, lum);
            measureFocus(lum, score);
          }
          const weight = arena.plane(w, h);
          selection.weight(i, settings.smoothing, weight, arena.plane(w, h), score);
          if (total) slabs.add(i, planes, weight, score!, total, emitSlab);
          return masks.add(planes, weight);
        });
        if (job.frameLayers) {
          const blocks = clock.measure('extract', () => [crop(pixels!, info.channels, info.bitDepth), crop(mask, 1, info.bitDepth)] as const);
          written.push(output.writeFrameTile(i, core, blocks[0], blocks[1]));
        }
        await clock.measureAsync('write', () => Promise.all(written.splice(0)));
      });
      await step(i, 'Blending');
    }

    const composite = clock.measure('fuse', () => fusion.composite(masks.composite));
    report.pyramidPixels = fusion.pyramidPixels();
    await clock.measureAsync('write', () => output.writeCompositeTile(core, extract(composite)));
    if (job.depth) {
      const depth = arena.scoped(() => {
        const plane = arena.plane(w, h);
        selection.depth(n, settings.smoothing, plane);
        return crop(quantizePlanes(k, [plane], 8), 1, 8);
      });
      await clock.measureAsync('write', () => output.writeDepthTile(core, depth.data as Uint8Array));
    }
  });
  return report;
}
