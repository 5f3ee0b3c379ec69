import type { Plane } from '../../wasm/arena.js';
import type { Kernels } from '../../wasm/kernels.js';
import { LUMA } from '../focus-measure.js';
import { fullScale } from '../pixel-format.js';
import type { Rect } from '../types.js';
import { buildLaplacian, collapse, levelSizes, pyramidReach } from './laplacian.js';
import type { FusionMethod } from './method.js';

/**
 * Max-select of detail (after Burt & Adelson 1985, "Merging images through pattern selection"): at each of the
 * finest `levels` Laplacian levels keep the coefficient of the frame whose luminance detail is strongest.
 * Selection looks at luminance and carries all colour channels of the winning frame together, so colours
 * never mix across frames. The score is |luma coefficient| averaged over 3x3 (Burt & Kolczynski 1993's
 * area-based "salience"), which keeps single noisy coefficients from winning. Running max-select is
 * associative, so frames stream through one at a time. Optionally it also keeps, per level, the smallest
 * salience any frame had: where some frame is blurred, that is about the noise's own salience.
 */
export class DetailSelection {
  /** Selected coefficients, [channel][level]. */
  readonly detail: Plane[][];
  /** Per level, the least salience over frames so far (when asked for). */
  readonly noiseFloor: Plane[] = [];
  private readonly best: Plane[];

  constructor(private readonly k: Kernels, width: number, height: number, private readonly channels: number, private readonly levels: number, noiseFloor = false) {
    const arena = k.arena;
    const sizes = levelSizes(width, height, levels).slice(0, levels);
    this.detail = Array.from({ length: channels }, () => sizes.map(([w, h]) => arena.plane(w, h)));
    this.best = sizes.map(([w, h]) => arena.plane(w, h));
    if (noiseFloor) this.noiseFloor = sizes.map(([w, h]) => arena.plane(w, h));
    for (const p of this.detail.flat()) arena.planeData(p).fill(0);
    for (const p of this.best) arena.planeData(p).fill(-1);
    for (const p of this.noiseFloor) arena.planeData(p).fill(Infinity);
  }

  /** Float planes per pixel this keeps (detail per channel, best scores, noise floor), for memory planning. */
  static planes(channels: number, noiseFloor: boolean): number {
    return (4 / 3) * (channels + 1 + (noiseFloor ? 1 : 0));
  }

  add(planes: Plane[]): void {
    const k = this.k;
    const arena = k.arena;
    arena.scoped(() => {
      const pyramids = planes.map((p) => buildLaplacian(k, p, this.levels));
      for (let l = 0; l < this.levels; l++) {
        const { width: w, height: h } = pyramids[0]![l]!;
        arena.scoped(() => {
          const score = arena.plane(w, h);
          salience(k, pyramids.map((pyr) => pyr[l]!), score, arena.plane(w, h));
          if (this.noiseFloor.length) k.minUpdate(this.noiseFloor[l]!.ptr, score.ptr, w * h);
          const src = (c: number) => (c < this.channels ? pyramids[c]![l]!.ptr : 0);
          const dst = (c: number) => (c < this.channels ? this.detail[c]![l]!.ptr : 0);
          k.pyramidSelect(score.ptr, this.best[l]!.ptr, w * h, this.channels, src(0), dst(0), src(1), dst(1), src(2), dst(2));
        });
      }
    });
  }
}

/** |luminance| of some colour planes' coefficients, averaged over 3x3, into `dst`. */
export function salience(k: Kernels, planes: Plane[], dst: Plane, tmp: Plane): void {
  const { width: w, height: h } = dst;
  const n = w * h;
  if (planes.length === 3) {
    k.luminance(planes[0]!.ptr, planes[1]!.ptr, planes[2]!.ptr, dst.ptr, n, LUMA[0], LUMA[1], LUMA[2]);
    k.absolute(dst.ptr, dst.ptr, n);
  } else {
    k.absolute(planes[0]!.ptr, dst.ptr, n);
  }
  k.boxBlur(dst.ptr, dst.ptr, tmp.ptr, w, h, 1);
}

/**
 * The composite: the depth-map blend with its finest `levels` detail levels replaced by the selected detail,
 * computed as blend + collapse(selected - blend's detail) with a zero residual, in place in `blend`. Coarser
 * levels and the residual stay the blend's: low frequencies come from the frames the depth map picked, so tone
 * and contrast are the sources' (taking the largest coefficient there, or averaging every frame's low-pass,
 * brings in a defocused neighbour's glow and raises contrast). `shrink`, when given, scales each level's
 * differences (all channels, in place) before they are added. Returns how many pixels of `core` the detail
 * changed by half an output step or more.
 */
export function addSelectedDetail(
  k: Kernels, blend: Plane[], detail: Plane[][], levels: number, core: Rect, bitDepth: 8 | 16, shrink?: (level: number, differences: Plane[]) => void,
): number {
  const arena = k.arena;
  // differences[c][l] = selected - blend's detail, in place in `detail`; then a zero residual to collapse onto.
  const differences = detail.map((levelsOfChannel, c) => {
    const own = buildLaplacian(k, blend[c]!, levels);
    levelsOfChannel.forEach((p, l) => k.addScaled(p.ptr, own[l]!.ptr, p.width * p.height, -1));
    const residual = own[levels]!;
    arena.planeData(residual).fill(0);
    return [...levelsOfChannel, residual];
  });
  if (shrink) for (let l = 0; l < levels; l++) shrink(l, differences.map((pyr) => pyr[l]!));
  const changes = differences.map((pyr) => collapse(k, pyr));
  let changed = 0;
  const { width } = blend[0]!;
  const halfStep = 0.5 / fullScale(bitDepth);
  const views = changes.map((p) => arena.planeData(p));
  for (let y = core.top; y < core.top + core.height; y++) {
    for (let i = y * width + core.left, end = i + core.width; i < end; i++) {
      for (const v of views) {
        if (Math.abs(v[i]!) >= halfStep) {
          changed++;
          break;
        }
      }
    }
  }
  changes.forEach((change, c) => k.addScaled(blend[c]!.ptr, change.ptr, change.width * change.height, 1));
  return changed;
}

/**
 * Pyramid fusion: every pixel takes the finest levels' strongest detail from whichever frame holds it (fine
 * structure no single frame has all of survives), on the depth-map blend's low frequencies.
 */
export const pyramidFusion: FusionMethod = {
  mode: 'pyramid',
  readsColour: true,
  weighting: 'sharpest',
  // The selected detail and best scores; a frame's pyramids while they are built (channels x 4/3) and a level's
  // score and scratch; at the end the blend's pyramid, smaller than a frame's.
  accumulatorPlanes: (channels) => DetailSelection.planes(channels, false),
  framePlanes: (channels) => (4 / 3) * channels + 2,
  reach: (levels, blendReach) => blendReach + pyramidReach(levels),
  tileGrid: (levels) => 2 ** levels,
  createTile: ({ k, width, height, channels, levels, core, bitDepth }) => {
    const selection = new DetailSelection(k, width, height, channels, levels);
    let changed = 0;
    return {
      addFrame: (_index, planes) => selection.add(planes),
      composite: (blend) => {
        changed = addSelectedDetail(k, blend, selection.detail, levels, core, bitDepth);
        return blend;
      },
      pyramidPixels: () => changed,
    };
  },
};
