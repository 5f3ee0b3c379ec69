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
 * Tile margin for a pyramid of this depth. The 5-tap kernel reaches 2 pixels per level for reduce and again
 * for expand, doubling each level (~4 * 2^levels); coarse max-abs selections near a tile edge still flip, so
 * the margin is twice that, which the seam test measured to keep tiled and untiled results within 4/255.
 */
export function pyramidReach(levels: number): number {
  return 8 * (2 ** levels);
}
