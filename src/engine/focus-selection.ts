import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { gaussianBlur } from './filters.js';

/**
 * Depth-map selection. Pass 1 streams frames through a running argmax of the focus measure (associative, so
 * order and slabs do not matter); pass 2 turns the winner map into soft per-frame weights by normalised
 * convolution: w_i = G * ([best == i] * s), with s the winning sharpness. Blurring the confidence-weighted
 * votes (rather than the raw index) lets sharp, certain regions fill in flat, uncertain ones, and gives the
 * soft blend between neighbouring frames at depth steps.
 */
export class FocusSelection {
  readonly bestScore: Plane;
  readonly bestIndex: Plane;

  constructor(private readonly k: Kernels, width: number, height: number) {
    this.bestScore = k.arena.plane(width, height);
    this.bestIndex = k.arena.plane(width, height);
    k.arena.planeData(this.bestScore).fill(-1);
    k.arena.planeData(this.bestIndex).fill(0);
  }

  update(score: Plane, index: number): void {
    const n = score.width * score.height;
    this.k.argmaxUpdate(score.ptr, this.bestScore.ptr, this.bestIndex.ptr, n, index);
  }

  /**
   * After the last frame: a small floor on confidence so regions with no detail at all (where every frame
   * scores ~0) still get weights, from whichever frame won there.
   */
  finish(floor: number): void {
    const n = this.bestScore.width * this.bestScore.height;
    this.k.scaleOffset(this.bestScore.ptr, this.bestScore.ptr, n, 1, floor);
  }

  /**
   * Expected frame index per pixel under the soft weights, scaled so frame 0 -> 0 and frame `frames-1` -> 1:
   * sum_i i w_i / sum_i w_i = G*(index * score) / G*(score), by linearity, so two blurs serve any frame count.
   */
  depth(frames: number, sigma: number, dst: Plane): void {
    const k = this.k;
    const n = dst.width * dst.height;
    k.arena.scoped(() => {
      const total = k.arena.plane(dst.width, dst.height);
      const tmp = k.arena.plane(dst.width, dst.height);
      k.arena.planeData(dst).fill(0);
      k.blendNormal(dst.ptr, this.bestIndex.ptr, this.bestScore.ptr, n); // dst = index * score (dst was 0)
      gaussianBlur(k, dst, dst, tmp, sigma);
      gaussianBlur(k, this.bestScore, total, tmp, sigma);
      k.divideSafe(dst.ptr, total.ptr, dst.ptr, n, 1e-30, 0);
      k.scaleOffset(dst.ptr, dst.ptr, n, frames > 1 ? 1 / (frames - 1) : 0, 0);
    });
  }

  /** dst = G_sigma * score = Σ_i w_i: the total of every frame's weight. */
  totalWeight(sigma: number, dst: Plane, tmp: Plane): void {
    gaussianBlur(this.k, this.bestScore, dst, tmp, sigma);
  }

  /** dst = G_sigma * ([best == index] * score): frame `index`'s unnormalised weight. */
  weight(index: number, sigma: number, dst: Plane, tmp: Plane): void {
    const n = dst.width * dst.height;
    this.k.indexVote(this.bestIndex.ptr, this.bestScore.ptr, dst.ptr, n, index, 0);
    gaussianBlur(this.k, dst, dst, tmp, sigma);
  }
}
