import type { Kernels } from '../wasm/kernels.js';
import { alignFrames, type LinkRunner } from './align.js';
import { ReadBuffers } from './aligned-frame.js';
import { validCrop } from './crop.js';
import { gaussianReach } from './filters.js';
import { focusMeasureReach } from './focus-measure.js';
import { FUSION_METHODS } from './fusion/index.js';
import { resolveSettings, type StackSettings } from './options.js';
import { StageClock } from './profile.js';
import { Progress, type CancelToken, type ProgressListener } from './progress.js';
import { concurrentSlabs, slabsForSettings } from './slabs.js';
import { fuseTile, workingBytesPerPixel, type FrameStep, type TileJob, type TileOutput, type TileReport } from './tile-fusion.js';
import { planTiles } from './tiles.js';
import type { FrameReport, FrameSource, OutputPlan, ResultSink, StackResult } from './types.js';

export interface StackOptions extends Partial<StackSettings> {
  /** Frame everything is aligned to; default the middle one. */
  reference?: number;
  /** Emit the depth map (default true). */
  depthMap?: boolean;
  /** Fuse at all (default true); without it the run aligns, plans the crop and reports (transforms only). */
  fuse?: boolean;
  onProgress?: ProgressListener;
  cancel?: CancelToken;
  /** Runs the tiles; default one after another on this thread. The CLI passes a worker pool. */
  tileRunner?: TileRunner;
  /** Registers alignment's links; default one after another on this thread. The CLI passes a worker pool. */
  linkRunner?: LinkRunner;
}

/**
 * Fuses every job's tile and writes it through `output`; tiles may finish in any order, and `step` is called
 * after each frame of each pass. Each of the `parallelism` tiles in flight gets that share of the memory budget.
 * Tiles are exact (bit-identical to an untiled run), so how many run at once never changes the result.
 */
export interface TileRunner {
  parallelism: number;
  /** Resolves to the tiles' reports, summed. */
  run(jobs: TileJob[], output: TileOutput, step: FrameStep, clock: StageClock): Promise<TileReport>;
}

/**
 * The whole run: align (one downscaled read per frame), plan crop and tiles, then fuse tile by tile, each
 * streaming every frame once or twice (tile-fusion.ts), so the working set is a tile's accumulators,
 * never the stack.
 */
export async function stackFrames(source: FrameSource, sink: ResultSink, k: Kernels, options: StackOptions = {}): Promise<StackResult> {
  const settings = resolveSettings(options);
  const { info } = source;
  const n = info.frames.length;
  if (n < 2) throw new Error(`A focus stack needs at least two frames; got ${n}.`);
  const reference = options.reference ?? Math.floor((n - 1) / 2);
  const progress = new Progress(options.onProgress, options.cancel, n);
  const clock = new StageClock();
  const t0 = Date.now();

  const alignment = await clock.measureAsync('align', () =>
    alignFrames(source, k, { model: settings.alignment, analysisSize: settings.analysisSize, reference }, progress, options.linkRunner));
  const tAligned = Date.now();
  const crop = validCrop(alignment.transforms, info.width, info.height, info.frames.map((f) => f.valid));

  const method = FUSION_METHODS[settings.mode];
  const levels = Math.max(1, Math.min(settings.pyramidLevels, Math.floor(Math.log2(Math.min(crop.width, crop.height) / 4))));
  const focusReach = focusMeasureReach({ noiseSigma: settings.noise, windowSigma: settings.focusWindow }) + gaussianReach(settings.smoothing) + 2;
  const margin = Math.max(focusReach, method.reach(levels, focusReach));
  const slabMasks = settings.layers === 'slabs';
  const slabs = slabsForSettings(n, settings);
  const frameLayers = settings.layers === 'frames';
  const fuse = options.fuse ?? true;
  const bytesPerPixel = workingBytesPerPixel({ frameLayers, slabs, slabMasks, settings }, info.channels, concurrentSlabs(slabs));
  const runner: TileRunner = options.tileRunner ?? {
    parallelism: 1,
    run: async (all, output, onStep, tileClock) => {
      const buffers = new ReadBuffers();
      const total: TileReport = { pyramidPixels: 0 };
      for (const job of all) total.pyramidPixels += (await fuseTile(source, output, k, job, onStep, tileClock, buffers)).pyramidPixels;
      return total;
    },
  };
  const plan = planTiles(crop, margin, bytesPerPixel, (settings.memory * 1024 * 1024) / runner.parallelism, method.tileGrid(levels));

  const outputPlan: OutputPlan = {
    crop, channels: info.channels, bitDepth: info.bitDepth, layerOrder: frameLayers ? [...Array(n).keys()] : [], slabs, slabMasks, mode: settings.mode,
  };
  await sink.begin(outputPlan);
  try {
    const jobs: TileJob[] = plan.tiles.map((tile) => ({
      tile, crop, levels, slabs, slabMasks, transforms: alignment.transforms, gains: alignment.gains, settings, frameLayers, depth: options.depthMap ?? true,
    }));
    const work = jobs.length * n * 2; // two passes over the frames per tile
    let done = 0;
    const step: FrameStep = async (frame, what) => {
      done++;
      progress.report('fusing', done, work, frame, `${what} ${info.frames[frame]!.name}`);
      await progress.checkpoint();
    };
    const fused = fuse ? await runner.run(jobs, sink, step, clock) : { pyramidPixels: 0 };
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
      mode: settings.mode,
      pyramidShare: fused.pyramidPixels / Math.max(1, crop.width * crop.height),
      settings,
      kernels: k.kind,
      tiles: fuse ? plan.tiles.length : 0,
      arenaPeakBytes: k.arena.peak,
      seconds: { align: (tAligned - t0) / 1000, fuse: (tFused - tAligned) / 1000, total: 0 },
      profile: clock.seconds,
    };
    progress.report('writing', 0, 1, n - 1, 'Writing results');
    await clock.measureAsync('finish', () => sink.finish(result));
    result.seconds.total = (Date.now() - t0) / 1000;
    progress.report('writing', 1, 1, n - 1, 'Done');
    return result;
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
