import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { LUMA } from './focus-measure.js';

/**
 * Laplacian pyramid in place: levels[0..L-1] hold detail (band-pass) coefficients, levels[L] the low-pass
 * residual. Level l+1 pixel x corresponds to level l pixel 2x (pyrDown keeps even samples).
 */
export function buildLaplacian(k: Kernels, src: Plane, levels: number): Plane[] {
  const arena = k.arena;
  const first = arena.plane(src.width, src.height);
  k.scaleOffset(src.ptr, first.ptr, src.width * src.height, 1, 0);
  const pyramid = [first];
  for (let l = 0; l < levels; l++) {
    const fine = pyramid[l]!;
    const coarse = arena.plane(Math.ceil(fine.width / 2), Math.ceil(fine.height / 2));
    k.pyrDown(fine.ptr, fine.width, fine.height, coarse.ptr);
    k.pyrUpAdd(coarse.ptr, fine.width, fine.height, fine.ptr, -1);
    pyramid.push(coarse);
  }
  return pyramid;
}

/** Collapses a Laplacian pyramid in place; the result is in pyramid[0]. */
export function collapse(k: Kernels, pyramid: Plane[]): Plane {
  for (let l = pyramid.length - 2; l >= 0; l--) {
    const fine = pyramid[l]!;
    k.pyrUpAdd(pyramid[l + 1]!.ptr, fine.width, fine.height, fine.ptr, 1);
  }
  return pyramid[0]!;
}

/**
 * Pyramid fusion (after Burt & Adelson 1985, "Merging images through pattern selection"): at every detail
 * level keep the coefficient of the frame whose luminance detail is strongest; average the low-pass residual.
 * Selection looks at luminance and carries all colour channels of the winning frame together, so colours
 * never mix across frames. The score is |luma coefficient| averaged over 3x3 (Burt & Kolczynski 1993's
 * area-based "salience"), which keeps single noisy coefficients from winning: the noise control.
 * Running max-select is associative, so frames stream through one at a time.
 */
export class PyramidFusion {
  private readonly fused: Plane[][];
  private readonly best: Plane[];
  private frames = 0;

  constructor(private readonly k: Kernels, width: number, height: number, private readonly channels: number, private readonly levels: number) {
    const arena = k.arena;
    const sizes: [number, number][] = [[width, height]];
    for (let l = 0; l < levels; l++) {
      const [w, h] = sizes[l]!;
      sizes.push([Math.ceil(w / 2), Math.ceil(h / 2)]);
    }
    this.fused = Array.from({ length: channels }, () => sizes.map(([w, h]) => arena.plane(w, h)));
    this.best = sizes.slice(0, levels).map(([w, h]) => arena.plane(w, h));
    this.reset();
  }

  /** Empties the accumulators so the same memory fuses another set of frames. */
  reset(): void {
    for (const p of this.fused.flat()) this.k.arena.planeData(p).fill(0);
    for (const p of this.best) this.k.arena.planeData(p).fill(-1);
    this.frames = 0;
  }

  add(planes: Plane[]): void {
    const k = this.k;
    const arena = k.arena;
    arena.scoped(() => {
      const pyramids = planes.map((p) => buildLaplacian(k, p, this.levels));
      for (let l = 0; l < this.levels; l++) {
        const level = pyramids[0]![l]!;
        const { width: w, height: h } = level;
        const n = w * h;
        arena.scoped(() => {
          const score = arena.plane(w, h);
          const tmp = arena.plane(w, h);
          if (this.channels === 3) {
            k.luminance(pyramids[0]![l]!.ptr, pyramids[1]![l]!.ptr, pyramids[2]![l]!.ptr, score.ptr, n, LUMA[0], LUMA[1], LUMA[2]);
            k.absolute(score.ptr, score.ptr, n);
          } else {
            k.absolute(level.ptr, score.ptr, n);
          }
          k.boxBlur(score.ptr, score.ptr, tmp.ptr, w, h, 1);
          const src = (c: number) => (c < this.channels ? pyramids[c]![l]!.ptr : 0);
          const dst = (c: number) => (c < this.channels ? this.fused[c]![l]!.ptr : 0);
          k.pyramidSelect(score.ptr, this.best[l]!.ptr, n, this.channels, src(0), dst(0), src(1), dst(1), src(2), dst(2));
        });
      }
      pyramids.forEach((pyr, c) => {
        const top = pyr[this.levels]!;
        k.addScaled(this.fused[c]![this.levels]!.ptr, top.ptr, top.width * top.height, 1);
      });
    });
    this.frames++;
  }

  /** Collapses the fused pyramids (destroying them) and returns one plane per channel. */
  result(): Plane[] {
    const k = this.k;
    return this.fused.map((pyr) => {
      const top = pyr[this.levels]!;
      k.scaleOffset(top.ptr, top.ptr, top.width * top.height, 1 / Math.max(1, this.frames), 0);
      return collapse(k, pyr);
    });
  }
}

/**
 * Tile margin for a pyramid of this depth. The 5-tap kernel reaches 2 pixels per level for reduce and again
 * for expand, doubling each level (~4 * 2^levels); coarse max-abs selections near a tile edge still flip, so
 * the margin is twice that, which the seam test measured to keep tiled and untiled results within 4/255.
 */
export function pyramidReach(levels: number): number {
  return 8 * (2 ** levels);
}
