import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { alignFrames, type AlignmentModel } from './align.js';
import { readAlignedLuminance, readAlignedRegion } from './aligned-frame.js';
import { validCrop } from './crop.js';
import { FocusSelection } from './depthmap.js';
import { gaussianReach } from './filters.js';
import { focusMeasure, focusMeasureReach, luminanceOf, type FocusMeasureOptions } from './focus-measure.js';
import { MaskStack } from './masks.js';
import { dequantizeInto, extractBlock, quantizePlanes } from './pixels.js';
import { Progress, type CancelToken, type ProgressListener } from './progress.js';
import { PyramidFusion, pyramidReach } from './pyramid.js';
import { concurrentSlabs, planSlabs, SlabComposer, type SlabOptions } from './slabs.js';
import { planTiles, type Tile } from './tiles.js';
import type { Affine, FrameReport, FrameSource, FusionMode, OutputPlan, PixelBlock, Rect, ResultSink, SlabRange, StackResult } from './types.js';

export interface StackOptions {
  mode: FusionMode;
  alignment: AlignmentModel;
  /** Longest side of the images alignment works on. */
  analysisSize: number;
  /** Working-memory budget for the fusion tiles, in bytes. */
  memoryBudget: number;
  focus: FocusMeasureOptions;
  /**
   * Sigma (pixels) of the soft blend between neighbouring frames in the depth map; larger = softer
   * transitions but wider halos where a sharp foreground edge's selection spreads over the background
   * (defaults 2 px, focus window 1.5 px: chosen on the synthetic stacks' PSNR and the pcb7 pins' halos).
   */
  smoothing: number;
  /** Detail levels of the pyramid (each halves the resolution); the tile margin doubles with each level. */
  pyramidLevels: number;
  /** Frame everything is aligned to; default the middle one. */
  reference?: number;
  /** Also write sub-stack (slab) composites as layers; off when undefined. */
  slabs?: SlabOptions;
  onProgress?: ProgressListener;
  cancel?: CancelToken;
}

export const DEFAULT_STACK_OPTIONS: StackOptions = {
  mode: 'pyramid',
  alignment: 'similarity',
  analysisSize: 1024,
  memoryBudget: 512 * 1024 * 1024,
  focus: { noiseSigma: 0.8, windowSigma: 1.5 },
  smoothing: 2,
  pyramidLevels: 5,
};

/** Confidence floor added to the focus score (squared Laplacian units); far below any real texture. */
const SCORE_FLOOR = 1e-9;

/**
 * Working bytes per outer-tile pixel, counted from the planes each mode keeps live at its peak (float32):
 * depth map: 3 colour + luminance + focus + 2 scratch + 2 selection + 6 mask stack + 4 for the source
 * footprint and raw copy ≈ 19 planes; pyramid adds the fused pyramids (3 x 4/3), the best scores (4/3) and a
 * frame's pyramids while building (3 x 4/3) ≈ 11 more. The bench checks these against the arena's peak.
 */
const BYTES_PER_PIXEL: Record<FusionMode, number> = { depthmap: 19 * 4, pyramid: 30 * 4 };
/** Per open slab: a pyramid's fused levels and scores ((3 + 1) x 4/3 planes), or a weighted sum (3 + 1 planes). */
const SLAB_BYTES_PER_PIXEL: Record<FusionMode, number> = { depthmap: 4 * 4, pyramid: 6 * 4 };

/**
 * The whole run: align (one downscaled read per frame), plan crop and tiles, then per tile stream every frame
 * twice — pass 1 accumulates the selection (and the pyramid), pass 2 emits aligned pixels and masks — so the
 * working set is a tile's accumulators, never the stack.
 */
export async function stackFrames(source: FrameSource, sink: ResultSink, k: Kernels, partial: Partial<StackOptions> = {}): Promise<StackResult> {
  const options: StackOptions = { ...DEFAULT_STACK_OPTIONS, ...partial, focus: { ...DEFAULT_STACK_OPTIONS.focus, ...partial.focus } };
  const { info } = source;
  const n = info.frames.length;
  if (n < 2) throw new Error(`A focus stack needs at least two frames; got ${n}.`);
  const reference = options.reference ?? Math.floor((n - 1) / 2);
  const progress = new Progress(options.onProgress, options.cancel, n);
  const t0 = Date.now();

  const alignment = await alignFrames(source, k, { model: options.alignment, analysisSize: options.analysisSize, reference }, progress);
  const tAligned = Date.now();
  const crop = validCrop(alignment.transforms, info.width, info.height);

  const levels = Math.max(1, Math.min(options.pyramidLevels, Math.floor(Math.log2(Math.min(crop.width, crop.height) / 4))));
  const depthReach = focusMeasureReach(options.focus) + gaussianReach(options.smoothing) + 2;
  const margin = options.mode === 'pyramid' ? Math.max(depthReach, pyramidReach(levels)) : depthReach;
  const slabs = planSlabs(n, options.slabs);
  const bytesPerPixel = BYTES_PER_PIXEL[options.mode] + concurrentSlabs(slabs) * SLAB_BYTES_PER_PIXEL[options.mode];
  const plan = planTiles(crop, margin, bytesPerPixel, options.memoryBudget);

  const outputPlan: OutputPlan = { crop, channels: info.channels, bitDepth: info.bitDepth, layerOrder: [...Array(n).keys()], slabs, mode: options.mode };
  await sink.begin(outputPlan);
  try {
    const work = plan.tiles.length * n * 2;
    let done = 0;
    const step = async (frame: number, what: string) => {
      done++;
      progress.report('fusing', done, work, frame, `${what} ${info.frames[frame]!.name}`);
      await progress.checkpoint();
    };
    for (const tile of plan.tiles) {
      await fuseTile(source, sink, k, options, { tile, crop, levels, slabs, transforms: alignment.transforms, gains: alignment.gains }, step);
    }
    const tFused = Date.now();
    const frames: FrameReport[] = info.frames.map((f, i) => ({
      name: f.name,
      transform: alignment.transforms[i]!,
      gain: alignment.gains[i]!,
      residual: alignment.residuals[i]!,
      ...(alignment.warnings[i] ? { warning: alignment.warnings[i] } : {}),
    }));
    const result: StackResult = {
      reference,
      crop,
      frames,
      mode: options.mode,
      kernels: k.kind,
      tiles: plan.tiles.length,
      arenaPeakBytes: k.arena.peak,
      seconds: { align: (tAligned - t0) / 1000, fuse: (tFused - tAligned) / 1000, total: 0 },
    };
    progress.report('writing', 0, 1, n - 1, 'Writing results');
    await sink.finish(result);
    result.seconds.total = (Date.now() - t0) / 1000;
    progress.report('writing', 1, 1, n - 1, 'Done');
    return result;
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

interface TileJob {
  tile: Tile;
  crop: Rect;
  levels: number;
  slabs: SlabRange[];
  transforms: Affine[];
  gains: number[][];
}

async function fuseTile(
  source: FrameSource, sink: ResultSink, k: Kernels, options: StackOptions, job: TileJob,
  step: (frame: number, what: string) => Promise<void>,
): Promise<void> {
  const { info } = source;
  const n = info.frames.length;
  const { outer, core } = job.tile;
  const w = outer.width;
  const h = outer.height;
  const region: Rect = { left: job.crop.left + outer.left, top: job.crop.top + outer.top, width: w, height: h };
  const coreX = core.left - outer.left;
  const coreY = core.top - outer.top;
  const arena = k.arena;
  const read = (i: number) => readAlignedRegion(source, k, i, job.transforms[i]!, job.gains[i]!, region);
  /** The tile's core of some planes, quantised, copied out of the arena (synchronously: the arena is a stack). */
  const extract = (planes: Plane[]): PixelBlock => arena.scoped(() => {
    const quantized = quantizePlanes(k, planes, info.bitDepth);
    return extractBlock(k, quantized, w, info.channels, info.bitDepth, coreX, coreY, core.width, core.height);
  });

  await arena.scopedAsync(async () => {
    const selection = new FocusSelection(k, w, h);
    const pyramid = options.mode === 'pyramid' ? new PyramidFusion(k, w, h, info.channels, job.levels) : undefined;
    const slabs = new SlabComposer(k, job.slabs, options.mode, w, h, info.channels, job.levels);
    const finished: Promise<void>[] = [];
    const emitSlab = (slab: number, planes: Plane[]) => {
      finished.push(sink.writeSlabTile(slab, core, extract(planes)));
    };

    // Pass 1: sharpness (and pyramid detail) from every frame.
    for (let i = 0; i < n; i++) {
      await arena.scopedAsync(async () => {
        let lum: Plane;
        if (pyramid) {
          const planes = await read(i);
          pyramid.add(planes);
          slabs.addPyramid(i, planes, emitSlab);
          await Promise.all(finished.splice(0));
          lum = arena.plane(w, h);
          luminanceOf(k, planes, lum);
        } else {
          lum = await readAlignedLuminance(source, k, i, job.transforms[i]!, job.gains[i]!, region);
        }
        const score = arena.plane(w, h);
        const tmp = arena.plane(w, h);
        focusMeasure(k, lum, score, tmp, options.focus);
        selection.update(score, i);
      });
      await step(i, 'Measuring focus in');
    }
    selection.finish(SCORE_FLOOR);
    const fused: Plane[] | undefined = pyramid?.result();

    // Pass 2: each frame's layer pixels and mask, and the depth-map composite they reproduce.
    const masks = new MaskStack(k, w, h, info.channels, info.bitDepth);
    for (let i = 0; i < n; i++) {
      await arena.scopedAsync(async () => {
        const planes = await read(i);
        const pixels = quantizePlanes(k, planes, info.bitDepth);
        dequantizeInto(k, pixels, planes, info.bitDepth);
        const weight = arena.plane(w, h);
        const tmp = arena.plane(w, h);
        selection.weight(i, options.smoothing, weight, tmp);
        slabs.addWeighted(i, planes, weight, emitSlab);
        await Promise.all(finished.splice(0));
        const mask = masks.add(i, planes, weight);
        await sink.writeFrameTile(
          i,
          core,
          extractBlock(k, pixels, w, info.channels, info.bitDepth, coreX, coreY, core.width, core.height),
          extractBlock(k, mask, w, 1, info.bitDepth, coreX, coreY, core.width, core.height),
        );
      });
      await step(i, 'Blending');
    }

    await sink.writeCompositeTile(core, extract(fused ?? masks.composite));
    await arena.scopedAsync(async () => {
      const depth = arena.plane(w, h);
      masks.depth(n, depth);
      const depth8 = quantizePlanes(k, [depth], 8);
      const block = extractBlock(k, depth8, w, 1, 8, coreX, coreY, core.width, core.height);
      await sink.writeDepthTile(core, block.data as Uint8Array);
    });
  });
}
