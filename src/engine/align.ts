import type { Kernels } from '../wasm/kernels.js';
import type { PairFit, PairModel } from './align-pair.js';
import {
  buildAnalysisFrame, completeLink, estimateLink, identityLink, relocate, toAnalysisImage, type AnalysisFrame, type AnalysisImage, type LinkFit, type PyramidImage,
} from './analysis-frame.js';
import { compose, IDENTITY, invert, resampleMap } from './geometry.js';
import { blockToPlanes } from './pixels.js';
import type { Progress } from './progress.js';
import type { Affine, FrameSource } from './types.js';

export type AlignmentModel = 'similarity' | 'translation' | 'none';

export interface AlignOptions {
  model: AlignmentModel;
  /** Longest side of the analysis images, in pixels. */
  analysisSize: number;
  /** Index of the frame everything is aligned to. */
  reference: number;
}

export interface Alignment {
  /** Reference-frame full-resolution coordinates -> frame coordinates, per frame. */
  transforms: Affine[];
  /** Per-frame, per-channel multipliers that bring a frame to the reference's brightness and white balance. */
  gains: number[][];
  /** RMS residual of each frame against its neighbour toward the reference (0 for the reference). */
  residuals: number[];
  warnings: (string | undefined)[];
}

/** A link of the chain: frame `to` registered to frame `from` (its template). */
interface PairEstimate extends LinkFit {
  from: number;
  to: number;
}

/**
 * Registers frames to their templates elsewhere, several at once: the CLI's worker threads. Registration is
 * deterministic, so where it runs never changes the result.
 */
export interface LinkRunner {
  parallelism: number;
  register(template: PyramidImage, image: PyramidImage, model: PairModel): Promise<PairFit>;
}

/**
 * Alignment pass. Every frame is read once, downscaled, and aligned to its neighbour (neighbours differ least
 * in focus, so they register most reliably); the chain of neighbour warps is then composed toward the
 * reference frame. A frame that does not register keeps the previous frame as the template for the next
 * one, so one stray frame cannot break the chain for the frames after it. In turn (the default), only two
 * frames' analysis images are held at a time; with a LinkRunner, a few more, while it registers links in
 * parallel.
 */
export async function alignFrames(
  source: FrameSource, k: Kernels, options: AlignOptions, progress: Progress, links?: LinkRunner,
): Promise<Alignment> {
  const { width, height, frames } = source.info;
  const n = frames.length;
  const scale = Math.min(1, options.analysisSize / Math.max(width, height));
  const targetWidth = Math.max(8, Math.round(width * scale));
  let fullToAnalysis: Affine = IDENTITY;
  let size: [number, number] | undefined;
  /** Frame i's analysis frame, allocated in the caller's arena scope. */
  const read = async (i: number): Promise<AnalysisFrame> => {
    await progress.checkpoint();
    const block = await source.read(i, { targetWidth });
    if (!size) {
      size = [block.width, block.height];
      fullToAnalysis = resampleMap(block.width / width, block.height / height);
    } else if (block.width !== size[0] || block.height !== size[1]) {
      throw new Error(`${frames[i]!.name}: analysis image size differs from the previous frame`);
    }
    return buildAnalysisFrame(k, blockToPlanes(k, block));
  };
  const linked = (i: number) => progress.report('aligning', i, n, i, `Aligning ${frames[i]!.name}`);
  const pairs = links && options.model !== 'none'
    ? await registerInParallel(k, n, read, links, options.model, linked)
    : await registerInTurn(k, n, read, options.model, linked);
  return chain(pairs, options.reference, n, fullToAnalysis, source.info.channels);
}

/** The chain's links registered one after another on this thread, holding two analysis frames at a time. */
async function registerInTurn(k: Kernels, n: number, read: (i: number) => Promise<AnalysisFrame>, model: AlignmentModel, linked: (i: number) => void): Promise<PairEstimate[]> {
  const arena = k.arena;
  const pairs: PairEstimate[] = [];
  await arena.scopedAsync(async () => {
    // Arena layout: [template frame][current frame][scratch]; a registered current frame moves down.
    const base = arena.mark();
    let previous: AnalysisFrame | undefined;
    let template = -1;
    let afterTemplate = base;
    for (let i = 0; i < n; i++) {
      linked(i);
      const current = await read(i);
      if (previous) {
        const pair = model === 'none' ? identityLink(current) : estimateLink(k, previous, current, model);
        pairs.push({ ...pair, from: template, to: i });
        if (!pair.converged) {
          arena.release(afterTemplate);
          continue;
        }
      }
      previous = relocate(k, current, base);
      template = i;
      afterTemplate = arena.mark();
    }
  });
  return pairs;
}

/** Only the pyramid crosses to the runner; the brightness ratio is measured here, where the colour planes are. */
const pyramidOf = ({ frame, pyramid }: AnalysisImage): PyramidImage => ({ frame, pyramid });

/**
 * The same chain with the links registered by `runner`: each frame is sent to be registered to the one before
 * it as soon as it is read, up to `runner.parallelism` links ahead of the one awaited; a frame whose
 * predecessor did not register (so the chain skips that one) is registered again against the last frame that did.
 */
async function registerInParallel(k: Kernels, n: number, read: (i: number) => Promise<AnalysisFrame>, runner: LinkRunner, model: PairModel, linked: (i: number) => void): Promise<PairEstimate[]> {
  const images = new Map<number, AnalysisImage>();
  const ahead = new Map<number, Promise<PairFit>>();
  let loaded = 0;
  const load = async () => {
    const i = loaded++;
    const image = await k.arena.scopedAsync(async () => toAnalysisImage(k, await read(i), i));
    images.set(i, image);
    if (i > 0) {
      const fit = runner.register(pyramidOf(images.get(i - 1)!), pyramidOf(image), model);
      fit.catch(() => undefined); // awaited below, perhaps after it settles
      ahead.set(i, fit);
    }
  };
  const pairs: PairEstimate[] = [];
  let template = 0;
  await load();
  for (let i = 1; i < n; i++) {
    while (loaded < n && loaded <= i + runner.parallelism) await load();
    // The link sent ahead is of no use when the frame before this one was skipped.
    const fit = template === i - 1 ? await ahead.get(i)! : await runner.register(pyramidOf(images.get(template)!), pyramidOf(images.get(i)!), model);
    ahead.delete(i);
    pairs.push({ ...completeLink(k, images.get(template)!, images.get(i)!, fit), from: template, to: i });
    if (fit.converged) template = i;
    for (const f of [...images.keys()]) if (f <= i && f !== template) images.delete(f);
    linked(i);
  }
  return pairs;
}

/**
 * Composes the pair warps outward from the reference (the pairs form a tree rooted at frame 0, each frame
 * registered against one earlier template) and converts them to full-resolution coordinates. Each frame's
 * residual and warning come from the pair that links it toward the reference.
 */
function chain(pairs: PairEstimate[], reference: number, n: number, fullToAnalysis: Affine, channels: number): Alignment {
  const analysisT: (Affine | undefined)[] = new Array(n).fill(undefined);
  const gains: number[][] = new Array(n);
  const residuals = new Array<number>(n).fill(0);
  const warnings: (string | undefined)[] = new Array(n).fill(undefined);
  analysisT[reference] = IDENTITY;
  gains[reference] = new Array<number>(channels).fill(1);
  const queue = [reference];
  const reach = (frame: number, transform: Affine, gain: number[], p: PairEstimate, other: string) => {
    analysisT[frame] = transform;
    gains[frame] = gain;
    residuals[frame] = p.residual;
    if (!p.converged) warnings[frame] = `alignment did not converge against ${other}`;
    queue.push(frame);
  };
  while (queue.length) {
    const k = queue.shift()!;
    for (const p of pairs) {
      if (p.from === k && !analysisT[p.to]) {
        reach(p.to, compose(p.warp, analysisT[k]!), gains[k]!.map((g, c) => g / p.ratio[c]!), p, 'the frame before it');
      } else if (p.to === k && !analysisT[p.from]) {
        reach(p.from, compose(invert(p.warp), analysisT[k]!), gains[k]!.map((g, c) => g * p.ratio[c]!), p, 'the frame after it');
      }
    }
  }
  const toFull = invert(fullToAnalysis);
  const transforms = analysisT.map((t) => compose(toFull, compose(t!, fullToAnalysis)));
  flagOutliers(residuals, gains, warnings);
  return { transforms, gains, residuals, warnings };
}

/** A frame whose residual is this many times the stack's median does not match its neighbour. */
const RESIDUAL_OUTLIER = 3;
/** Brightness correction beyond this fraction points at an exposure jump rather than flicker. */
const EXPOSURE_JUMP = 0.2;

/**
 * Diagnostics before fusion: frames that match their neighbour far worse than the rest of the stack (a
 * moved subject, a stray frame, a missed focus step) or that needed a large brightness correction are
 * flagged, so the user can leave them out instead of finding artifacts afterwards.
 */
function flagOutliers(residuals: number[], gains: number[][], warnings: (string | undefined)[]): void {
  const sorted = residuals.filter((r) => r > 0).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  residuals.forEach((r, i) => {
    if (warnings[i]) return;
    if (median > 0 && sorted.length >= 3 && r > RESIDUAL_OUTLIER * median) {
      warnings[i] = `matches its neighbour poorly (residual ${(r / median).toFixed(1)}x the stack's median): a moved subject or a stray frame?`;
    } else {
      const mean = gains[i]!.reduce((a, b) => a + b, 0) / gains[i]!.length;
      if (Math.abs(mean - 1) > EXPOSURE_JUMP) warnings[i] = `brightness corrected by ${Math.round((mean - 1) * 100)}%: an exposure jump?`;
    }
  });
}
