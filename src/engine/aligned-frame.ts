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
  return readAligned(source, k, frame, transform, region, source.info.channels, clock, (src, c, scratch) => {
    if (gain[c] === 1) return src[c]!;
    k.scaleOffset(src[c]!.ptr, scratch.ptr, scratch.width * scratch.height, gain[c]!, 0);
    return scratch;
  });
}

/**
 * Only the corrected luminance of the aligned region (what the focus measure needs): luminance is linear,
 * so it is formed in the source geometry and warped once instead of warping every channel.
 */
export async function readAlignedLuminance(
  source: FrameSource, k: Kernels, frame: number, transform: Affine, gain: number[], region: Rect, clock?: StageClock,
): Promise<Plane> {
  const planes = await readAligned(source, k, frame, transform, region, 1, clock, (src, _c, scratch) => {
    const n = scratch.width * scratch.height;
    if (src.length === 3) k.luminance(src[0]!.ptr, src[1]!.ptr, src[2]!.ptr, scratch.ptr, n, LUMA[0] * gain[0]!, LUMA[1] * gain[1]!, LUMA[2] * gain[2]!);
    else k.scaleOffset(src[0]!.ptr, scratch.ptr, n, gain[0]!, 0);
    return scratch;
  });
  return planes[0]!;
}

/**
 * Reads the source footprint of `region`, derives `outputs` planes from it in source geometry with
 * `prepare` (which may use a scratch plane of footprint size), and warps each into reference geometry.
 */
async function readAligned(
  source: FrameSource, k: Kernels, frame: number, transform: Affine, region: Rect, outputs: number, clock: StageClock | undefined,
  prepare: (src: Plane[], output: number, scratch: Plane) => Plane,
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
    const src = blockToPlanes(k, block);
    const scratch = arena.plane(footprint.width, footprint.height);
    out.forEach((plane, c) => {
      const prepared = prepare(src, c, scratch);
      k.warpAffineBicubic(prepared.ptr, prepared.width, prepared.height, plane.ptr, region.width, region.height, ...transform,
        region.left, region.top, footprint.left, footprint.top);
    });
  });
  clock?.add('warp', now() - t1);
  return out;
}
