import type { Plane } from '../../wasm/arena.js';
import type { Kernels } from '../../wasm/kernels.js';
import { LUMA } from '../focus-measure.js';
import { buildLaplacian, collapse, levelSizes, pyramidReach } from './laplacian.js';
import type { FusionMethod } from './method.js';

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
    const sizes = levelSizes(width, height, levels);
    this.fused = Array.from({ length: channels }, () => sizes.map(([w, h]) => arena.plane(w, h)));
    this.best = sizes.slice(0, levels).map(([w, h]) => arena.plane(w, h));
    for (const p of this.fused.flat()) arena.planeData(p).fill(0);
    for (const p of this.best) arena.planeData(p).fill(-1);
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

export const pyramidFusion: FusionMethod = {
  mode: 'pyramid',
  readsColour: true,
  needsBlend: false,
  // The fused pyramids (channels x 4/3) and the best scores (4/3); a frame's pyramids while they are built
  // (channels x 4/3) and a level's score and scratch.
  accumulatorPlanes: (channels) => (4 / 3) * (channels + 1),
  framePlanes: (channels) => (4 / 3) * channels + 2,
  reach: pyramidReach,
  tileGrid: (levels) => 2 ** levels,
  createTile: ({ k, width, height, channels, levels }) => {
    const fusion = new PyramidFusion(k, width, height, channels, levels);
    return {
      addFrame: (_index, planes) => fusion.add(planes),
      composite: () => fusion.result(),
    };
  },
};
