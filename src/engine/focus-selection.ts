import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { gaussianBlur, gaussianReach } from './filters.js';

/**
 * How the per-frame weights of the depth map are made from the focus measure (see FocusSelection):
 * - 'sharpest': each pixel votes for its sharpest frame with its sharpness as confidence, so sharp, certain
 *   regions fill in flat, uncertain ones;
 * - 'balanced': each pixel's vote counts the same, and where the frames are about equally sharp (flat or
 *   noise-dominated areas) the weight is shared among them, in proportion to (s_i / s_best)^4.
 */
export type FocusWeighting = 'sharpest' | 'balanced';

/**
 * Where the stack's mean sharpness reaches this share of the sharpest frame's, both averaged over a region
 * (FLATNESS_SIGMA), the frames count as equally sharp. Frames that differ only by noise give about 0.55–0.75
 * whatever their number (the largest of several noisy energy estimates sits 1.3–2 times above their mean); a
 * surface that comes into focus somewhere in the stack gives 0.1–0.35 (8- to 60-frame synthetic stacks). The
 * weighting moves from one frame's vote to the shared average between these two values; below the noise's
 * range, so faint detail that noise hides is not averaged away as readily as plain noise is.
 */
const EQUALLY_SHARP: readonly [number, number] = [0.5, 0.7];

/**
 * Region (Gaussian sigma, px) over which the equal-sharpness test averages: a per-pixel ratio of noisy
 * energies fluctuates too much to tell noise from faint, blurred detail.
 */
const FLATNESS_SIGMA = 6;

/**
 * Depth-map selection. Pass 1 streams frames through a running argmax of the focus measure (associative, so
 * order and slabs do not matter); pass 2 turns it into soft per-frame weights by normalised convolution.
 *
 * 'sharpest': w_i = G * ([best == i] * s), with s the winning sharpness. Blurring the confidence-weighted votes
 * (rather than the raw index) lets sharp, certain regions fill in flat, uncertain ones, and gives the soft
 * blend between neighbouring frames at depth steps.
 *
 * 'balanced': w_i = G * ((1 - f) [best == i] + f r_i^4 / Σ_j r_j^4), r_i = s_i / s_best, where the flatness f
 * rises from 0 to 1 as the stack's mean sharpness approaches the best frame's over a region (EQUALLY_SHARP,
 * FLATNESS_SIGMA). Votes count
 * equally, so a thin bright hair's large Laplacian energy, spread by the focus window, does not outvote the
 * background texture beside it; where no frame is clearly sharpest the frames are averaged, which lowers noise
 * instead of passing one frame's noise through. Σ_j r_j^4 is accumulated in pass 1 (rescaled as the best
 * grows), so the weights still sum to 1 before the blur and pass 2 needs only each frame's own sharpness.
 */
export class FocusSelection {
  readonly bestScore: Plane;
  readonly bestIndex: Plane;
  /** Balanced weighting: Σ s_i (then the flatness f, after finish), Σ r_i^4 and Σ i r_i^4. */
  private readonly sums?: { score: Plane; power: Plane; index: Plane };
  private floor = 0;

  constructor(private readonly k: Kernels, width: number, height: number, readonly weighting: FocusWeighting = 'sharpest', private readonly frames = 1) {
    const arena = k.arena;
    this.bestScore = arena.plane(width, height);
    this.bestIndex = arena.plane(width, height);
    arena.planeData(this.bestScore).fill(-1);
    arena.planeData(this.bestIndex).fill(0);
    if (weighting === 'balanced') {
      this.sums = { score: arena.plane(width, height), power: arena.plane(width, height), index: arena.plane(width, height) };
      for (const p of Object.values(this.sums)) arena.planeData(p).fill(0);
    }
  }

  /** Float planes this selection keeps per pixel, for memory planning. */
  static planes(weighting: FocusWeighting): number {
    return weighting === 'balanced' ? 5 : 2;
  }

  /** How far the weights look beyond the focus measure's reach: the balanced flatness's region. */
  static reach(weighting: FocusWeighting): number {
    return weighting === 'balanced' ? gaussianReach(FLATNESS_SIGMA) : 0;
  }

  /** Pass 2 must hand `weight` each frame's own sharpness. */
  get needsFrameScore(): boolean {
    return this.weighting === 'balanced';
  }

  /** Pass 1: frame `index`'s sharpness. `floor` is the confidence floor of `finish`, needed here by 'balanced'. */
  update(score: Plane, index: number, floor: number): void {
    const n = score.width * score.height;
    if (this.sums) this.k.balanceUpdate(score.ptr, this.bestScore.ptr, this.bestIndex.ptr, this.sums.score.ptr, this.sums.power.ptr, this.sums.index.ptr, n, index, floor);
    else this.k.argmaxUpdate(score.ptr, this.bestScore.ptr, this.bestIndex.ptr, n, index);
  }

  /**
   * After the last frame: a small floor on confidence so regions with no detail at all (where every frame
   * scores ~0) still get weights, from whichever frame won there. ('balanced' added it to every score as it
   * came, and now turns its score sum into the flatness.)
   */
  finish(floor: number): void {
    const n = this.bestScore.width * this.bestScore.height;
    this.floor = floor;
    if (!this.sums) {
      this.k.scaleOffset(this.bestScore.ptr, this.bestScore.ptr, n, 1, floor);
      return;
    }
    const { k } = this;
    const { width, height } = this.bestScore;
    k.arena.scoped(() => {
      const best = k.arena.plane(width, height);
      const tmp = k.arena.plane(width, height);
      gaussianBlur(k, this.bestScore, best, tmp, FLATNESS_SIGMA);
      gaussianBlur(k, this.sums!.score, this.sums!.score, tmp, FLATNESS_SIGMA);
      k.smoothStepRatio(this.sums!.score.ptr, best.ptr, this.sums!.score.ptr, n, 1 / this.frames, EQUALLY_SHARP[0], EQUALLY_SHARP[1]);
    });
  }

  /** 'balanced', after finish: how far each pixel's frames are equally sharp (0: one frame is sharpest, 1: all alike). */
  get flatness(): Plane | undefined {
    return this.sums?.score;
  }

  /**
   * Expected frame index per pixel under the soft weights, scaled so frame 0 -> 0 and frame `frames-1` -> 1:
   * sum_i i w_i / sum_i w_i, by linearity a ratio of two blurs for any frame count.
   */
  depth(frames: number, sigma: number, dst: Plane): void {
    const k = this.k;
    const n = dst.width * dst.height;
    k.arena.scoped(() => {
      const total = k.arena.plane(dst.width, dst.height);
      const tmp = k.arena.plane(dst.width, dst.height);
      if (this.sums) {
        // Σ_i i w_i before the blur: (1 - f) best + f Σ i r^4 / Σ r^4; Σ_i w_i = 1.
        k.divideSafe(this.sums.index.ptr, this.sums.power.ptr, tmp.ptr, n, 0, 0);
        k.scaleOffset(this.bestIndex.ptr, dst.ptr, n, 1, 0);
        k.blendNormal(dst.ptr, tmp.ptr, this.sums.score.ptr, n);
        k.arena.planeData(total).fill(1);
      } else {
        k.arena.planeData(dst).fill(0);
        k.blendNormal(dst.ptr, this.bestIndex.ptr, this.bestScore.ptr, n); // dst = index * score (dst was 0)
        k.scaleOffset(this.bestScore.ptr, total.ptr, n, 1, 0);
      }
      gaussianBlur(k, dst, dst, tmp, sigma);
      gaussianBlur(k, total, total, tmp, sigma);
      k.divideSafe(dst.ptr, total.ptr, dst.ptr, n, 1e-30, 0);
      k.scaleOffset(dst.ptr, dst.ptr, n, frames > 1 ? 1 / (frames - 1) : 0, 0);
    });
  }

  /** dst = Σ_i w_i: the total of every frame's weight. */
  totalWeight(sigma: number, dst: Plane, tmp: Plane): void {
    if (this.sums) this.k.arena.planeData(dst).fill(1);
    gaussianBlur(this.k, this.sums ? dst : this.bestScore, dst, tmp, sigma);
  }

  /**
   * dst = frame `index`'s unnormalised weight: G_sigma * ([best == index] * score) ('sharpest'), or the balanced
   * weight from `score`, the frame's own sharpness.
   */
  weight(index: number, sigma: number, dst: Plane, tmp: Plane, score?: Plane): void {
    const n = dst.width * dst.height;
    if (this.sums) {
      if (!score) throw new Error('balanced focus weights need each frame\'s sharpness');
      this.k.balanceWeight(score.ptr, this.bestScore.ptr, this.bestIndex.ptr, this.sums.score.ptr, this.sums.power.ptr, dst.ptr, n, index, this.floor);
    } else {
      this.k.indexVote(this.bestIndex.ptr, this.bestScore.ptr, dst.ptr, n, index, 0);
    }
    gaussianBlur(this.k, dst, dst, tmp, sigma);
  }
}
