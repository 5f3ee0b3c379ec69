import type { Plane } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { compose, sourceFootprint, translation } from './geometry.js';
import { LUMA } from './focus-measure.js';
import { blockToPlanes } from './pixels.js';
import { now, type StageClock } from './profile.js';
import type { Affine, FrameSource, Rect } from './types.js';

/** Bicubic reads two pixels beyond the sample point on each side. */
const WARP_PAD = 3;

/**
 * One frame's pixels for one tile, resampled into reference geometry and corrected for brightness and white
 * balance: reads only the source rectangle the tile's warp touches, so memory follows the tile, not the frame.
 * `region` is in reference-frame coordinates. Returns one float plane per channel (allocated in the arena).
 */
export async function readAlignedRegion(
  source: FrameSource, k: Kernels, frame: number, transform: Affine, gain: number[], region: Rect, clock?: StageClock,
): Promise<Plane[]> {
  const out = await readAligned(source, k, frame, transform, region, source.info.channels, clock, (src) => src);
  // The gain is applied to the (smaller) warped region; all channels were warped in one pass sharing weights.
  out.forEach((plane, c) => {
    if (gain[c] !== 1) k.scaleOffset(plane.ptr, plane.ptr, region.width * region.height, gain[c]!, 0);
  });
  return out;
}

/**
 * Only the corrected luminance of the aligned region (what the focus measure needs): luminance is linear,
 * so it is formed in the source geometry and warped once instead of warping every channel.
 */
export async function readAlignedLuminance(
  source: FrameSource, k: Kernels, frame: number, transform: Affine, gain: number[], region: Rect, clock?: StageClock,
): Promise<Plane> {
  const planes = await readAligned(source, k, frame, transform, region, 1, clock, (src) => {
    const lum = k.arena.plane(src[0]!.width, src[0]!.height);
    const n = lum.width * lum.height;
    if (src.length === 3) k.luminance(src[0]!.ptr, src[1]!.ptr, src[2]!.ptr, lum.ptr, n, LUMA[0] * gain[0]!, LUMA[1] * gain[1]!, LUMA[2] * gain[2]!);
    else k.scaleOffset(src[0]!.ptr, lum.ptr, n, gain[0]!, 0);
    return [lum];
  });
  return planes[0]!;
}

/**
 * Reads the source footprint of `region`, derives `outputs` consecutive planes from it in source geometry
 * with `prepare`, and warps them together into reference geometry.
 */
async function readAligned(
  source: FrameSource, k: Kernels, frame: number, transform: Affine, region: Rect, outputs: number, clock: StageClock | undefined,
  prepare: (src: Plane[]) => Plane[],
): Promise<Plane[]> {
  const { width, height, channels } = source.info;
  const arena = k.arena;
  const out = Array.from({ length: outputs }, () => arena.plane(region.width, region.height));
  const toFrame = compose(transform, translation(region.left, region.top));
  const footprint =
    sourceFootprint(toFrame, { left: 0, top: 0, width: region.width, height: region.height }, width, height, WARP_PAD) ??
    // Entirely outside the frame (only possible for uncropped debugging runs): clamp to the nearest pixel.
    { left: 0, top: 0, width: 1, height: 1 };
  const t0 = now();
  const block = await source.read(frame, { rect: footprint });
  clock?.add('read', now() - t0);
  const t1 = now();
  if (block.width !== footprint.width || block.height !== footprint.height || block.channels !== channels) {
    throw new Error(`${source.info.frames[frame]!.name}: host returned ${block.width}x${block.height}x${block.channels} for a ${footprint.width}x${footprint.height} read`);
  }
  arena.scoped(() => {
    const prepared = prepare(blockToPlanes(k, block));
    k.warpAffineBicubic(prepared[0]!.ptr, footprint.width, footprint.height, planeStride(prepared), out[0]!.ptr, region.width, region.height,
      planeStride(out), outputs, ...transform, region.left, region.top, footprint.left, footprint.top);
  });
  clock?.add('warp', now() - t1);
  return out;
}

/** Floats from one plane to the next of planes allocated one after another (the arena keeps them in order). */
function planeStride(planes: Plane[]): number {
  return planes.length > 1 ? (planes[1]!.ptr - planes[0]!.ptr) / 4 : 0;
}
