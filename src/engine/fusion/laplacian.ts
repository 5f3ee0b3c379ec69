import type { Plane } from '../../wasm/arena.js';
import type { Kernels } from '../../wasm/kernels.js';

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

/** Sizes of the levels of a pyramid over a width x height plane, finest first (levels + 1 entries). */
export function levelSizes(width: number, height: number, levels: number): [number, number][] {
  const sizes: [number, number][] = [[width, height]];
  for (let l = 0; l < levels; l++) {
    const [w, h] = sizes[l]!;
    sizes.push([Math.ceil(w / 2), Math.ceil(h / 2)]);
  }
  return sizes;
}

/**
 * Tile margin for a pyramid of this depth, with tiles on a 2^levels grid (so every level samples the same pixels
 * as the whole image would). Near a tile's edge, reflection stands in for real data: the low-pass residual is off
 * within 2 of its pixels, and collapsing spreads that to 2^levels * (2 + 2) - 2 full-resolution pixels; detail
 * levels reach less (about 7 pixels at level l, 3.5 * 2^levels at most). With this margin a tile's core is
 * bit-identical to the untiled result (the seam test checks it).
 */
export function pyramidReach(levels: number): number {
  return 4 * (2 ** levels);
}
